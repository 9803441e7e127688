import type { Compilable, CompiledQuery, SqlDialect } from '../dialect';
import type { StatementNode } from '../ast';
import { node } from '../ast';
import type { ReturningNode, SelectItemNode } from '../ast';
import { InvalidArgumentError } from '../../errors/errors';
import { Expression, isExpression } from '../expression/expression';
import type { AnyExpression } from '../expression/expression';
import { isTable } from '../schema/table';
import type { AnyTable } from '../schema/table';
import type { AnyColumn, Column } from '../schema/column';

/** Base of every statement builder: immutable, compiled by a dialect on demand. */
export abstract class Statement<R> implements Compilable<R> {
  declare readonly __row?: R;
  abstract get node(): StatementNode;

  compile(dialect: SqlDialect): CompiledQuery {
    return dialect.compile(this.node);
  }

  /** The SQL text and parameters this statement compiles to on a dialect. */
  toSQL(dialect: SqlDialect): CompiledQuery {
    return this.compile(dialect);
  }
}

/** A select list or RETURNING list given as `{ alias: expression }`. */
export type SelectFields = Record<string, AnyExpression<any>>;
export type RowOfFields<F> = { -readonly [K in keyof F]: F[K] extends Expression<infer T> ? T : never };
export type RowOfColumns<C extends readonly AnyColumn[]> = {
  -readonly [Col in C[number] as Col extends Column<any, infer K> ? K : never]: Col extends Column<infer T, any> ? T : never;
};
export type Selection = [AnyTable] | [SelectFields] | AnyColumn[];
/** The row type a select list or RETURNING list yields. */
export type RowOfSelection<S extends readonly unknown[]> = S extends [infer T extends AnyTable]
  ? T['$inferSelect']
  : S extends [infer F extends SelectFields]
    ? F extends AnyExpression<any> ? never : RowOfFields<F>
    : S extends readonly AnyColumn[]
      ? RowOfColumns<S>
      : never;

/** Normalize a select list (a table, `{ alias: expr }`, or columns) into select items. */
/** A table's select list is the same every time: built once, so compiled column lists can be shared. */
const tableItems = new WeakMap<AnyTable, readonly SelectItemNode[]>();

export function selectionItems(what: string, selection: readonly unknown[]): readonly SelectItemNode[] {
  if (selection.length === 1 && isTable(selection[0])) {
    const t = selection[0];
    let items = tableItems.get(t);
    if (items === undefined) {
      items = Object.freeze(t.$columns.map((c) => node({ expr: c.node, alias: c.key, type: c.type })));
      tableItems.set(t, items);
    }
    return items;
  }
  if (selection.length === 1 && !isExpression(selection[0]) && typeof selection[0] === 'object' && selection[0] !== null) {
    return Object.entries(selection[0] as Record<string, unknown>).map(([alias, expr]) => {
      if (!isExpression(expr)) throw new InvalidArgumentError(`${what}: field ${JSON.stringify(alias)} is not an expression.`);
      return node({ expr: expr.node, alias, type: expr.type });
    });
  }
  return selection.map((item, i) => {
    if (!isExpression(item) || !('key' in item)) {
      throw new InvalidArgumentError(`${what}: item ${i + 1} is not a column. Name computed values with an object: select({ total: func.sum(t.amount) }).`);
    }
    return node({ expr: item.node, alias: (item as AnyColumn).key, type: item.type });
  });
}

export function returningNode(selection: readonly unknown[]): ReturningNode {
  if (selection.length === 0) throw new InvalidArgumentError('returning() needs at least one column, a table, or an object of fields.');
  return node({ items: Object.freeze(selectionItems('returning()', selection)) });
}
