import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { DeleteNode, ExprNode, InsertNode, OnConflictNode, UpdateNode } from '../ast';
import { Expression, isExpression, isQueryLike, param } from '../expression/expression';
import type { AnyExpression, QueryLike } from '../expression/expression';
import type { AnyColumn, Column } from '../schema/column';
import type { AnyTable } from '../schema/table';
import { returningNode, Statement } from './statement';
import type { RowOfSelection, Selection } from './statement';
import { withClause } from './select';
import type { CteBase } from './derived';

/** A value for a column in INSERT/UPDATE: the value itself or an SQL expression. */
export type SetValues<T> = { [K in keyof T]?: T[K] | AnyExpression<NonNullable<T[K]>> };

function condition(cond: AnyExpression<boolean>, what: string): ExprNode {
  if (!isExpression(cond)) throw new InvalidArgumentError(`${what}() takes a condition expression, e.g. t.id.eq(1).`);
  return cond.node;
}

function valueNode(column: AnyColumn, value: unknown): ExprNode {
  return isExpression(value) ? value.node : value === null ? param(null, column.type) : param(value, column.type);
}

function defaultNode(column: AnyColumn): ExprNode {
  const d = column.config.default;
  if (d === undefined) return node({ kind: 'default', column: column.name, fallback: column.config.serverDefault });
  return param('fn' in d ? d.fn() : d.value, column.type);
}

function checkKeys(t: AnyTable, row: object, what: string): void {
  for (const key of Object.keys(row)) {
    if (!t.$columnsByKey.has(key)) {
      throw new InvalidArgumentError(`${what}: table ${t.$name} has no column ${JSON.stringify(key)}; its columns are ${[...t.$columnsByKey.keys()].join(', ')}.`);
    }
  }
}

/** Target columns of an INSERT: every column any row sets, plus columns with a client-side default. */
function insertColumns(t: AnyTable, rows: readonly object[]): AnyColumn[] {
  return t.$columns.filter((c) => c.config.default !== undefined || rows.some((r) => (r as Record<string, unknown>)[c.key] !== undefined));
}

export class InsertStatement<T extends AnyTable, R> extends Statement<R> {
  constructor(
    readonly table: T,
    readonly node: InsertNode,
  ) {
    super();
  }

  private with_<R2 = R>(patch: Partial<InsertNode>): InsertStatement<T, R2> {
    return new InsertStatement<T, R2>(this.table, node({ ...this.node, ...patch }));
  }

  /** One row or many; keys left out (or undefined) get the column's default. */
  values(rows: T['$inferInsert'] | readonly T['$inferInsert'][]): InsertStatement<T, R> {
    const list = (Array.isArray(rows) ? rows : [rows]) as readonly object[];
    if (list.length === 0) throw new InvalidArgumentError(`insert(${this.table.$name}).values() got no rows.`);
    list.forEach((row, i) => {
      if (row === null || typeof row !== 'object') throw new InvalidArgumentError(`insert(${this.table.$name}).values(): row ${i + 1} is not an object.`);
      checkKeys(this.table, row, `insert(${this.table.$name}).values()`);
    });
    const columns = insertColumns(this.table, list);
    const values = list.map((row) =>
      Object.freeze(
        columns.map((c) => {
          const v = (row as Record<string, unknown>)[c.key];
          return v === undefined ? defaultNode(c) : valueNode(c, v);
        }),
      ),
    );
    return this.with_({ columns: Object.freeze(columns.map((c) => c.name)), values: Object.freeze(values) });
  }

  /** INSERT INTO t (columns) SELECT …: the query's columns line up with `columns` in order. */
  fromSelect(columns: readonly Column<any, Extract<keyof T['$inferSelect'], string>>[], query: QueryLike<unknown>): InsertStatement<T, R> {
    if (!isQueryLike(query)) throw new InvalidArgumentError('fromSelect() takes a select query.');
    return this.with_({ columns: Object.freeze(columns.map((c) => c.name)), values: query.queryNode });
  }

  /** Upsert: what to do when a row conflicts on the unique `target` columns. */
  onConflict(...target: AnyColumn[]): ConflictClause<T, R> {
    return new ConflictClause(this, target);
  }

  /** @internal */
  withConflict(onConflict: OnConflictNode): InsertStatement<T, R> {
    return this.with_({ onConflict });
  }

  returning<S extends Selection>(...selection: S): InsertStatement<T, RowOfSelection<S>> {
    return this.with_<RowOfSelection<S>>({ returning: returningNode(selection) });
  }

  with(...ctes: CteBase<any>[]): InsertStatement<T, R> {
    return this.with_({ with: withClause(ctes) });
  }
}

/** The value an upsert proposed for a column (EXCLUDED.col, or VALUES(col) on MySQL). */
export function excluded<T>(column: Column<T, string>): Expression<T> {
  return new Expression<T>(node({ kind: 'excluded', column: column.name }), column.type);
}

