import type { Expression } from '../../sql/expression/expression';
import type { AnyColumnBuilder, ColumnBuilder } from '../../sql/schema/column-builder';
import type { ColumnKeys } from '../../sql/schema/entity-table';
import type { SqlType, TypeKind } from '../../sql/types/sql-type';
import type { Collection } from '../relations/collection';
import type { Ref } from '../relations/ref';
import type { CascadeOption, EntityClass, LoadingStrategy } from './entity-metadata';
import type { NamingStrategy } from './naming-strategy';
import type { Registry } from './registry';

/** What the decorators accept. The type-level checks below make a decorator that disagrees
 * with its property's TypeScript type a compile error, so `table(Entity)` can trust the class. */

/** A column type: a name (`'varchar'`), a Core column builder (`varchar(50)`, `numeric(10, 2)`), or a SqlType. */
export type ColumnTypeName = TypeKind;
export type ColumnTypeSpec = ColumnTypeName | AnyColumnBuilder | SqlType;

export interface EntityOptions {
  /** Table name; default: the naming strategy applied to the class name. */
  readonly table?: string;
  readonly schema?: string;
  /** The registry the entity belongs to; default: `defaultRegistry`. */
  readonly registry?: Registry;
  /** Single-table inheritance root: the property (and column) that tells the classes apart. */
  readonly discriminatorColumn?: string;
  /** Single-table inheritance: this class's value in the discriminator column. */
  readonly discriminatorValue?: string;
}

export interface ColumnOptions {
  /** Required for unions, nullable types, JSON, enums, bigint and numeric; inferred otherwise. */
  readonly type?: ColumnTypeSpec;
  /** varchar length (default 255). */
  readonly length?: number;
  /** numeric precision and scale (default 18, 0). */
  readonly precision?: number;
  readonly scale?: number;
  /** Enum values: an array, or a TypeScript string enum. Implies `type: 'enum'`. */
  readonly enum?: readonly string[] | Readonly<Record<string, string>>;
  /** Default false: columns are NOT NULL unless said (and the property's type must then include null). */
  readonly nullable?: boolean;
  /** A unique constraint on this column; a string names it. */
  readonly unique?: boolean | string;
  /** An index on this column; a string names it. */
  readonly index?: boolean | string;
  /** A value, or a function called for each new instance. */
  readonly default?: unknown;
  /** An SQL expression the database evaluates: `serverDefault: sql\`CURRENT_TIMESTAMP\``. */
  readonly serverDefault?: Expression<unknown>;
  /** Column name; default: the naming strategy applied to the property name. */
  readonly name?: string;
}

export interface PrimaryKeyOptions extends Omit<ColumnOptions, 'nullable' | 'unique' | 'index'> {
  /** Default: true for a single integer key, false otherwise. */
  readonly autoIncrement?: boolean;
}

export type VersionOptions = Pick<ColumnOptions, 'type' | 'name'>;
export type TimestampOptions = Pick<ColumnOptions, 'type' | 'name' | 'serverDefault'>;

export interface IndexOptions {
  readonly name?: string;
}

export type OnDeleteOption = 'cascade' | 'set null' | 'restrict' | 'no action';

interface RelationOptionsBase {
  /** Default 'lazy'. */
  readonly loading?: LoadingStrategy;
  /**
   * What follows this relationship from an object to the objects it holds. Default `['save']`
   * (SQLAlchemy's save-update): new objects attached join the session. `'all'` is save, merge,
   * delete, refresh and expunge; `'delete-orphan'` is never implied. `refresh` and `expunge`
   * act on what memory holds (loaded collections and Refs): `session.refresh(obj)` then reloads
   * those objects' columns too, `session.expunge(obj)` detaches them too.
   */
  readonly cascade?: readonly CascadeOption[];
}

