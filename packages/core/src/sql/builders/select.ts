import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { ExprNode, FromNode, JoinType, LockNode, OrderItemNode, QueryNode, SelectNode, SetOperator, WithNode } from '../ast';
import { Expression, isExpression, OrderBy, param } from '../expression/expression';
import type { AnyExpression, QueryLike } from '../expression/expression';
import { isTable } from '../schema/table';
import type { AnyTable } from '../schema/table';
import { CteBase, derivedTable } from './derived';
import type { Derived } from './derived';
import { selectionItems, Statement } from './statement';
import type { RowOfSelection, Selection } from './statement';

/** A row source for FROM and JOIN: a table, an aliased table, a subquery or a CTE. */
export interface Source {
  $from(): FromNode;
}

const EMPTY: readonly never[] = Object.freeze([]);

export function orderItems(items: readonly (OrderBy | AnyExpression<unknown>)[]): OrderItemNode[] {
  return items.map((o, i) => {
    if (o instanceof OrderBy) return o.node;
    if (isExpression(o)) return o.asc().node;
    throw new InvalidArgumentError(`orderBy(): item ${i + 1} is not an expression or asc()/desc().`);
  });
}

export function rowCount(value: number, what: string): ExprNode {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new InvalidArgumentError(`${what}() takes a non-negative integer; got ${String(value)}.`);
  }
  return param(value, { kind: 'integer' });
}

export function withClause(ctes: readonly CteBase<unknown>[]): WithNode {
  for (const c of ctes) {
    if (!(c instanceof CteBase)) throw new InvalidArgumentError('with() takes CTEs made by cte() or recursiveCte().');
  }
  return node({ recursive: ctes.some((c) => c.recursive), ctes: Object.freeze(ctes.map((c) => c.cteNode)) });
}

function condition(cond: AnyExpression<boolean>, what: string): ExprNode {
  if (!isExpression(cond)) throw new InvalidArgumentError(`${what}() takes a condition expression, e.g. t.id.eq(1).`);
  return cond.node;
}

/** Shared by SELECT and compound queries: the query-node handle and set operations. */
abstract class QueryStatement<R> extends Statement<R> implements QueryLike<R> {
  abstract override get node(): QueryNode;
  get queryNode(): QueryNode {
    return this.node;
  }

  union(...others: QueryLike<R>[]): CompoundQuery<R> {
    return compound<R>(this, 'UNION', others);
  }
  unionAll(...others: QueryLike<R>[]): CompoundQuery<R> {
    return compound<R>(this, 'UNION ALL', others);
  }
  intersect(...others: QueryLike<R>[]): CompoundQuery<R> {
    return compound<R>(this, 'INTERSECT', others);
  }
  except(...others: QueryLike<R>[]): CompoundQuery<R> {
    return compound<R>(this, 'EXCEPT', others);
  }

  /** Use the query in FROM under an alias; its columns become typed properties. */
  as(alias: string): Derived<R> {
    return derivedTable<R>(this, alias);
  }

  /** Use a one-column query as a scalar value. */
  scalar<T = R[keyof R]>(): Expression<T | null> {
    const items = this.node.kind === 'select' ? this.node.items : undefined;
    return new Expression<T | null>(node({ kind: 'scalarSubquery', query: this.node }), items?.[0]?.type);
  }
}

export class SelectQuery<R> extends QueryStatement<R> {
  constructor(readonly node: SelectNode) {
    super();
  }

  private with_(patch: Partial<SelectNode>): SelectQuery<R> {
    return new SelectQuery<R>(node({ ...this.node, ...patch }));
  }

  from(...sources: Source[]): SelectQuery<R> {
    const froms = sources.map((s, i) => {
      if (!s || typeof s.$from !== 'function') throw new InvalidArgumentError(`from(): source ${i + 1} is not a table, subquery or CTE.`);
      return s.$from();
    });
    // select(t).from(t) names the table once: listing it twice would make every column ambiguous.
    const fresh = froms.filter((f) => !this.node.from.some((existing) => sameSource(existing, f)));
    return this.with_({ from: Object.freeze([...this.node.from, ...fresh]) });
  }

  private join(type: JoinType, target: Source, on?: AnyExpression<boolean>): SelectQuery<R> {
    const join = node({ type, target: target.$from(), on: on === undefined ? undefined : condition(on, 'join') });
    return this.with_({ joins: Object.freeze([...this.node.joins, join]) });
  }
  innerJoin(target: Source, on: AnyExpression<boolean>): SelectQuery<R> {
    return this.join('INNER', target, on);
  }
  leftJoin(target: Source, on: AnyExpression<boolean>): SelectQuery<R> {
    return this.join('LEFT', target, on);
  }
  rightJoin(target: Source, on: AnyExpression<boolean>): SelectQuery<R> {
    return this.join('RIGHT', target, on);
  }
  fullJoin(target: Source, on: AnyExpression<boolean>): SelectQuery<R> {
    return this.join('FULL', target, on);
  }
  crossJoin(target: Source): SelectQuery<R> {
    return this.join('CROSS', target);
  }

