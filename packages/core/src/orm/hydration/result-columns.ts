import type { ResultColumn, SqlDialect } from '../../sql/dialect';
import type { AnyColumn } from '../../sql/schema/column';
import type { SqlType } from '../../sql/types/sql-type';

/**
 * Result columns (keys and decoders) built once per column list and dialect. A compiled
 * statement carries fresh decoder closures each time it is compiled; the ORM replaces them
 * with these, so hydration always sees the same functions and the engine decodes in place.
 */

const cache = new WeakMap<readonly AnyColumn[], WeakMap<SqlDialect, readonly ResultColumn[]>>();

export function decoderOf(dialect: SqlDialect, type: SqlType | undefined): ((value: unknown) => unknown) | undefined {
  if (type === undefined) return undefined;
  const codec = dialect.codecs[type.kind];
  const from = codec?.fromDriver;
  if (from === undefined) return undefined;
  // Null never reaches a decoder (decodeRows skips it).
  return (value) => from.call(codec, value, type);
}

/** The result columns of selecting `columns` (keyed by column key), for `dialect`. */
export function resultColumnsOf(columns: readonly AnyColumn[], dialect: SqlDialect): readonly ResultColumn[] {
  let byDialect = cache.get(columns);
  if (byDialect === undefined) {
    byDialect = new WeakMap();
    cache.set(columns, byDialect);
  }
  let result = byDialect.get(dialect);
  if (result === undefined) {
    result = Object.freeze(
      columns.map((c) => {
        const decode = decoderOf(dialect, c.type);
        return Object.freeze(decode === undefined ? { key: c.key } : { key: c.key, decode });
      }),
    );
    byDialect.set(dialect, result);
  }
  return result;
}

const keysOnly = new WeakMap<readonly ResultColumn[], readonly ResultColumn[]>();

/**
 * `columns` without their decoders: a statement run with these comes back with driver values,
 * for a hydrator that decodes each row as it reaches it (see `rowDecoderOf`).
 */
export function undecodedColumnsOf(columns: readonly ResultColumn[]): readonly ResultColumn[] {
  let result = keysOnly.get(columns);
  if (result === undefined) {
    result = Object.freeze(columns.map((c) => Object.freeze({ key: c.key })));
    keysOnly.set(columns, result);
  }
  return result;
}
