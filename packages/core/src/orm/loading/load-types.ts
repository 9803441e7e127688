import type { LoadingStrategy } from '../metadata/entity-metadata';
import type { OrderSpec, Where } from '../query/filter-types';
import type { Collection } from '../relations/collection';
import type { Ref } from '../relations/ref';

/**
 * Typed load paths: `'posts'`, `'posts.comments'`, `'posts.comments.author'` — dotted paths
 * through relationship properties, derived from the entity classes (four levels deep), so a
 * misspelt or non-relationship step is a compile error.
 */

type Fn = (...args: never[]) => unknown;

/** Properties holding a `Ref` or a `Collection`: the relationship properties of `E`. */
export type RelationKeys<E> = {
  [K in keyof E & string]: E[K] extends Fn ? never : NonNullable<E[K]> extends Ref<any, any> | Collection<any> ? K : never;
}[keyof E & string];

/** The entity a relationship property leads to. */
export type RelationTarget<V> =
  NonNullable<V> extends Ref<infer T, any> ? T : NonNullable<V> extends Collection<infer T> ? T : never;

/** Depth counter: `Prev[4]` is 3, …, `Prev[1]` is 0 (the last level). */
type Prev = [never, 0, 1, 2, 3, 4];

/** A dotted path of relationship properties from `E`, up to `D` levels deep (default 4). */
export type LoadPath<E, D extends number = 4> = [D] extends [never]
  ? never
  : {
      [K in RelationKeys<E>]: K | (D extends 1 ? never : `${K}.${LoadPath<RelationTarget<E[K]>, Prev[D]>}`);
    }[RelationKeys<E>];

/**
 * Per-query loading: `{ posts: 'selectin', 'posts.comments': 'joined', author: 'joined' }`.
 * A nested path loads its parents too (with their default strategy when it loads, else
 * select-in).
 */
export type LoadSpec<E> = { readonly [P in LoadPath<E>]?: LoadingStrategy };

/** What `populate` takes: paths to load (select-in, batched), or a spec with strategies. */
export type PopulatePaths<E> = readonly LoadPath<E>[] | LoadSpec<E>;

/** The N+1 detector's settings (session or engine option `nPlusOne`). */
export interface NPlusOneOptions {
  /** Report once one relationship has been loaded one parent at a time more than this many times in a session (default 10). */
  readonly warnAfter?: number;
  /** `warn` (default): a warning through the engine's logger, once per relationship and session; `throw`: the load fails with `NPlusOneError`. */
  readonly mode?: 'warn' | 'throw';
}

/** `collection.matching(…)`: a query over a large collection; nothing is cached on the collection. */
export interface MatchingOptions<T> {
  readonly where?: Where<T>;
  readonly orderBy?: OrderSpec<T>;
  readonly limit?: number;
  readonly offset?: number;
  readonly load?: LoadSpec<T>;
}
