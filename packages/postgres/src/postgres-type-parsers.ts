import { types } from 'pg';
import type { CustomTypesConfig } from 'pg';
import { parseTimestamp } from '@athanor/core';

/**
 * How result text becomes JavaScript values, set per connection (the Client's `types`) so
 * nothing here touches pg's process-wide `pg.types`, which other code in the process may own.
 *
 * - int8 and numeric stay strings: the codecs make them bigint / exact decimal strings.
 * - date stays 'YYYY-MM-DD': pg would make a Date at local midnight, shifting the day.
 * - timestamp (without time zone) is read as UTC, not local time; timestamptz by its offset.
 * Everything else is pg's default (json parsed, bytea as Buffer, bool, float, int4…).
 */

const OID = {
  int8: 20,
  numeric: 1700,
  date: 1082,
  timestamp: 1114,
  timestamptz: 1184,
  dateArray: 1182,
  timestampArray: 1115,
  timestamptzArray: 1185,
} as const;

type Parser = (text: string) => unknown;

const identity: Parser = (text) => text;

/** PostgreSQL prints infinite timestamps as words; they become the extreme JavaScript dates. */
const INFINITY = new Date(8.64e15);
const NEG_INFINITY = new Date(-8.64e15);

export function parsePgTimestamp(text: string): Date {
  if (text === 'infinity') return new Date(INFINITY);
  if (text === '-infinity') return new Date(NEG_INFINITY);
  return parseTimestamp(text);
}

/** text[]'s parser splits any array literal into (nested) strings; each element is then parsed. */
const TEXT_ARRAY_OID = 1009;
function arrayOf(parse: Parser): Parser {
  const split = (types.getTypeParser as (oid: number, format: 'text') => (text: string) => unknown[])(TEXT_ARRAY_OID, 'text');
  const each = (value: unknown): unknown =>
    Array.isArray(value) ? value.map(each) : value === null ? null : parse(value as string);
  return (text) => each(split(text));
}

const TEXT_PARSERS: Readonly<Record<number, Parser>> = {
  [OID.int8]: identity,
  [OID.numeric]: identity,
  [OID.date]: identity,
  [OID.timestamp]: parsePgTimestamp,
  [OID.timestamptz]: parsePgTimestamp,
  [OID.dateArray]: arrayOf(identity),
  [OID.timestampArray]: arrayOf(parsePgTimestamp),
  [OID.timestamptzArray]: arrayOf(parsePgTimestamp),
};

export const athanorPgTypes: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (format !== 'binary') {
      const parser = TEXT_PARSERS[oid];
      if (parser) return parser;
    }
    return (types.getTypeParser as (oid: number, format: 'text' | 'binary') => unknown)(oid, format ?? 'text');
  }) as CustomTypesConfig['getTypeParser'],
};
