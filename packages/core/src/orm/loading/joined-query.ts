import type { OrderItemNode } from '../../sql/ast';
import { select, type SelectQuery } from '../../sql/builders/select';
import type { CompiledQuery, SqlDialect } from '../../sql/dialect';
import { type AnyExpression, Expression, OrderBy } from '../../sql/expression/expression';
import type { EntityMetadata } from '../metadata/entity-metadata';
import { entityParts, type QuerySpec } from '../query/entity-select';
import { isToMany, joinedBelow, type LoadNode } from './load-plan';
import { type ColumnAt, type Layout, tableColumns, WideSelect } from './wide-select';

/**
 * The statement of an entity query with joined relationships: the entity's SELECT with a LEFT
 * OUTER JOIN per joined relationship (nested ones included) and their columns. When a to-many
 * relationship is joined and the query has a limit or offset, the limit must count parents,
 * not rows: the parents' own query (conditions, ordering, limit) becomes a subquery in FROM,
 * its ordering values selected alongside so the outer statement can order by them again:
 *
 *     SELECT p.*, posts_2.* FROM (SELECT users.*, users.name AS athanor_o0 FROM users
 *       WHERE … ORDER BY users.name LIMIT 10) AS p LEFT OUTER JOIN posts AS posts_2 ON …
 *     ORDER BY p.athanor_o0
 */
export function joinedStatement(meta: EntityMetadata, spec: QuerySpec, nodes: readonly LoadNode[], dialect: SqlDialect): { compiled: CompiledQuery; layout: Layout } {
  const parts = entityParts(meta, spec);
  const { scope, where, order } = parts;
  const aliases = scope.joins.aliases;
  const table = meta.table;
  const toMany = joinedBelow(nodes).some((n) => isToMany(n.relation));
  const w = new WideSelect(aliases);
  let query: SelectQuery<any>;
  if (!toMany || (spec.limit === undefined && spec.offset === undefined)) {
    const at = tableColumns(table);
    const base = w.segment(meta, at, -1);
    w.joinAll(nodes, base, at);
    query = w.applyJoins(scope.joins.applyTo(select(w.items).from(table)));
    if (where !== undefined) query = query.where(where);
    const ordering = [...order, ...w.order];
    if (ordering.length > 0) query = query.orderBy(...ordering);
    if (spec.limit !== undefined) query = query.limit(spec.limit);
    if (spec.offset !== undefined) query = query.offset(spec.offset);
  } else {
    const items: Record<string, AnyExpression<unknown>> = {};
    for (const c of table.$columns) items[c.key] = c;
    const orderNodes = order.map(orderNode);
    orderNodes.forEach((o, i) => {
      items[`athanor_o${i}`] = new Expression(o.expr);
    });
    let inner = scope.joins.applyTo(select(items).from(table));
    if (where !== undefined) inner = inner.where(where);
    if (order.length > 0) inner = inner.orderBy(...order);
    if (spec.limit !== undefined) inner = inner.limit(spec.limit);
    if (spec.offset !== undefined) inner = inner.offset(spec.offset);
    const parents = inner.as(aliases.next('parents')) as unknown as Record<string, AnyExpression<unknown>> & Parameters<SelectQuery<any>['from']>[0];
    const at: ColumnAt = (key) => parents[key]!;
    const base = w.segment(meta, at, -1);
    w.joinAll(nodes, base, at);
    query = w.applyJoins(select(w.items).from(parents));
    const ordering = [...orderNodes.map((o, i) => new OrderBy(parents[`athanor_o${i}`]!.node, o.direction, o.nulls)), ...w.order];
    if (ordering.length > 0) query = query.orderBy(...ordering);
  }
  return { compiled: query.compile(dialect), layout: w.layout() };
}

function orderNode(item: OrderBy | AnyExpression<unknown>): OrderItemNode {
  if (item instanceof OrderBy) return item.node;
  return { kind: 'orderItem', expr: item.node, direction: 'ASC', nulls: undefined } as OrderItemNode;
}
