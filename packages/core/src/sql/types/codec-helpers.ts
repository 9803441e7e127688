import { DataError } from '../../errors/errors';
import type { SqlType, TypeCodec } from './sql-type';

/** Value coercions every dialect's codecs share. NULL is handled before a codec is called. */

export const isNullish = (v: unknown): v is null | undefined => v === null || v === undefined;

export function toBigInt(value: unknown): bigint {
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

export function decimalText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'bigint') return String(value);
  throw new DataError(`Expected a decimal string or number for a numeric column; got ${typeof value}`);
}

/** Buffers pass through; other byte arrays are viewed as Buffers without copying. */
export function toBuffer(value: unknown): Buffer {
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Uint8Array) return Buffer.from(value.buffer, value.byteOffset, value.byteLength);
  throw new DataError(`Expected a Buffer for a blob column; got ${typeof value}`);
}

/** Counts, sums and averages arrive as text or bigint on some drivers; number columns want numbers. */
export const numberCodec: TypeCodec = {
  fromDriver: (v) => (typeof v === 'number' || isNullish(v) ? v : Number(v)),
};

/** A bigint column's value as its mode asks: a JavaScript bigint, or exact decimal text. */
export function bigintFromDriver(v: unknown, type: SqlType): unknown {
  if (isNullish(v)) return null;
  if (type.bigintMode === 'string') return typeof v === 'string' ? v : toBigInt(v).toString();
  return toBigInt(v);
}

/** Exact decimals for drivers that read and bind DECIMAL as text. */
export const decimalTextCodec: TypeCodec = {
  toDriver: (v) => (isNullish(v) ? null : decimalText(v)),
  fromDriver: (v) => (isNullish(v) ? null : decimalText(v)),
};
