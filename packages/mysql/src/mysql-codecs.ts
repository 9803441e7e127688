import { bigintFromDriver, decimalTextCodec, isNullish, numberCodec, toBigInt, toBuffer } from '@athanor/core';
import type { TypeCodec, TypeCodecs } from '@athanor/core';
import { formatDate, formatTime, normalizeTime, parseTimestamp, toDate } from '@athanor/core';

/**
 * The connection reads BIGINT and DECIMAL as exact strings (supportBigNumbers +
 * bigNumberStrings), dates and times as strings (dateStrings) and JSON as text (jsonStrings);
 * the codecs make JavaScript values of them. The session time zone is UTC, so DATETIME text
 * is UTC. NULL passes through every codec.
 */

/** 'YYYY-MM-DD HH:MM:SS.mmm' in UTC: DATETIME takes no offset and the session is UTC. */
export function formatDateTime(value: unknown): string {
  const iso = toDate(value).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 23)}`;
}

const bigint: TypeCodec = {
  // A JavaScript bigint is bound as a 64-bit integer, exact.
  toDriver: (v) => (isNullish(v) ? null : toBigInt(v)),
  fromDriver: bigintFromDriver,
};

/** BOOLEAN is TINYINT(1). */
const boolean: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : v ? 1 : 0),
  fromDriver: (v) => (isNullish(v) || typeof v === 'boolean' ? v : Number(v) !== 0),
};

const date: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : formatDate(v)),
  fromDriver: (v) => (isNullish(v) ? null : String(v)),
};

const timestamp: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : formatDateTime(v)),
  fromDriver: (v) => (isNullish(v) || v instanceof Date ? v : typeof v === 'string' ? parseTimestamp(v) : toDate(v)),
};

const time: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : formatTime(v)),
  fromDriver: (v) => (isNullish(v) ? null : normalizeTime(String(v))),
};

/** MariaDB's JSON is LONGTEXT with a json_valid check; text both ways on both servers. */
const json: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : JSON.stringify(v)),
  fromDriver: (v) => (typeof v === 'string' ? JSON.parse(v) : Buffer.isBuffer(v) ? JSON.parse(v.toString('utf8')) : v),
};

const blob: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : toBuffer(v)),
};

export const mysqlCodecs: TypeCodecs = Object.freeze({
  integer: numberCodec,
  smallint: numberCodec,
  real: numberCodec,
  double: numberCodec,
  bigint,
  numeric: decimalTextCodec,
  boolean,
  date,
  timestamp,
  timestamptz: timestamp,
  time,
  json,
  blob,
});
