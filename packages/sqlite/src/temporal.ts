import { DataError } from '@athanor/core';

/**
 * Date and time text helpers. SQLite has no temporal types, so timestamps are stored as
 * ISO-8601 text in UTC: it sorts lexicographically in time order and reads back exactly.
 */

const TIMESTAMP_TEXT =
  /^(\d{4,})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d+))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/i;

/**
 * Parse timestamp text; text without an offset is UTC (SQLite's CURRENT_TIMESTAMP writes
 * 'YYYY-MM-DD HH:MM:SS' in UTC, and `new Date()` would read that as local time).
 */
export function parseTimestamp(text: string): Date {
  const m = TIMESTAMP_TEXT.exec(text.trim());
  if (!m) throw new DataError(`Not a timestamp: '${text}'`);
  const [, y, mo, d, h = '0', mi = '0', s = '0', frac = '', zone] = m;
  let offsetMs = 0;
  if (zone && zone.toUpperCase() !== 'Z') {
    const sign = zone.startsWith('-') ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    offsetMs = sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4) || '0')) * 60_000;
  }
  // JavaScript dates carry milliseconds; finer digits are truncated, as PostgreSQL's drivers do.
  const ms = frac === '' ? 0 : Number(frac.slice(0, 3).padEnd(3, '0'));
  const date = new Date(0);
  // setUTCFullYear, unlike Date.UTC, does not map years 0–99 to 1900–1999.
  date.setUTCFullYear(Number(y), Number(mo) - 1, Number(d));
  date.setUTCHours(Number(h), Number(mi), Number(s), ms);
  return new Date(date.getTime() - offsetMs);
}

/** A Date, a timestamp string or epoch milliseconds, as a Date. */
export function toDate(value: unknown): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new DataError('Invalid Date cannot be stored');
    return value;
  }
  if (typeof value === 'string') return parseTimestamp(value);
  if (typeof value === 'number' || typeof value === 'bigint') return new Date(Number(value));
  throw new DataError(`Expected a Date for a timestamp column; got ${typeof value}`);
}

/** 'YYYY-MM-DD' of a Date in UTC; strings pass through (they are already calendar dates). */
export function formatDate(value: unknown): string {
  if (typeof value === 'string') return value;
  return toDate(value).toISOString().slice(0, 10);
}

/** 'HH:MM:SS.mmm' of a Date in UTC; strings pass through. */
export function formatTime(value: unknown): string {
  if (typeof value === 'string') return value;
  return toDate(value).toISOString().slice(11, 23);
}