  /** Several where() calls are ANDed together. */
  where(cond: AnyExpression<boolean>): SelectQuery<R> {
    const next = condition(cond, 'where');
    const where = this.node.where ? node({ kind: 'logical' as const, op: 'AND' as const, items: [this.node.where, next] }) : next;
    return this.with_({ where });
  }
  groupBy(...exprs: AnyExpression<unknown>[]): SelectQuery<R> {
    return this.with_({ groupBy: Object.freeze([...this.node.groupBy, ...exprs.map((e) => e.node)]) });
  }
  having(cond: AnyExpression<boolean>): SelectQuery<R> {
    const next = condition(cond, 'having');
    const having = this.node.having ? node({ kind: 'logical' as const, op: 'AND' as const, items: [this.node.having, next] }) : next;
    return this.with_({ having });
  }
  orderBy(...items: (OrderBy | AnyExpression<unknown>)[]): SelectQuery<R> {
    return this.with_({ orderBy: Object.freeze([...this.node.orderBy, ...orderItems(items)]) });
  }
  limit(n: number): SelectQuery<R> {
    return this.with_({ limit: rowCount(n, 'limit') });
  }
  offset(n: number): SelectQuery<R> {
    return this.with_({ offset: rowCount(n, 'offset') });
  }
  distinct(on = true): SelectQuery<R> {
    return this.with_({ distinct: on });
  }
  /**
   * Row locks. SQLite has none: a write transaction there holds the database's write lock
   * (Athanor begins write transactions IMMEDIATE), so the clause is left out on SQLite.
   */
  forUpdate(options: { noWait?: boolean; skipLocked?: boolean } = {}): SelectQuery<R> {
    return this.with_({ lock: lockNode('UPDATE', options) });
  }
  forShare(options: { noWait?: boolean; skipLocked?: boolean } = {}): SelectQuery<R> {
    return this.with_({ lock: lockNode('SHARE', options) });
  }
  with(...ctes: CteBase<any>[]): SelectQuery<R> {
    return this.with_({ with: withClause(ctes) });
  }
}

function sameSource(a: FromNode, b: FromNode): boolean {
  if (a === b) return true;
  return a.kind === 'tableRef' && b.kind === 'tableRef' && a.name === b.name && a.schema === b.schema && a.alias === b.alias;
}

function lockNode(mode: 'UPDATE' | 'SHARE', options: { noWait?: boolean; skipLocked?: boolean }): LockNode {
  if (options.noWait && options.skipLocked) throw new InvalidArgumentError('A row lock takes noWait or skipLocked, not both.');
  return node({ mode, noWait: options.noWait, skipLocked: options.skipLocked });
}

export class CompoundQuery<R> extends QueryStatement<R> {
  constructor(readonly node: import('../ast').CompoundNode) {
    super();
  }
  private with_(patch: Partial<import('../ast').CompoundNode>): CompoundQuery<R> {
    return new CompoundQuery<R>(node({ ...this.node, ...patch }));
  }
  /** Order a compound result by output column names. */
  orderBy(...keys: (Extract<keyof R, string> | { key: Extract<keyof R, string>; direction?: 'asc' | 'desc' })[]): CompoundQuery<R> {
    const items = keys.map((k) => {
      const key = typeof k === 'string' ? k : k.key;
      const direction = typeof k === 'string' || k.direction !== 'desc' ? ('ASC' as const) : ('DESC' as const);
      return node({ kind: 'orderItem' as const, expr: node({ kind: 'identifier' as const, parts: [key] }), direction });
    });
    return this.with_({ orderBy: Object.freeze([...this.node.orderBy, ...items]) });
  }
  limit(n: number): CompoundQuery<R> {
    return this.with_({ limit: rowCount(n, 'limit') });
  }
  offset(n: number): CompoundQuery<R> {
    return this.with_({ offset: rowCount(n, 'offset') });
  }
  with(...ctes: CteBase<any>[]): CompoundQuery<R> {
    return this.with_({ with: withClause(ctes) });
  }
}

function compound<R>(first: QueryLike<R>, op: SetOperator, others: readonly QueryLike<R>[]): CompoundQuery<R> {
  if (others.length === 0) throw new InvalidArgumentError(`${op.toLowerCase()}() needs at least one other query.`);
  const rest = others.map((q) => node({ op, query: q.queryNode }));
  const firstNode = first.queryNode;
  // Flatten only a chain of one operator: INTERSECT binds tighter than UNION and EXCEPT in SQL,
  // so a mixed chain is nested to apply in the order it was written.
  if (
    firstNode.kind === 'compound' && firstNode.orderBy.length === 0 && firstNode.limit === undefined && firstNode.offset === undefined &&
    !firstNode.with && firstNode.rest.every((part) => part.op === op)
  ) {
    return new CompoundQuery<R>(node({ ...firstNode, rest: Object.freeze([...firstNode.rest, ...rest]) }));
  }
  return new CompoundQuery<R>(node({ kind: 'compound', first: firstNode, rest: Object.freeze(rest), orderBy: EMPTY }));
}

export const union = <R>(first: QueryLike<R>, ...others: QueryLike<R>[]) => compound<R>(first, 'UNION', others);
export const unionAll = <R>(first: QueryLike<R>, ...others: QueryLike<R>[]) => compound<R>(first, 'UNION ALL', others);
export const intersect = <R>(first: QueryLike<R>, ...others: QueryLike<R>[]) => compound<R>(first, 'INTERSECT', others);
export const except = <R>(first: QueryLike<R>, ...others: QueryLike<R>[]) => compound<R>(first, 'EXCEPT', others);

/**
 * `select(table)` (all its columns, FROM the table), `select({ alias: expr, … })`, or
 * `select(col1, col2, …)`. The row type follows from the selection.
 */
export function select<S extends Selection>(...selection: S): SelectQuery<RowOfSelection<S>> {
  if (selection.length === 0) throw new InvalidArgumentError('select() needs a table, columns, or an object of fields.');
  const items = Object.freeze(selectionItems('select()', selection));
  const from = selection.length === 1 && isTable(selection[0]) ? [(selection[0] as AnyTable).$from()] : EMPTY;
  return new SelectQuery(
    node({ kind: 'select', distinct: false, items, from: Object.freeze(from), joins: EMPTY, groupBy: EMPTY, orderBy: EMPTY }),
  );
}