export class ConflictClause<T extends AnyTable, R> {
  constructor(
    private readonly insert: InsertStatement<T, R>,
    private readonly target: readonly AnyColumn[],
  ) {}

  doNothing(): InsertStatement<T, R> {
    return this.insert.withConflict(node({ target: this.target.map((c) => c.name) }));
  }

  /**
   * Update the existing row: with a list of keys, each takes the proposed value; with an object,
   * each key takes the given value or expression (see `excluded(column)`).
   */
  doUpdate(set: readonly Extract<keyof T['$inferSelect'], string>[] | SetValues<T['$inferSelect']>, where?: AnyExpression<boolean>): InsertStatement<T, R> {
    const table = this.insert.table;
    const pairs: [string, ExprNode][] = Array.isArray(set)
      ? (set as string[]).map((key) => {
          const c = table.$column(key);
          return [c.name, excluded(c).node];
        })
      : setPairs(table, set as object, 'doUpdate()');
    if (pairs.length === 0) throw new InvalidArgumentError('doUpdate() needs at least one column to update; use doNothing() otherwise.');
    return this.insert.withConflict(
      node({ target: this.target.map((c) => c.name), set: Object.freeze(pairs), where: where ? condition(where, 'doUpdate') : undefined }),
    );
  }
}

function setPairs(t: AnyTable, values: object, what: string): [string, ExprNode][] {
  if (values === null || typeof values !== 'object') throw new InvalidArgumentError(`${what} takes an object of column values.`);
  checkKeys(t, values, what);
  return Object.entries(values).map(([key, v]) => {
    if (v === undefined) {
      throw new InvalidArgumentError(`${what}: ${key} is undefined. Use null to store NULL, or leave the key out.`);
    }
    const c = t.$column(key);
    return [c.name, valueNode(c, v)];
  });
}

export class UpdateStatement<T extends AnyTable, R> extends Statement<R> {
  constructor(
    readonly table: T,
    readonly node: UpdateNode,
  ) {
    super();
  }
  private with_<R2 = R>(patch: Partial<UpdateNode>): UpdateStatement<T, R2> {
    return new UpdateStatement<T, R2>(this.table, node({ ...this.node, ...patch }));
  }
  set(values: SetValues<T['$inferSelect']>): UpdateStatement<T, R> {
    const pairs = setPairs(this.table, values, `update(${this.table.$name}).set()`);
    return this.with_({ set: Object.freeze([...this.node.set, ...pairs]) });
  }
  where(cond: AnyExpression<boolean>): UpdateStatement<T, R> {
    const next = condition(cond, 'where');
    return this.with_({ where: this.node.where ? node({ kind: 'logical' as const, op: 'AND' as const, items: [this.node.where, next] }) : next });
  }
  returning<S extends Selection>(...selection: S): UpdateStatement<T, RowOfSelection<S>> {
    return this.with_<RowOfSelection<S>>({ returning: returningNode(selection) });
  }
  with(...ctes: CteBase<any>[]): UpdateStatement<T, R> {
    return this.with_({ with: withClause(ctes) });
  }
}

export class DeleteStatement<T extends AnyTable, R> extends Statement<R> {
  constructor(
    readonly table: T,
    readonly node: DeleteNode,
  ) {
    super();
  }
  private with_<R2 = R>(patch: Partial<DeleteNode>): DeleteStatement<T, R2> {
    return new DeleteStatement<T, R2>(this.table, node({ ...this.node, ...patch }));
  }
  where(cond: AnyExpression<boolean>): DeleteStatement<T, R> {
    const next = condition(cond, 'where');
    return this.with_({ where: this.node.where ? node({ kind: 'logical' as const, op: 'AND' as const, items: [this.node.where, next] }) : next });
  }
  returning<S extends Selection>(...selection: S): DeleteStatement<T, RowOfSelection<S>> {
    return this.with_<RowOfSelection<S>>({ returning: returningNode(selection) });
  }
  with(...ctes: CteBase<any>[]): DeleteStatement<T, R> {
    return this.with_({ with: withClause(ctes) });
  }
}

function targetTable<T extends AnyTable>(t: T, what: string): T {
  if (!t || typeof t.$ref !== 'function') throw new InvalidArgumentError(`${what}() takes a table defined with table().`);
  return t;
}

export function insert<T extends AnyTable>(t: T): InsertStatement<T, never> {
  targetTable(t, 'insert');
  return new InsertStatement<T, never>(t, node({ kind: 'insert', table: t.$ref(), columns: [], values: [] }));
}

export function update<T extends AnyTable>(t: T): UpdateStatement<T, never> {
  targetTable(t, 'update');
  return new UpdateStatement<T, never>(t, node({ kind: 'update', table: t.$ref(), set: [] }));
}

export function deleteFrom<T extends AnyTable>(t: T): DeleteStatement<T, never> {
  targetTable(t, 'deleteFrom');
  return new DeleteStatement<T, never>(t, node({ kind: 'delete', table: t.$ref() }));
}

