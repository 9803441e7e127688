import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { CteNode, FromNode, QueryNode, SelectItemNode, SetOperator } from '../ast';
import { Expression } from '../expression/expression';
import type { QueryLike } from '../expression/expression';

/**
 * A named row source built from a query: a subquery in FROM (`query.as('t')`) or a CTE
 * (`cte('t', query)`). Its output columns are typed expressions under their select aliases.
 */
export class DerivedBase<R> {
  declare readonly __row?: R;

  constructor(
    readonly $qualifier: string,
    private readonly fromNode: FromNode,
    items: readonly SelectItemNode[],
  ) {
    for (const item of items) {
      if (item.alias.startsWith('$')) throw new InvalidArgumentError(`${$qualifier}: output column ${item.alias} may not start with "$".`);
      const ref = node({ kind: 'column' as const, table: $qualifier, name: item.alias });
      Object.defineProperty(this, item.alias, { value: new Expression(ref, item.type), enumerable: true });
    }
  }

  $from(): FromNode {
    return this.fromNode;
  }
}

export type Derived<R> = DerivedBase<R> & { readonly [K in keyof R]-?: Expression<R[K]> };

export function queryItems(query: QueryNode): readonly SelectItemNode[] {
  return query.kind === 'select' ? query.items : queryItems(query.first);
}

export function derivedTable<R>(query: QueryLike<R>, alias: string): Derived<R> {
  const q = query.queryNode;
  return new DerivedBase<R>(alias, node({ kind: 'derivedTable', query: q, alias }), queryItems(q)) as Derived<R>;
}

/** A common table expression; put it in a query with `.with(cte)` and select from it. */
export class CteBase<R> extends DerivedBase<R> {
  constructor(
    readonly cteNode: CteNode,
    readonly recursive: boolean,
    items: readonly SelectItemNode[],
  ) {
    super(cteNode.name, node({ kind: 'cteRef', name: cteNode.name }), items);
  }
}

export type Cte<R> = CteBase<R> & { readonly [K in keyof R]-?: Expression<R[K]> };

export function cte<R>(name: string, query: QueryLike<R>): Cte<R> {
  const q = query.queryNode;
  const items = queryItems(q);
  return new CteBase<R>(node({ name, columns: items.map((i) => i.alias), query: q }), false, items) as Cte<R>;
}

/**
 * WITH RECURSIVE: `recursiveCte('tree', base, (tree) => select(...).from(t).innerJoin(tree, ...))`
 * compiles to `base UNION ALL step`; the step sees the CTE's columns typed from the base query.
 */
export function recursiveCte<R>(
  name: string,
  base: QueryLike<R>,
  step: (self: Cte<R>) => QueryLike<R>,
  options: { unionAll?: boolean } = {},
): Cte<R> {
  const items = queryItems(base.queryNode);
  const columns = items.map((i) => i.alias);
  const self = new CteBase<R>(node({ name, columns, query: base.queryNode }), true, items) as Cte<R>;
  const op: SetOperator = options.unionAll === false ? 'UNION' : 'UNION ALL';
  const query = node({
    kind: 'compound' as const,
    first: base.queryNode,
    rest: [node({ op, query: step(self).queryNode })],
    orderBy: [],
  });
  return new CteBase<R>(node({ name, columns, query }), true, items) as Cte<R>;
}
