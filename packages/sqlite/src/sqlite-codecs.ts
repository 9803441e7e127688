import { bigintFromDriver, DataError, decimalText, isNullish, toBigInt, toBuffer } from '@athanor/core';
import type { SqlType, TypeCodec, TypeCodecs } from '@athanor/core';
import { formatDate, formatTime, normalizeTime, parseTimestamp, toDate } from '@athanor/core';

/**
 * SQLite stores five storage classes (NULL, INTEGER, REAL, TEXT, BLOB); every other type is
 * carried in one of them. Choices, so values read back exactly what was written:
 * - numeric has NUMERIC affinity so it compares and sorts as a number; it is exact to 15
 *   significant digits (SQLite's REAL) and read back as a decimal string with the column's scale;
 * - timestamps are ISO-8601 text in UTC with milliseconds (sorts in time order);
 * - booleans are 0/1, json is text, blobs are Buffers.
 * NULL passes through every codec.
 */

function toNumber(value: unknown): number {
  if (typeof value === 'number') return value;
  if (typeof value === 'bigint' || typeof value === 'string') return Number(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  throw new DataError(`Expected a number; got ${typeof value}`);
}

const number: TypeCodec = {
  fromDriver: (v) => (typeof v === 'number' || isNullish(v) ? v : toNumber(v)),
};

const bigint: TypeCodec = {
  // Bound as a bigint so values beyond 2^53 reach SQLite exactly.
  toDriver: (v) => (isNullish(v) ? null : toBigInt(v)),
  fromDriver: bigintFromDriver,
};

/**
 * Written as text. A column with TEXT affinity keeps it exact; one with NUMERIC affinity
 * (NUMERIC(p, s), DECIMAL) turns it into a number (exact to 15 significant digits), which is
 * printed back with the column's scale so '1.50' reads back as '1.50', as on other databases.
 */
/** SQLite's NUMERIC affinity holds a decimal in a double: 15 significant digits survive exactly. */
const MAX_EXACT_DIGITS = 15;

function exactDecimal(value: unknown): string {
  const text = decimalText(value);
  const digits = text.replace(/^[+-]/, '').replace('.', '').replace(/^0+/, '').replace(/0+$/, '');
  if (digits.length > MAX_EXACT_DIGITS) {
    throw new DataError(
      `The numeric value ${text} has ${digits.length} significant digits; SQLite stores numeric columns exactly only up to ${MAX_EXACT_DIGITS}. ` +
        'Store it in a text() column, or use PostgreSQL or MariaDB, whose DECIMAL is exact.',
    );
  }
  return text;
}

const numeric: TypeCodec = {
  // Refused rather than rounded: a stored value must read back as written.
  toDriver: (v) => (isNullish(v) ? null : exactDecimal(v)),
  fromDriver: (v, type: SqlType) => {
    if (isNullish(v)) return null;
    if (typeof v === 'number' && type.scale !== undefined && Math.abs(v) < 1e21) return v.toFixed(type.scale);
    return decimalText(v);
  },
};

const boolean: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : v ? 1 : 0),
  fromDriver: (v) => (isNullish(v) || typeof v === 'boolean' ? v : Number(v) !== 0),
};

const date: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : formatDate(v)),
  fromDriver: (v) => (isNullish(v) ? null : String(v)),
};

const timestamp: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : toDate(v).toISOString()),
  fromDriver: (v) => {
    if (isNullish(v) || v instanceof Date) return v;
    return typeof v === 'string' ? parseTimestamp(v) : toDate(v);
  },
};

const time: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : formatTime(v)),
  fromDriver: (v) => (isNullish(v) ? null : normalizeTime(String(v))),
};

const json: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : JSON.stringify(v)),
  // A column declared JSON has NUMERIC affinity, so a top-level number comes back as a number.
  fromDriver: (v) => (typeof v === 'string' ? JSON.parse(v) : v),
};

const blob: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : typeof v === 'string' ? Buffer.from(v, 'utf8') : toBuffer(v)),
  fromDriver: (v) => (isNullish(v) || Buffer.isBuffer(v) ? v : Buffer.from(String(v), 'utf8')),
};

export const sqliteCodecs: TypeCodecs = Object.freeze({
  integer: number,
  smallint: number,
  real: number,
  double: number,
  bigint,
  numeric,
  boolean,
  date,
  timestamp,
  timestamptz: timestamp,
  time,
  json,
  blob,
});
