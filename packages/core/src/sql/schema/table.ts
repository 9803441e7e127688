import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { FromNode, TableRefNode } from '../ast';
import type { AnyColumnBuilder, BuilderSelectType, ColumnBuilder, ColumnConfig } from './column-builder';
import { Column } from './column';
import type { AnyColumn } from './column';
import type { TableConstraint } from './constraints';
import { tableOfClass } from './entity-table';
import type { EntityRow, MappedClass } from './entity-table';

type Simplify<T> = { [K in keyof T]: T[K] } & {};

type ColumnDefs = Record<string, AnyColumnBuilder>;

/** Keys an INSERT may leave out: nullable columns and columns with a default. */
type OptionalKeys<C extends ColumnDefs> = {
  [K in keyof C]: C[K] extends ColumnBuilder<any, infer N, infer D> ? (N extends true ? (D extends true ? K : never) : K) : never;
}[keyof C];

export type SelectRowOf<C extends ColumnDefs> = Simplify<{ -readonly [K in keyof C]: BuilderSelectType<C[K]> }>;
export type InsertRowOf<C extends ColumnDefs> = Simplify<
  { -readonly [K in Exclude<keyof C, OptionalKeys<C>>]: BuilderSelectType<C[K]> } & {
    -readonly [K in OptionalKeys<C>]?: BuilderSelectType<C[K]>;
  }
>;

export interface TableOptions<TCols> {
  /** Schema (namespace) on databases that have them. */
  readonly schema?: string;
  /** Composite keys, indexes, uniques, checks and foreign keys over several columns. */
  readonly constraints?: (table: TCols) => readonly TableConstraint[];
}

const RESERVED_KEY = /^\$/;

/**
 * The part of a table that is not its columns. Its members start with `$` so they never
 * collide with column keys.
 */
export class TableBase<TSelect extends object, TInsert extends object> {
  declare readonly $inferSelect: TSelect;
  declare readonly $inferInsert: TInsert;
  readonly $columns: readonly AnyColumn[];
  readonly $columnsByKey: ReadonlyMap<string, AnyColumn>;
  private constraintsCache?: readonly TableConstraint[];

  constructor(
    readonly $name: string,
    readonly $schema: string | undefined,
    readonly $alias: string | undefined,
    readonly $definitions: Readonly<Record<string, ColumnConfig>>,
    private readonly constraintsFn: ((table: any) => readonly TableConstraint[]) | undefined,
  ) {
    const columns: AnyColumn[] = [];
    const byKey = new Map<string, AnyColumn>();
    const names = new Set<string>();
    for (const [key, config] of Object.entries($definitions)) {
      if (RESERVED_KEY.test(key)) throw new InvalidArgumentError(`table ${$name}: column key ${JSON.stringify(key)} may not start with "$".`);
      const name = config.dbName ?? key;
      if (names.has(name)) throw new InvalidArgumentError(`table ${$name}: two columns are named ${JSON.stringify(name)}.`);
      names.add(name);
      const column = new Column(this, key, name, config);
      columns.push(column);
      byKey.set(key, column);
      Object.defineProperty(this, key, { value: column, enumerable: true });
    }
    this.$columns = Object.freeze(columns);
    this.$columnsByKey = byKey;
  }

  /** The name columns are qualified with: the alias, or the table's own name. */
  get $qualifier(): string {
    return this.$alias ?? this.$name;
  }

  $ref(): TableRefNode {
    return node({ kind: 'tableRef', name: this.$name, schema: this.$schema, alias: this.$alias });
  }

  $from(): FromNode {
    return this.$ref();
  }

  $column(key: string): AnyColumn {
    const column = this.$columnsByKey.get(key);
    if (!column) {
      throw new InvalidArgumentError(`table ${this.$name} has no column ${JSON.stringify(key)}; its columns are ${[...this.$columnsByKey.keys()].join(', ')}.`);
    }
    return column;
  }

  get $primaryKey(): readonly AnyColumn[] {
    const pk = this.$constraints.find((c) => c.kind === 'primaryKey');
    return pk ? pk.columns : this.$columns.filter((c) => c.config.primaryKey);
  }

  /** Table-level constraints, built on first use so they may reference tables declared later. */
  get $constraints(): readonly TableConstraint[] {
    this.constraintsCache ??= Object.freeze(this.constraintsFn ? [...this.constraintsFn(this)] : []);
    return this.constraintsCache;
  }

  /** The same table under another name in a query (self-joins). */
  $as(alias: string): this {
    return new TableBase(this.$name, this.$schema, alias, this.$definitions, this.constraintsFn) as this;
  }
}

/** A table: its `$` members plus one typed `Column` per key. */
export type Table<TSelect extends object = Record<string, unknown>, TInsert extends object = Partial<TSelect>> = TableBase<TSelect, TInsert> & {
  readonly [K in keyof TSelect & string]-?: Column<TSelect[K], K>;
};

export type AnyTable = TableBase<any, any>;
export type RowOf<T> = T extends TableBase<infer S, any> ? S : never;
export type InsertOf<T> = T extends TableBase<any, infer I> ? I : never;

/**
 * Define a table: `table('customers', { id: integer().primaryKey(), name: varchar(100).notNull() })`,
 * or get a mapped entity's table, typed by its properties: `table(User)`.
 */
export function table<E>(entity: MappedClass<E>): Table<EntityRow<E>>;
export function table<TCols extends ColumnDefs>(
  name: string,
  columns: TCols,
  options?: TableOptions<Table<SelectRowOf<TCols>, InsertRowOf<TCols>>>,
): Table<SelectRowOf<TCols>, InsertRowOf<TCols>>;
export function table<TCols extends ColumnDefs>(
  name: string | MappedClass,
  columns?: TCols,
  options: TableOptions<Table<SelectRowOf<TCols>, InsertRowOf<TCols>>> = {},
): AnyTable {
  if (typeof name === 'function') return tableOfClass(name);
  if (typeof name !== 'string' || name.length === 0) throw new InvalidArgumentError('table(): the name must be a non-empty string.');
  if (!columns || typeof columns !== 'object') throw new InvalidArgumentError(`table ${name}: pass the columns as an object: table('${name}', { id: integer().primaryKey() }).`);
  if (Object.keys(columns).length === 0) throw new InvalidArgumentError(`table ${name}: define at least one column.`);
  const definitions: Record<string, ColumnConfig> = {};
  for (const [key, builder] of Object.entries(columns)) {
    if (!builder || typeof builder !== 'object' || !('config' in builder)) {
      throw new InvalidArgumentError(`table ${name}: column ${key} is not a column definition; use integer(), varchar(n)…`);
    }
    definitions[key] = builder.config;
  }
  return new TableBase(name, options.schema, undefined, Object.freeze(definitions), options.constraints);
}

/** `alias(users, 'u2')`: the same table under another name, for self-joins. */
export function alias<T extends AnyTable>(t: T, name: string): T {
  return t.$as(name);
}

export function isTable(value: unknown): value is AnyTable {
  return value instanceof TableBase;
}
