import { DataError } from '@athanor/core';
import type { SqlType, TypeCodec, TypeCodecs } from '@athanor/core';
import { formatDate, formatTime, normalizeTime, parseTimestamp, toDate } from '@athanor/core';

/**
 * The connection reads BIGINT and DECIMAL as exact strings (supportBigNumbers +
 * bigNumberStrings), dates and times as strings (dateStrings) and JSON as text (jsonStrings);
 * the codecs make JavaScript values of them. The session time zone is UTC, so DATETIME text
 * is UTC. NULL passes through every codec.
 */

const isNull = (v: unknown): v is null | undefined => v === null || v === undefined;

function toBigInt(value: unknown): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return BigInt(value);
  if (typeof value === 'string') {
    try {
      return BigInt(value);
    } catch {
      // fall through to the error below
    }
  }
  throw new DataError(`Expected an integer for a bigint column; got ${typeof value === 'string' ? `'${value}'` : String(value)}`);
}

function decimalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new DataError(`Expected a decimal string or number for a numeric column; got ${typeof value}`);
}

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC: DATETIME takes no offset and the session is UTC. */
export function formatDateTime(value: unknown): string {
  const iso = toDate(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

/** COUNT is BIGINT and SUM/AVG are DECIMAL, which arrive as strings. */
const number: TypeCodec = {
  fromDriver: (v) => (typeof v === 'number' || isNull(v) ? v : Number(v)),
};

const bigint: TypeCodec = {
  // A JavaScript bigint is bound as a 64-bit integer, exact.
  toDriver: (v) => (isNull(v) ? null : toBigInt(v)),
  fromDriver: (v, type: SqlType) => {
    if (isNull(v)) return null;
    if (type.bigintMode === 'string') return typeof v === 'string' ? v : toBigInt(v).toString();
    return toBigInt(v);
  },
};

const numeric: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : decimalText(v)),
  fromDriver: (v) => (isNull(v) ? null : decimalText(v)),
};

/** BOOLEAN is TINYINT(1). */
const boolean: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : v ? 1 : 0),
  fromDriver: (v) => (isNull(v) || typeof v === 'boolean' ? v : Number(v) !== 0),
};

const date: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : formatDate(v)),
  fromDriver: (v) => (isNull(v) ? null : String(v)),
};

const timestamp: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : formatDateTime(v)),
  fromDriver: (v) => (isNull(v) || v instanceof Date ? v : typeof v === 'string' ? parseTimestamp(v) : toDate(v)),
};

const time: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : formatTime(v)),
  fromDriver: (v) => (isNull(v) ? null : normalizeTime(String(v))),
};

/** MariaDB's JSON is LONGTEXT with a json_valid check; text both ways on both servers. */
const json: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : JSON.stringify(v)),
  fromDriver: (v) => (typeof v === 'string' ? JSON.parse(v) : Buffer.isBuffer(v) ? JSON.parse(v.toString('utf8')) : v),
};

const blob: TypeCodec = {
  toDriver: (v) => {
    if (isNull(v) || Buffer.isBuffer(v)) return v ?? null;
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    throw new DataError(`Expected a Buffer for a blob column; got ${typeof v}`);
  },
};

export const mysqlCodecs: TypeCodecs = Object.freeze({
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
