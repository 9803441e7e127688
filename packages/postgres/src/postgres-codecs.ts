import { DataError } from '@athanor/core';
import type { SqlType, TypeCodec, TypeCodecs } from '@athanor/core';
import { parsePgTimestamp } from './postgres-type-parsers';
import { formatDate, formatTime, normalizeTime, toDate } from '@athanor/core';

/**
 * PostgreSQL has a native type for every kind, so most values pass through; the per-connection
 * type parsers (postgres-type-parsers.ts) already did the reading. The codecs cover what pg
 * leaves as text (int8, numeric) and what it would bind wrongly (json: pg turns a JS array into
 * a PostgreSQL array). NULL passes through every codec.
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

/** COUNT and SUM over integers are int8 and AVG is numeric: text that a number column wants as a number. */
const number: TypeCodec = {
  fromDriver: (v) => (typeof v === 'number' || isNull(v) ? v : Number(v)),
};

const bigint: TypeCodec = {
  // Sent as decimal text: exact, and PostgreSQL casts it to int8.
  toDriver: (v) => (isNull(v) ? null : toBigInt(v).toString()),
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

const date: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : formatDate(v)),
  fromDriver: (v) => (isNull(v) || typeof v === 'string' ? v : formatDate(v)),
};

/**
 * ISO-8601 with 'Z': a timestamptz stores that instant; a timestamp without time zone ignores
 * the offset and stores the UTC wall-clock time, which its type parser reads back as UTC.
 */
const timestamp: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : toDate(v).toISOString()),
  fromDriver: (v) => (isNull(v) || v instanceof Date ? v : typeof v === 'string' ? parsePgTimestamp(v) : toDate(v)),
};

const time: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : formatTime(v)),
  fromDriver: (v) => (isNull(v) ? null : normalizeTime(String(v))),
};

const json: TypeCodec = {
  toDriver: (v) => (isNull(v) ? null : JSON.stringify(v)),
  // pg parses json and jsonb itself; a string here is a JSON string value, not JSON text.
};

const blob: TypeCodec = {
  toDriver: (v) => {
    if (isNull(v) || Buffer.isBuffer(v)) return v ?? null;
    if (v instanceof Uint8Array) return Buffer.from(v.buffer, v.byteOffset, v.byteLength);
    throw new DataError(`Expected a Buffer for a blob column; got ${typeof v}`);
  },
};

export const postgresCodecs: TypeCodecs = Object.freeze({
  integer: number,
  smallint: number,
  real: number,
  double: number,
  bigint,
  numeric,
  date,
  timestamp,
  timestamptz: timestamp,
  time,
  json,
  blob,
});
