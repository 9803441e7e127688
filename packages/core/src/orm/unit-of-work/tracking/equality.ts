import type { TypeKind } from '../../../sql/types/sql-type';

/**
 * When two values of a column are "the same" for change tracking: a write of an equal value
 * records nothing, and a flush writes only columns whose value differs from the loaded one.
 * Dates compare by time, byte arrays by bytes, bigints by value (also against a number), JSON
 * by its serialization; everything else with `===` (NaN equal to NaN).
 */
export type Equality = (a: unknown, b: unknown) => boolean;

const strict: Equality = (a, b) => a === b || (a !== a && b !== b);

const dates: Equality = (a, b) => {
  if (a === b) return true;
  if (a instanceof Date && b instanceof Date) {
    const x = a.getTime();
    const y = b.getTime();
    return x === y || (x !== x && y !== y);
  }
  return false;
};

const bytes: Equality = (a, b) => {
  if (a === b) return true;
  if (a instanceof Uint8Array && b instanceof Uint8Array) {
    if (a.byteLength !== b.byteLength) return false;
    return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
  }
  return false;
};

const bigints: Equality = (a, b) => {
  if (a === b) return true;
  if ((typeof a === 'bigint' && typeof b === 'number') || (typeof a === 'number' && typeof b === 'bigint')) {
    // Loose equality compares a bigint and a number by mathematical value.
    // eslint-disable-next-line eqeqeq
    return a == b;
  }
  return false;
};

const json: Equality = (a, b) => a === b || serializeJson(a) === serializeJson(b);

/** The comparison for values of a column type. */
export function equalityOf(kind: TypeKind): Equality {
  switch (kind) {
    case 'timestamp':
    case 'timestamptz':
      return dates;
    case 'blob':
      return bytes;
    case 'bigint':
      return bigints;
    case 'json':
      return json;
    default:
      return strict;
  }
}

/**
 * A JSON value as text, for comparing: what `JSON.stringify` gives (bigints as `"123n"`, so a
 * value holding one can still be compared). `undefined` stays distinct from `null`.
 */
export function serializeJson(value: unknown): string {
  if (value === undefined) return '\u0000undefined';
  try {
    return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v)) ?? '\u0000undefined';
  } catch {
    // A cycle or a throwing toJSON: compare by identity from now on (a fresh token never matches).
    return `\u0000unserializable:${Math.random()}`;
  }
}

/** A serialized JSON value back as a value (the serialization of a JSON value parses back to an equal one). */
export function parseJson(text: string): unknown {
  if (text === '\u0000undefined') return undefined;
  return JSON.parse(text) as unknown;
}