export interface ManyToOneOptions extends RelationOptionsBase {
  /** Default false: the property's type must then not include null. */
  readonly nullable?: boolean;
  readonly onDelete?: OnDeleteOption;
  /** An index on the foreign key; default true. A string names it. */
  readonly index?: boolean | string;
  /** Foreign-key column name (default `<relation>_<target key column>`); a list for composite keys. */
  readonly joinColumn?: string | readonly string[];
  /** The foreign key is (part of) this entity's primary key (association entities). */
  readonly primary?: boolean;
}

/** A property of the target that is a to-one relationship, by name or as `(p) => p.author`. */
export type ToOneKeys<T> = {
  [K in keyof T & string]: NonNullable<T[K]> extends Ref<object, unknown> ? K : never;
}[keyof T & string];
export type ToManyKeys<T> = {
  [K in keyof T & string]: NonNullable<T[K]> extends Collection<object> ? K : never;
}[keyof T & string];
export type MappedByToOne<T> = ToOneKeys<T> | ((target: T) => Ref<object, unknown> | null | undefined);
export type MappedByToMany<T> = ToManyKeys<T> | ((target: T) => Collection<object>);

export type OrderByOf<T> = { readonly [K in ColumnKeys<T>]?: 'asc' | 'desc' };

export interface OneToManyOptions<Target> extends RelationOptionsBase {
  /** Default ordering of the loaded collection. */
  readonly orderBy?: OrderByOf<Target>;
}

/** The owning side of a one-to-one: it holds the (unique) foreign key. */
export type OneToOneOptions = Omit<ManyToOneOptions, 'index'>;

/** The inverse side of a one-to-one. */
export interface InverseOneToOneOptions<Target> extends Pick<ManyToOneOptions, 'loading' | 'cascade'> {
  /** The target's owning @OneToOne property. */
  readonly mappedBy: MappedByToOne<Target>;
}

export interface JoinTableOptions {
  readonly name?: string;
  /** Columns referencing the declaring entity's key; a list for composite keys. */
  readonly ownerColumn?: string | readonly string[];
  /** Columns referencing the target's key. */
  readonly targetColumn?: string | readonly string[];
}

export interface ViaOptions {
  readonly entity: () => EntityClass;
  /** The association entity's @ManyToOne to the declaring side (needed when ambiguous). */
  readonly owner?: string;
  /** The association entity's @ManyToOne to the target side. */
  readonly target?: string;
}

export interface ManyToManyOptions<Target> extends RelationOptionsBase {
  /** The generated association table: its name, or its name and column names. */
  readonly joinTable?: string | JoinTableOptions;
  /** An explicit association entity with a @ManyToOne to each side. */
  readonly via?: (() => EntityClass) | ViaOptions;
  /** The inverse side: the target's property that declares the join table. */
  readonly mappedBy?: MappedByToMany<Target>;
  readonly orderBy?: OrderByOf<Target>;
}

export interface RegistryOptions {
  /** Used in messages. */
  readonly name?: string;
  readonly namingStrategy?: NamingStrategy;
}

// ---- Compile-time checks of a decorator against its property ----

interface TypeValues {
  integer: number;
  smallint: number;
  real: number;
  double: number;
  bigint: bigint;
  numeric: string;
  boolean: boolean;
  varchar: string;
  text: string;
  uuid: string;
  date: string;
  time: string;
  timestamp: Date;
  timestamptz: Date;
  json: unknown;
  blob: Buffer;
  enum: string;
}

interface TypeDescriptions {
  integer: 'number';
  smallint: 'number';
  real: 'number';
  double: 'number';
  bigint: 'bigint';
  numeric: "string (exact decimals)";
  boolean: 'boolean';
  varchar: 'string';
  text: 'string';
  uuid: 'string';
  date: "string ('YYYY-MM-DD')";
  time: "string ('HH:MM:SS')";
  timestamp: 'Date';
  timestamptz: 'Date';
  json: 'unknown';
  blob: 'Buffer';
  enum: 'string';
}

type SpecOf<O> = O extends { readonly type: infer S } ? S : O extends { readonly enum: object } ? 'enum' : undefined;

type ValueOfSpec<S> = S extends ColumnTypeName
  ? TypeValues[S]
  : S extends ColumnBuilder<infer T, boolean, boolean>
    ? T
    : S extends SqlType<infer T> ? T : unknown;

