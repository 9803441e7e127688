import type { AnyExpression } from '../../sql/expression/expression';
import type { ColumnKeys, EntityRow } from '../../sql/schema/entity-table';
import type { Table } from '../../sql/schema/table';
import type { LoadSpec } from '../loading/load-types';
import type { Collection } from '../relations/collection';
import type { Ref } from '../relations/ref';

/**
 * The typed `where`, `orderBy` and find options of the Session, derived from entity classes:
 * a property name that does not exist, or a value of the wrong type, is a compile error.
 */

/** Comparison operators on one property; several in one object are ANDed. */
export interface Operators<T, N = never> {
  /** Equal; `null` means IS NULL. */
  readonly eq?: T | N;
  /** Not equal (rows where the column is NULL do not match, as in SQL); `null` means IS NOT NULL. */
  readonly ne?: T | N;
  readonly gt?: T;
  readonly gte?: T;
  readonly lt?: T;
  readonly lte?: T;
  readonly in?: readonly T[];
  readonly notIn?: readonly T[];
  /** SQL LIKE (case-sensitive on every database); string properties only. */
  readonly like?: T extends string ? string : never;
  /** Case-insensitive LIKE; string properties only. */
  readonly ilike?: T extends string ? string : never;
  /** `true`: IS NULL, `false`: IS NOT NULL. */
  readonly isNull?: boolean;
  /** Inclusive range. */
  readonly between?: readonly [T, T];
}

/** The operator names, for messages and run-time checks. */
export const OPERATOR_NAMES = ['eq', 'ne', 'gt', 'gte', 'lt', 'lte', 'in', 'notIn', 'like', 'ilike', 'isNull', 'between'] as const;
export type OperatorName = (typeof OPERATOR_NAMES)[number];

/** A condition on a column property: a value (equality), `null` (IS NULL) where the property is nullable, or operators. */
export type ColumnCondition<V> = NonNullable<V> | (null extends V ? null : never) | Operators<NonNullable<V>, null extends V ? null : never>;

type Fn = (...args: never[]) => unknown;

/** Properties holding a `Ref` (to-one relationships). */
export type ToOneKeys<E> = {
  [K in keyof E & string]: E[K] extends Fn ? never : NonNullable<E[K]> extends Ref<any, any> ? K : never;
}[keyof E & string];

/** Properties holding a `Collection` (to-many relationships). */
export type ToManyKeys<E> = {
  [K in keyof E & string]: E[K] extends Fn ? never : NonNullable<E[K]> extends Collection<any> ? K : never;
}[keyof E & string];

/** Operators on a to-one relationship's key (its foreign key), without a join. */
export type KeyOperators<K, N = never> = Pick<Operators<K, N>, 'eq' | 'ne' | 'in' | 'notIn' | 'isNull'>;

/**
 * A condition through a to-one relationship: a filter on the related entity (joined), the
 * related entity itself, a `Ref`, its key, key operators (`{ in: [1, 2] }`), or `null` (no
 * related row) where nullable.
 */
export type ToOneCondition<V> =
  NonNullable<V> extends Ref<infer T, infer K>
    ? Where<T> | T | Ref<T, K> | K | KeyOperators<K, null extends V ? null : never> | (null extends V ? null : never)
    : never;

/** A condition through a to-many relationship: some related row matches (EXISTS). */
export type ToManyCondition<V> = NonNullable<V> extends Collection<infer T> ? Where<T> : never;

/** Combinators: `and` and `or` take lists of conditions, `not` one. */
export interface Combinators<E> {
  readonly and?: readonly Where<E>[];
  readonly or?: readonly Where<E>[];
  readonly not?: Where<E>;
}

/** The properties a filter may name: columns and relationships. */
export type FilterKeys<E> = ColumnKeys<E> | ToOneKeys<E> | ToManyKeys<E>;

/**
 * A filter object on an entity's properties; its entries are ANDed. One mapped type (not an
 * intersection per kind of property), so it stays a "weak type" and TypeScript refuses values
 * that share no property with it (`where: 10`, a function returning a non-boolean).
 */
export type Filter<E> = {
  readonly [K in FilterKeys<E>]?: K extends ColumnKeys<E> ? ColumnCondition<E[K]> : K extends ToOneKeys<E> ? ToOneCondition<E[K]> : ToManyCondition<E[K]>;
} & Combinators<E>;

/** The entity's table, as `table(Entity)` gives it: for conditions written with Core expressions. */
export type EntityTable<E> = Table<EntityRow<E>>;

/**
 * A condition on entities of `E`: a filter object, a Core boolean expression (the escape
 * hatch: `table(User).age.gt(18)`), or a function of the entity's table returning one.
 */
export type Where<E> = Filter<E> | AnyExpression<boolean> | ((t: EntityTable<E>) => AnyExpression<boolean>);

export type Direction = 'asc' | 'desc';

/** Ordering by properties, in key order; through to-one relationships with a nested object. */
export type OrderSpec<E> = {
  readonly [K in ColumnKeys<E> | ToOneKeys<E>]?: K extends ColumnKeys<E> ? Direction : NonNullable<E[K]> extends Ref<infer T, any> ? OrderSpec<T> : never;
};

export interface FindOptions<E> {
  readonly where?: Where<E>;
  readonly orderBy?: OrderSpec<E>;
  readonly limit?: number;
  readonly offset?: number;
  /** Relationships to load, by typed path: `{ posts: 'selectin', 'posts.comments': 'joined' }` (see LoadSpec). */
  readonly load?: LoadSpec<E>;
}

/** `load` is refused at run time: a stream's connection is busy while it is read, so nothing else can load in between. */
export interface StreamEntityOptions<E> extends FindOptions<E> {
  /** Rows fetched and hydrated per batch (default 500). */
  readonly batchSize?: number;
}
