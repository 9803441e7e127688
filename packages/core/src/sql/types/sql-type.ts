/**
 * A column's SQL type: plain data describing the type, plus a phantom `T` carrying the
 * TypeScript type of its values. Conversion to and from driver values is the dialect's job
 * (see `TypeCodecs`), so one type definition serves every database.
 */
export type TypeKind =
  | 'integer'
  | 'bigint'
  | 'smallint'
  | 'real'
  | 'double'
  | 'numeric'
  | 'boolean'
  | 'varchar'
  | 'text'
  | 'date'
  | 'timestamp'
  | 'timestamptz'
  | 'time'
  | 'json'
  | 'uuid'
  | 'blob'
  | 'enum';

export interface SqlType<T = unknown> {
  readonly kind: TypeKind;
  /** varchar length */
  readonly length?: number;
  /** numeric precision and scale */
  readonly precision?: number;
  readonly scale?: number;
  /** enum: allowed values and the database type name (PostgreSQL creates a named enum type) */
  readonly enumValues?: readonly string[];
  readonly enumName?: string;
  /** bigint: JavaScript `bigint` (default) or decimal `string` */
  readonly bigintMode?: 'bigint' | 'string';
  /** Phantom: never set at run time; carries the value type for inference. */
  readonly __value?: T;
}

/** Extract the TypeScript value type of a SqlType. */
export type ValueOf<S> = S extends SqlType<infer T> ? T : never;

/** Converts a JavaScript value to what the driver binds, and a driver value back. */
export interface TypeCodec {
  toDriver?(value: unknown, type: SqlType): unknown;
  fromDriver?(value: unknown, type: SqlType): unknown;
}

/** A dialect's codecs by type kind; kinds not listed pass values through unchanged. */
export type TypeCodecs = Partial<Record<TypeKind, TypeCodec>>;