type ValueOfOptions<O> = O extends { readonly enum: readonly (infer E)[] }
  ? E
  : O extends { readonly enum: infer R } ? R[keyof R] : ValueOfSpec<SpecOf<O>>;

type Describe<S> = S extends ColumnTypeName ? `${S}, values of type ${TypeDescriptions[S]}` : 'the type given';

type IsAny<V> = 0 extends 1 & V ? true : false;
type Simple<V> = [V] extends [string] ? true : [V] extends [number] ? true : [V] extends [boolean] ? true : [V] extends [Date] ? true : false;

/** Options typed as a variable (`ColumnOptions`), not a literal: the option's value is unknown, so it is not checked. */
type Wide<O, K extends string> = K extends keyof O ? (undefined extends O[K] ? true : false) : false;

type NullabilityProblem<V, O> = Wide<O, 'nullable'> extends true
  ? never
  : null extends V
  ? O extends { readonly nullable: true } ? never : 'can be null: add nullable: true to its options'
  : O extends { readonly nullable: true } ? 'has nullable: true, but its type does not include null: declare it `T | null`' : never;

type DefaultProblem<V, O> = O extends { readonly default: infer D }
  ? [D extends () => infer R ? R : D] extends [V] ? never : 'has a default whose type does not match the property'
  : never;

type TypedProblem<V, O> = [NonNullable<V>] extends [ValueOfOptions<O>]
  ? NullabilityProblem<V, O> | DefaultProblem<V, O>
  : `does not hold the values of its column type (${Describe<SpecOf<O>>}): fix the property's type or the type option`;

/** Why a column decorator with options `O` does not fit a property of type `V` (never: it fits). */
export type ColumnProblem<V, O> = Wide<O, 'type'> extends true
  ? NullabilityProblem<V, O>
  : SpecOf<O> extends undefined
  ? Simple<V> extends true
    ? NullabilityProblem<V, O> | DefaultProblem<V, O>
    : null extends V
      ? 'is nullable, and TypeScript records no type for nullable properties: give one, e.g. @Column({ type: \'varchar\', nullable: true })'
      : 'has a type TypeScript does not record for Athanor (a union, bigint, an object…): give one, e.g. @Column({ type: \'json\' })'
  : TypedProblem<V, O>;

/** Why a to-one relationship decorator does not fit a property of type `V`. */
export type ToOneProblem<V, Target extends object, O> = [NonNullable<V>] extends [Ref<Target, unknown>]
  ? O extends { readonly mappedBy: unknown } ? never : NullabilityProblem<V, O>
  : 'must be declared as a Ref of the target entity, e.g. author!: Ref<User>';

/** Why a to-many relationship decorator does not fit a property of type `V`. */
export type ToManyProblem<V, Target extends object> = [V] extends [Collection<Target>]
  ? never
  : 'must be declared as a Collection of the target entity, e.g. posts = new Collection<Post>(this)';

type Report<K, P> = [P] extends [never] ? K : `${K & string} ${P & string}`;

/**
 * The key parameter of a checked property decorator: the property name when the decorator fits,
 * otherwise a string naming the problem, so the compiler reports it at the decorator.
 * Properties TypeScript hides from `keyof` (private, protected) and `any` are not checked.
 */
export type Checked<T, K, P> = K extends keyof T ? (IsAny<T[K]> extends true ? K : Report<K, P>) : K;

export type ColumnDecorator<O> = <T extends object, K extends string>(target: T, propertyKey: Checked<T, K, K extends keyof T ? ColumnProblem<T[K], O> : never>) => void;
export type ToOneDecorator<Target extends object, O> = <T extends object, K extends string>(target: T, propertyKey: Checked<T, K, K extends keyof T ? ToOneProblem<T[K], Target, O> : never>) => void;
export type ToManyDecorator<Target extends object> = <T extends object, K extends string>(target: T, propertyKey: Checked<T, K, K extends keyof T ? ToManyProblem<T[K], Target> : never>) => void;
