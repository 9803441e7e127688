import { InvalidArgumentError } from '../../errors/errors';
import { select, type SelectQuery } from '../../sql/builders/select';
import { type AnyExpression, type Expression, isExpression, OrderBy } from '../../sql/expression/expression';
import { func } from '../../sql/expression/functions';
import { and } from '../../sql/expression/operators';
import type { EntityMetadata, LoadingStrategy } from '../metadata/entity-metadata';
import { compileWhere, propertyNames } from './filter-compiler';
import { AliasCounter, columnOf, JoinPlan, type QueryScope } from './join-plan';

/** An ordering: a typed spec object, or Core order items / a function of the table returning them. */
export type OrderInput = object | ((table: any) => OrderBy | AnyExpression<unknown> | readonly (OrderBy | AnyExpression<unknown>)[]);

/** What an entity query says, independent of any session or dialect. */
export interface QuerySpec {
  /** Conditions, ANDed. */
  readonly where: readonly unknown[];
  readonly orderBy: readonly OrderInput[];
  readonly limit?: number;
  readonly offset?: number;
  /** Loading strategies by relationship path (`{ posts: 'selectin', 'posts.comments': 'joined' }`), validated when the query runs. */
  readonly load?: Readonly<Record<string, LoadingStrategy>>;
}

export const EMPTY_SPEC: QuerySpec = Object.freeze({ where: Object.freeze([]), orderBy: Object.freeze([]) });

/** What the statement selects: the entity's columns, a count, or one column of at most one row. */
export type SelectKind = 'entities' | 'count' | 'exists';

/**
 * The Core SELECT for an entity query: every column of the entity's table (so the hydrator
 * can build any class of a single-table hierarchy), the LEFT JOINs its conditions and ordering
 * need, the conditions, the discriminator condition of a single-table subclass, ordering and
 * limits.
 */
export function entitySelect(meta: EntityMetadata, spec: QuerySpec, kind: SelectKind = 'entities'): SelectQuery<any> {
  const table = meta.table;
  const { scope, where, order } = entityParts(meta, spec, kind === 'entities');
  let query: SelectQuery<any> =
    kind === 'count'
      ? (select({ count: func.count() }).from(table) as unknown as SelectQuery<any>)
      : kind === 'exists'
        ? select(columnOf(scope, meta.primaryKey[0]!)).from(table)
        : select(table);
  query = scope.joins.applyTo(query);
  if (where !== undefined) query = query.where(where);
  if (order.length > 0) query = query.orderBy(...order);
  if (kind === 'exists') return query.limit(1);
  if (kind === 'entities') {
    if (spec.limit !== undefined) query = query.limit(spec.limit);
    if (spec.offset !== undefined) query = query.offset(spec.offset);
  }
  return query;
}

/** What an entity query's statement is made of, for statements that select more than the entity (joined loading). */
export interface EntityParts {
  /** The entity's table and the LEFT JOINs its conditions and ordering need (their aliases continue from `scope.joins.aliases`). */
  readonly scope: QueryScope;
  /** The conditions, ANDed (the discriminator condition of a single-table subclass included). */
  readonly where: Expression<boolean> | undefined;
  readonly order: (OrderBy | AnyExpression<unknown>)[];
}

export function entityParts(meta: EntityMetadata, spec: QuerySpec, ordered = true): EntityParts {
  const scope: QueryScope = { meta, table: meta.table, joins: new JoinPlan(new AliasCounter()), path: meta.name };
  const conditions: Expression<boolean>[] = spec.where.map((w) => compileWhere(scope, w));
  const discriminator = discriminatorCondition(scope);
  if (discriminator !== undefined) conditions.push(discriminator);
  const order = ordered ? spec.orderBy.flatMap((o) => orderItems(scope, o)) : [];
  const where = conditions.length === 0 ? undefined : conditions.length === 1 ? conditions[0]! : and(...conditions);
  return { scope, where, order };
}

/** A single-table subclass's rows: its discriminator value and its subclasses'. */
function discriminatorCondition(scope: QueryScope): Expression<boolean> | undefined {
  const inheritance = scope.meta.inheritance;
  if (inheritance === undefined || inheritance.root === scope.meta) return undefined;
  const cls = scope.meta.class;
  const values: string[] = [];
  for (const [value, m] of inheritance.byValue) {
    if (m.class === cls || m.class.prototype instanceof cls) values.push(value);
  }
  return columnOf(scope, inheritance.discriminatorColumn).in(values);
}

function orderItems(scope: QueryScope, input: OrderInput): (OrderBy | AnyExpression<unknown>)[] {
  if (typeof input === 'function') {
    const result = input(scope.table);
    const list = Array.isArray(result) ? result : [result];
    for (const item of list) {
      if (!(item instanceof OrderBy) && !isExpression(item)) {
        throw new InvalidArgumentError(`${scope.path}: an orderBy function must return order items (t.name.asc()) or expressions.`);
      }
    }
    return list as (OrderBy | AnyExpression<unknown>)[];
  }
  if (input instanceof OrderBy || isExpression(input)) return [input as OrderBy];
  if (input === null || typeof input !== 'object') {
    throw new InvalidArgumentError(`${scope.path}: orderBy takes { property: 'asc' | 'desc' }; got ${String(input)}.`);
  }
  const out: OrderBy[] = [];
  for (const [key, direction] of Object.entries(input)) {
    const property = scope.meta.properties.get(key);
    const where = `${scope.path}.${key}`;
    if (property === undefined) {
      throw new InvalidArgumentError(`${scope.path} has no property ${JSON.stringify(key)} to order by; its properties are ${propertyNames(scope.meta)}.`);
    }
    if (direction === undefined) throw new InvalidArgumentError(`orderBy ${where} is undefined; give 'asc' or 'desc', or leave it out.`);
    if (property.kind === 'column') {
      if (direction !== 'asc' && direction !== 'desc') {
        throw new InvalidArgumentError(`orderBy ${where}: the direction is 'asc' or 'desc'; got ${JSON.stringify(direction)}.`);
      }
      const column = columnOf(scope, property);
      out.push(direction === 'asc' ? column.asc() : column.desc());
    } else if (property.relation === 'manyToOne' || property.relation === 'oneToOne') {
      out.push(...(orderItems(scope.joins.toOne(scope, property), direction as object) as OrderBy[]));
    } else {
      throw new InvalidArgumentError(`orderBy ${where}: cannot order by a to-many relationship; order by a column or a to-one relationship.`);
    }
  }
  return out;
}
