import { DataError } from '@athanor/core';
import type { SqlType } from '@athanor/core';
import { sqliteCodecs } from '@athanor/sqlite';
import { formatDate, normalizeTime, parseTimestamp, toDate } from '@athanor/core';

const type = (kind: SqlType['kind'], extra: Partial<SqlType> = {}): SqlType => ({ kind, ...extra });

describe('parseTimestamp', () => {
  test.each([
    ['2024-01-02T03:04:05.678Z', Date.UTC(2024, 0, 2, 3, 4, 5, 678)],
    ['2024-01-02 03:04:05', Date.UTC(2024, 0, 2, 3, 4, 5)], // no offset: UTC, not local time
    ['2024-01-02 03:04:05.678901', Date.UTC(2024, 0, 2, 3, 4, 5, 678)], // microseconds truncated
    ['2024-01-02 03:04:05+05:30', Date.UTC(2024, 0, 1, 21, 34, 5)],
    ['2024-01-02 03:04:05-08', Date.UTC(2024, 0, 2, 11, 4, 5)],
    ['1900-01-01 00:00:00+00:09:21', Date.UTC(1899, 11, 31, 23, 50, 39)],
    ['2024-01-02', Date.UTC(2024, 0, 2)],
  ])('%s', (text, expected) => {
    expect(parseTimestamp(text).getTime()).toBe(expected);
  });

  test('keeps years 0–99 and BC years', () => {
    expect(parseTimestamp('0044-03-15 12:00:00').getUTCFullYear()).toBe(44);
    expect(parseTimestamp('0044-03-15 12:00:00 BC').getUTCFullYear()).toBe(-43);
  });

  test('rejects text that is not a timestamp', () => {
    expect(() => parseTimestamp('yesterday')).toThrow(DataError);
    expect(() => toDate(new Date(Number.NaN))).toThrow(DataError);
    expect(() => toDate({})).toThrow(DataError);
  });

  test('formats dates and times in UTC', () => {
    expect(formatDate(new Date(Date.UTC(2024, 1, 29, 23, 59)))).toBe('2024-02-29');
    expect(formatDate('2024-02-29')).toBe('2024-02-29');
    expect(normalizeTime('13:14:15.120')).toBe('13:14:15.12');
    expect(normalizeTime('13:14:15.000')).toBe('13:14:15');
    expect(normalizeTime('-838:59:59.000000')).toBe('-838:59:59');
  });
});

describe('sqliteCodecs', () => {
  test('passes NULL through every codec, both ways', () => {
    for (const [kind, codec] of Object.entries(sqliteCodecs)) {
      const t = type(kind as SqlType['kind']);
      if (codec?.toDriver) expect([kind, codec.toDriver(null, t)]).toEqual([kind, null]);
      if (codec?.fromDriver) expect([kind, codec.fromDriver(null, t)]).toEqual([kind, null]);
    }
  });

  test('stores booleans as 0/1 and timestamps as ISO text in UTC', () => {
    expect(sqliteCodecs.boolean?.toDriver?.(true, type('boolean'))).toBe(1);
    expect(sqliteCodecs.boolean?.fromDriver?.(0, type('boolean'))).toBe(false);
    expect(sqliteCodecs.timestamp?.toDriver?.(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), type('timestamp'))).toBe('2024-01-02T03:04:05.006Z');
  });

  test('prints a NUMERIC-affinity number back with the column scale', () => {
    expect(sqliteCodecs.numeric?.fromDriver?.(1.5, type('numeric', { precision: 10, scale: 2 }))).toBe('1.50');
    expect(sqliteCodecs.numeric?.fromDriver?.('1.5000000000000000001', type('numeric', { scale: 2 }))).toBe('1.5000000000000000001');
    expect(sqliteCodecs.numeric?.toDriver?.(12n, type('numeric'))).toBe('12');
  });

  test('bigint: exact both ways, or a decimal string in string mode', () => {
    expect(sqliteCodecs.bigint?.toDriver?.('9007199254740993', type('bigint'))).toBe(9007199254740993n);
    expect(sqliteCodecs.bigint?.fromDriver?.(5, type('bigint'))).toBe(5n);
    expect(sqliteCodecs.bigint?.fromDriver?.(9007199254740993n, type('bigint', { bigintMode: 'string' }))).toBe('9007199254740993');
    expect(() => sqliteCodecs.bigint?.toDriver?.(1.5, type('bigint'))).toThrow(DataError);
    expect(() => sqliteCodecs.bigint?.toDriver?.('12abc', type('bigint'))).toThrow(DataError);
  });
});
