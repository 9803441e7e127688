import { bigintFromDriver, decimalTextCodec, isNullish, numberCodec, toBigInt, toBuffer } from '@athanor/core';
import type { TypeCodec, TypeCodecs } from '@athanor/core';
import { parsePgTimestamp } from './postgres-type-parsers';
import { formatDate, formatTime, normalizeTime, toDate } from '@athanor/core';

/**
 * PostgreSQL has a native type for every kind, so most values pass through; the per-connection
 * type parsers (postgres-type-parsers.ts) already did the reading. The codecs cover what pg
 * leaves as text (int8, numeric) and what it would bind wrongly (json: pg turns a JS array into
 * a PostgreSQL array). NULL passes through every codec.
 */

const bigint: TypeCodec = {
  // Sent as decimal text: exact, and PostgreSQL casts it to int8.
  toDriver: (v) => (isNullish(v) ? null : toBigInt(v).toString()),
  fromDriver: bigintFromDriver,
};

const date: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : formatDate(v)),
  fromDriver: (v) => (isNullish(v) || typeof v === 'string' ? v : formatDate(v)),
};

/**
 * ISO-8601 with 'Z': a timestamptz stores that instant; a timestamp without time zone ignores
 * the offset and stores the UTC wall-clock time, which its type parser reads back as UTC.
 */
const timestamp: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : toDate(v).toISOString()),
  fromDriver: (v) => (isNullish(v) || v instanceof Date ? v : typeof v === 'string' ? parsePgTimestamp(v) : toDate(v)),
};

const time: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : formatTime(v)),
  fromDriver: (v) => (isNullish(v) ? null : normalizeTime(String(v))),
};

const json: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : JSON.stringify(v)),
  // pg parses json and jsonb itself; a string here is a JSON string value, not JSON text.
};

const blob: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : toBuffer(v)),
};

export const postgresCodecs: TypeCodecs = Object.freeze({
  integer: numberCodec,
  smallint: numberCodec,
  real: numberCodec,
  double: numberCodec,
  bigint,
  numeric: decimalTextCodec,
  date,
  timestamp,
  timestamptz: timestamp,
  time,
  json,
  blob,
});
