import { InvalidArgumentError } from '../../errors/errors';
import { stateOf } from '../identity/instance-state';
import type { EntityMetadata } from '../metadata/entity-metadata';
import { Collection } from '../relations/collection';
import { Ref } from '../relations/ref';
import { Session } from '../session/session';
import { loadCount, matching } from './collection-queries';
import { loadCollection, loadRef } from './lazy-loading';
import { populatePlan } from './load-plan';
import type { MatchingOptions, PopulatePaths } from './load-types';
import { loadNodes } from './relation-loader';

/**
 * The loading methods of Ref, Collection and Session. The relationship containers and the
 * Session facade know nothing of loaders; the methods are added here (types by module
 * augmentation), as `engine.session` is added by the session module. `orm/index.ts` imports
 * this module.
 */

declare module '../relations/ref' {
  interface Ref<T extends object, K = number> {
    /**
     * The referenced entity: from the identity map without SQL when the session holds it,
     * otherwise loaded, batched with every other load of the relationship in the same tick
     * (one `IN (…)` statement). `NotFoundError` when the row does not exist.
     */
    load(): Promise<T>;
  }
}

declare module '../relations/collection' {
  interface Collection<T extends object> {
    /**
     * The items, loaded if not yet: every collection of the relationship loaded in the same
     * tick goes in one `IN (…)` statement (`await Promise.all(users.map((u) => u.posts.load()))`).
     */
    load(): Promise<readonly T[]>;
    /** How many items: the loaded ones, else a COUNT that loads no rows (batched per tick). */
    loadCount(): Promise<number>;
    /** The items matching a filter (ordered, limited) by one query; the collection stays as it is. */
    matching(options?: MatchingOptions<T>): Promise<T[]>;
  }
}

declare module '../session/session' {
  interface Session {
    /**
     * Load relationships of objects already in hand, batched like select-in: one statement per
     * relationship and level, whatever the number of objects (`populate(users, ['posts',
     * 'posts.comments'])`, or `{ posts: 'selectin', 'posts.author': 'joined' }`).
     * Loaded containers are left as they are. Returns the objects.
     */
    populate<E extends object>(objects: E | readonly E[], paths: PopulatePaths<NoInfer<E>>): Promise<E[]>;
  }
}

Ref.prototype.load = function load<T extends object>(this: Ref<T, unknown>): Promise<T> {
  return loadRef(this);
};

Collection.prototype.load = function load<T extends object>(this: Collection<T>): Promise<readonly T[]> {
  return loadCollection(this);
};

Collection.prototype.loadCount = function count(this: Collection<object>): Promise<number> {
  return loadCount(this);
};

Collection.prototype.matching = function match<T extends object>(this: Collection<T>, options?: MatchingOptions<T>): Promise<T[]> {
  return matching(this, options);
};

Session.prototype.populate = async function populate<E extends object>(this: Session, objects: E | readonly E[], paths: PopulatePaths<E>): Promise<E[]> {
  const list: E[] = Array.isArray(objects) ? [...(objects as readonly E[])] : [objects as E];
  const groups = new Map<EntityMetadata, object[]>();
  for (const o of list) {
    const state = o === null || typeof o !== 'object' ? undefined : stateOf(o);
    if (state === undefined || state.session !== this || state.key === undefined || state.status === 'detached' || this.isClosed) {
      const what = state === undefined ? `a ${describe(o)} this session does not know` : `${state} (not a persistent object of this session)`;
      throw new InvalidArgumentError(`populate(): ${what}; load it through this session first.`);
    }
    const group = groups.get(state.meta);
    if (group === undefined) groups.set(state.meta, [o]);
    else group.push(o);
  }
  // Pending changes may change what the relationships hold (as for a query).
  if (this.unitOfWork.mayChangeLoads) await this.autoflushBefore();
  for (const [meta, group] of groups) {
    // Only what the call names at the first level; below it, the relationships' defaults too.
    const nodes = populatePlan(meta, paths).filter((n) => n.explicit || hasExplicit(n));
    await loadNodes(this, group, nodes);
  }
  return list;
};

function hasExplicit(node: { readonly explicit: boolean; readonly children: readonly { readonly explicit: boolean; readonly children: readonly unknown[] }[] }): boolean {
  return node.children.some((c) => c.explicit || hasExplicit(c as typeof node));
}

function describe(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return (value as object).constructor?.name ?? 'object';
}
