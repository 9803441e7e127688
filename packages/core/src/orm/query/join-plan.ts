import { InvalidArgumentError } from '../../errors/errors';
import type { AnyExpression, Expression } from '../../sql/expression/expression';
import { and } from '../../sql/expression/operators';
import type { SelectQuery } from '../../sql/builders/select';
import type { AnyColumn } from '../../sql/schema/column';
import type { AnyTable } from '../../sql/schema/table';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';

/**
 * Where conditions of one query level are written: an entity, the table (or alias) its
 * columns come from, and the joins collected for to-one relationship conditions. EXISTS
 * subqueries for to-many conditions open a scope of their own.
 */
export interface QueryScope {
  readonly meta: EntityMetadata;
  readonly table: AnyTable;
  readonly joins: JoinPlan;
  /** `Post` or `Post.author`: how messages name where a condition sits. */
  readonly path: string;
}

/** A column of a scope's table by property name. */
export function columnOf(scope: QueryScope, property: ColumnProperty): AnyColumn {
  return scope.table.$column(property.name);
}

/** The columns on each side of a relationship, aligned: `source.local[i] = target.remote[i]`. */
export interface RelationColumns {
  readonly local: readonly ColumnProperty[];
  readonly remote: readonly ColumnProperty[];
}

/**
 * How a relationship's two tables are linked. Owning to-one: the foreign key here references
 * the target's key. One-to-many and inverse one-to-one: the target's foreign key (the owning
 * side, `inverse`) references this key.
 */
export function relationColumns(meta: EntityMetadata, r: RelationProperty): RelationColumns {
  if (r.joinColumns.length > 0) return { local: r.joinColumns, remote: r.target.primaryKey };
  const owning = r.inverse;
  if (owning !== undefined && owning.joinColumns.length > 0) return { local: meta.primaryKey, remote: owning.joinColumns };
  throw new InvalidArgumentError(
    `${meta.name}.${r.name}: cannot filter through this relationship: neither side declares the foreign key ` +
      `(declare the inverse @ManyToOne/@OneToOne on ${r.target.name}).`,
  );
}

/** `a.x = b.y AND …` over aligned column lists. */
export function linkCondition(
  left: AnyTable,
  leftColumns: readonly ColumnProperty[],
  right: AnyTable,
  rightColumns: readonly ColumnProperty[],
): Expression<boolean> {
  const parts = leftColumns.map((c, i) => left.$column(c.name).eq(right.$column(rightColumns[i]!.name) as AnyExpression<unknown>));
  return parts.length === 1 ? parts[0]! : and(...parts);
}

interface PlannedJoin {
  readonly table: AnyTable;
  readonly on: Expression<boolean>;
}

/**
 * The LEFT JOINs one query level needs for conditions and ordering through to-one
 * relationships: one per relationship path (`author`, `author.company`), reused by every
 * condition on that path, under generated aliases so self-references work. A LEFT JOIN keeps
 * rows without a related row, so conditions inside `or`/`not` mean what they say; a to-one
 * join never multiplies rows.
 */
export class JoinPlan {
  private readonly joins = new Map<string, { scope: QueryScope; join: PlannedJoin }>();
  private order: PlannedJoin[] = [];

  constructor(readonly aliases: AliasCounter) {}

  /** The scope of a to-one relationship's target, joined once per path. */
  toOne(scope: QueryScope, r: RelationProperty): QueryScope {
    const path = `${scope.path}.${r.name}`;
    const planned = this.joins.get(path);
    if (planned !== undefined) return planned.scope;
    const { local, remote } = relationColumns(scope.meta, r);
    const target = r.target;
    const table = target.table.$as(this.aliases.next(r.name));
    const join: PlannedJoin = { table, on: linkCondition(table, remote, scope.table, local) };
    const inner: QueryScope = { meta: target, table, joins: this, path };
    this.joins.set(path, { scope: inner, join });
    this.order.push(join);
    return inner;
  }

  get size(): number {
    return this.order.length;
  }

  /** Add the joins to a query, in the order they were planned (a path's parent first). */
  applyTo<R>(query: SelectQuery<R>): SelectQuery<R> {
    let q = query;
    for (const join of this.order) q = q.leftJoin(join.table, join.on);
    return q;
  }
}

/** Generated aliases, unique within one statement (subqueries included). */
export class AliasCounter {
  private n = 0;
  next(hint: string): string {
    return `${hint.replace(/[^A-Za-z0-9_]/g, '_').slice(0, 40)}_${++this.n}`;
  }
}
