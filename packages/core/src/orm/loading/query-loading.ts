import type { EntityQuery } from '../query/entity-query';
import type { LoadContext } from '../session/entity-loader';
import { type LoadNode, planFor } from './load-plan';
import { collapse } from './row-collapse';
import { joinedStatement } from './joined-query';

/**
 * An entity query's loading: its plan (the `load` option over the relationships' defaults,
 * empty when there is nothing to load) and, when relationships are joined, the joined
 * statement in place of the plain one. The session's entity loader runs the plan's other
 * nodes on the entities afterwards (`loadNodes`).
 */

const NONE: readonly LoadNode[] = Object.freeze([]);

export function loadPlanOf(query: EntityQuery<object>): readonly LoadNode[] {
  if (query.spec.load === undefined && query.meta.relations.length === 0) return NONE;
  return planFor(query.meta, query.spec.load);
}

/** Whether the statement itself loads some of `nodes` (a fromStatement query loads them afterwards instead). */
export function joinsAny(query: EntityQuery<object>, nodes: readonly LoadNode[]): boolean {
  return query.source === undefined && nodes.some((n) => n.strategy === 'joined');
}

/** Run the query with its joined relationships: the distinct entities, in order, their joined containers filled. */
export async function queryJoined(ctx: LoadContext, query: EntityQuery<object>, nodes: readonly LoadNode[]): Promise<object[]> {
  const { compiled, layout } = joinedStatement(query.meta, query.spec, nodes, ctx.dialect);
  const rows = await ctx.connection.executeArrays(compiled);
  return collapse(ctx.target, rows, layout).distinct as object[];
}
