import { InvalidArgumentError } from '../../errors/errors';
import type { ExprNode } from '../ast';
import type { ReferentialAction } from '../ast/ddl-nodes';
import type { Expression } from '../expression/expression';
import type { SqlType } from '../types/sql-type';

export type ReferentialActionOption = 'cascade' | 'set null' | 'set default' | 'restrict' | 'no action';

export interface ReferenceConfig {
  /** The referenced column, as a thunk so tables may reference each other in any order. */
  readonly target: () => { readonly table: { $ref(): { name: string; schema?: string } }; readonly name: string };
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
  readonly name?: string;
}

/** Everything a column definition records; read by tables, DDL and the ORM. */
export interface ColumnConfig {
  readonly type: SqlType;
  /** Database column name when it differs from the property key. */
  readonly dbName?: string;
  readonly notNull: boolean;
  readonly primaryKey: boolean;
  readonly autoIncrement: boolean;
  /** A value, or a function called once per inserted row (never one shared mutable value). */
  readonly default?: { readonly value: unknown } | { readonly fn: () => unknown };
  readonly serverDefault?: ExprNode;
  readonly unique?: string | true;
  readonly index?: string | true;
  readonly references?: ReferenceConfig;
  readonly check?: { readonly name?: string; readonly build: (column: Expression<unknown>) => Expression<boolean> };
}

const ACTIONS: Record<ReferentialActionOption, ReferentialAction> = {
  cascade: 'CASCADE',
  'set null': 'SET NULL',
  'set default': 'SET DEFAULT',
  restrict: 'RESTRICT',
  'no action': 'NO ACTION',
};

export function referentialAction(option: ReferentialActionOption | undefined, where: string): ReferentialAction | undefined {
  if (option === undefined) return undefined;
  const action = ACTIONS[option];
  if (!action) {
    throw new InvalidArgumentError(`${where}: unknown referential action ${JSON.stringify(option)}; use one of ${Object.keys(ACTIONS).join(', ')}.`);
  }
  return action;
}

type AutoIncrementable = number | bigint;

/**
 * Builds a column definition. Type parameters track the value type, whether the column is
 * NOT NULL and whether inserts may omit it, so row types follow from the definition.
 */
export class ColumnBuilder<T, TNotNull extends boolean = false, THasDefault extends boolean = false> {
  declare readonly __types?: [T, TNotNull, THasDefault];

  constructor(readonly config: ColumnConfig) {}

  private with<N extends boolean, D extends boolean>(patch: Partial<ColumnConfig>): ColumnBuilder<T, N, D> {
    return new ColumnBuilder<T, N, D>(Object.freeze({ ...this.config, ...patch }));
  }

  notNull(): ColumnBuilder<T, true, THasDefault> {
    return this.with({ notNull: true });
  }

  nullable(): ColumnBuilder<T, false, THasDefault> {
    return this.with({ notNull: false });
  }

  /** A single integer primary key autoincrements unless `autoIncrement: false`. */
  primaryKey(options: { autoIncrement?: boolean } = {}): ColumnBuilder<T, true, T extends AutoIncrementable ? true : THasDefault> {
    const integral = this.config.type.kind === 'integer' || this.config.type.kind === 'bigint' || this.config.type.kind === 'smallint';
    return this.with({ notNull: true, primaryKey: true, autoIncrement: options.autoIncrement ?? integral });
  }

  /** A value, or a function evaluated for each inserted row that leaves the column out. */
  default(value: T | (() => T)): ColumnBuilder<T, TNotNull, true> {
    if (value === undefined) throw new InvalidArgumentError('default(): the default value is undefined; use null or leave the default out.');
    return this.with(typeof value === 'function' ? { default: { fn: value as () => unknown } } : { default: { value } });
  }

  /** An SQL expression the database evaluates, e.g. serverDefault(sql`CURRENT_TIMESTAMP`). */
  serverDefault(expr: Expression<unknown>): ColumnBuilder<T, TNotNull, true> {
    return this.with({ serverDefault: expr.node });
  }

  unique(name?: string): ColumnBuilder<T, TNotNull, THasDefault> {
    return this.with({ unique: name ?? true });
  }

  index(name?: string): ColumnBuilder<T, TNotNull, THasDefault> {
    return this.with({ index: name ?? true });
  }

  references(
    target: ReferenceConfig['target'],
    options: { onDelete?: ReferentialActionOption; onUpdate?: ReferentialActionOption; name?: string } = {},
  ): ColumnBuilder<T, TNotNull, THasDefault> {
    return this.with({
      references: {
        target,
        onDelete: referentialAction(options.onDelete, 'references({ onDelete })'),
        onUpdate: referentialAction(options.onUpdate, 'references({ onUpdate })'),
        name: options.name,
      },
    });
  }

  check(build: (column: Expression<T>) => Expression<boolean>, name?: string): ColumnBuilder<T, TNotNull, THasDefault> {
    return this.with({ check: { name, build: build as (column: Expression<unknown>) => Expression<boolean> } });
  }

  /** The column's name in the database when it differs from its key in the table definition. */
  named(dbName: string): ColumnBuilder<T, TNotNull, THasDefault> {
    return this.with({ dbName });
  }
}

export type AnyColumnBuilder = ColumnBuilder<any, boolean, boolean>;

/** The value type a column yields when selected. */
export type BuilderSelectType<B> = B extends ColumnBuilder<infer T, infer N, any> ? (N extends true ? T : T | null) : never;

export function columnBuilder<T>(type: SqlType<T>): ColumnBuilder<T> {
  return new ColumnBuilder<T>(Object.freeze({ type, notNull: false, primaryKey: false, autoIncrement: false }));
}
