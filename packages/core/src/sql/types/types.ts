import { InvalidArgumentError } from '../../errors/errors';
import { columnBuilder } from '../schema/column-builder';
import type { ColumnBuilder } from '../schema/column-builder';
import type { SqlType } from './sql-type';

/** Column type constructors: `integer()`, `varchar(100)`, `numeric(10, 2)`, `enumType(['a', 'b'])`… */

function positiveInt(value: number, what: string): number {
  if (!Number.isInteger(value) || value <= 0) throw new InvalidArgumentError(`${what} must be a positive integer; got ${String(value)}.`);
  return value;
}

export const integer = (): ColumnBuilder<number> => columnBuilder<number>({ kind: 'integer' });
export const smallint = (): ColumnBuilder<number> => columnBuilder<number>({ kind: 'smallint' });
export function bigint(options?: { mode?: 'bigint' }): ColumnBuilder<bigint>;
export function bigint(options: { mode: 'string' }): ColumnBuilder<string>;
export function bigint(options: { mode?: 'bigint' | 'string' } = {}): ColumnBuilder<bigint> | ColumnBuilder<string> {
  return columnBuilder<bigint>({ kind: 'bigint', bigintMode: options.mode ?? 'bigint' });
}
export const real = (): ColumnBuilder<number> => columnBuilder<number>({ kind: 'real' });
export const double = (): ColumnBuilder<number> => columnBuilder<number>({ kind: 'double' });
/** Exact decimal, carried as a string so no precision is lost. */
export const numeric = (precision = 18, scale = 0): ColumnBuilder<string> => {
  positiveInt(precision, 'numeric() precision');
  if (!Number.isInteger(scale) || scale < 0 || scale > precision) throw new InvalidArgumentError(`numeric() scale must be between 0 and the precision (${precision}); got ${scale}.`);
  return columnBuilder<string>({ kind: 'numeric', precision, scale });
};
export const boolean = (): ColumnBuilder<boolean> => columnBuilder<boolean>({ kind: 'boolean' });
export const varchar = (length = 255): ColumnBuilder<string> => columnBuilder<string>({ kind: 'varchar', length: positiveInt(length, 'varchar() length') });
export const text = (): ColumnBuilder<string> => columnBuilder<string>({ kind: 'text' });
/** A calendar date, carried as 'YYYY-MM-DD' so no time zone can shift it. */
export const date = (): ColumnBuilder<string> => columnBuilder<string>({ kind: 'date' });
export const timestamp = (options: { withTimezone?: boolean } = {}): ColumnBuilder<Date> =>
  columnBuilder<Date>({ kind: options.withTimezone ? 'timestamptz' : 'timestamp' });
export const timestamptz = (): ColumnBuilder<Date> => columnBuilder<Date>({ kind: 'timestamptz' });
/** A time of day, carried as 'HH:MM:SS[.fff]'. */
export const time = (): ColumnBuilder<string> => columnBuilder<string>({ kind: 'time' });
export const json = <T = unknown>(): ColumnBuilder<T> => columnBuilder<T>({ kind: 'json' });
export const uuid = (): ColumnBuilder<string> => columnBuilder<string>({ kind: 'uuid' });
export const blob = (): ColumnBuilder<Buffer> => columnBuilder<Buffer>({ kind: 'blob' });
export const bytea = blob;
export function enumType<const V extends readonly [string, ...string[]]>(values: V, name?: string): ColumnBuilder<V[number]> {
  if (!Array.isArray(values) || values.length === 0 || values.some((v) => typeof v !== 'string')) {
    throw new InvalidArgumentError('enumType() takes a non-empty array of strings.');
  }
  return columnBuilder<V[number]>({ kind: 'enum', enumValues: Object.freeze([...values]), enumName: name });
}

/** Bare SQL types, for cast() and typed raw fragments. */
export const types = {
  integer: { kind: 'integer' } as SqlType<number>,
  bigint: { kind: 'bigint', bigintMode: 'bigint' } as SqlType<bigint>,
  double: { kind: 'double' } as SqlType<number>,
  text: { kind: 'text' } as SqlType<string>,
  varchar: (length = 255) => ({ kind: 'varchar', length }) as SqlType<string>,
  boolean: { kind: 'boolean' } as SqlType<boolean>,
  date: { kind: 'date' } as SqlType<string>,
  timestamp: { kind: 'timestamp' } as SqlType<Date>,
  timestamptz: { kind: 'timestamptz' } as SqlType<Date>,
  json: <T = unknown>() => ({ kind: 'json' }) as SqlType<T>,
  numeric: (precision = 18, scale = 0) => ({ kind: 'numeric', precision, scale }) as SqlType<string>,
} as const;
