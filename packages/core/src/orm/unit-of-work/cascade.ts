import { NotLoadedError } from '../../errors/errors';
import { type InstanceState, stateOf } from '../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import type { Where } from '../query/filter-types';
import { Collection } from '../relations/collection';
import { Ref } from '../relations/ref';
import { identityOf } from '../identity/identity-key';
import { keyOfInstance, keyParts, storeInverseOne, targetOf } from './relationship-sync';
import { trackerOf } from './tracking/change-tracker';
import { readToOne, type ToOneAccess, toOneAccess } from './tracking/to-one';
import type { UnitOfWork } from './unit-of-work';
import { relatedInstance } from './row-links';

/**
 * Cascades along relationships, per their `cascade` option:
 * - `save` (the default): adding an object adds the new objects it reaches — children in its
 *   loaded collections, parents in its to-one relationships, and so on from them. Objects
 *   attached later follow as they are attached (relationship sync), and once more before each
 *   flush from the pending objects.
 * - `delete`: deleting an object deletes its children (loaded, or loaded for the purpose in
 *   one statement per relationship and level), and so on from them, at flush.
 * - `delete-orphan`: a child removed from its parent's collection (or whose to-one was set to
 *   null) is deleted at flush, unless it found another parent meanwhile.
 * - `refresh`: `session.refresh(obj)` also reloads the columns of the objects obj holds in its
 *   loaded relationships (and so on from them); nothing unloaded is loaded for it.
 * - `expunge`: `session.expunge(obj)` also detaches the objects obj holds in its loaded
 *   relationships (and so on from them).
 * The default is `['save']`; `all` adds merge, delete, refresh and expunge (as SQLAlchemy's).
 */

/** Loads the children of persistent parents through a one-to-many (or inverse one-to-one) relationship. */
export type ChildLoader = (relation: RelationProperty, parents: readonly object[]) => Promise<object[]>;

type Row = Record<string, unknown>;

/** Per class, the relationships that cascade `save`: owning to-ones (read from storage) and the others. */
interface SavePlan {
  readonly toOne: readonly ToOneAccess[];
  readonly others: readonly RelationProperty[];
}

const savePlans = new WeakMap<EntityMetadata, SavePlan>();

function savePlanOf(meta: EntityMetadata): SavePlan {
  // Called per object a cascade visits (a user, its posts, the next user…): the last two plans are kept at hand.
  if (meta === lastPlanMeta) return lastPlan!;
  if (meta === prevPlanMeta) return prevPlan!;
  let plan = savePlans.get(meta);
  if (plan === undefined) {
    const saving = meta.relations.filter((r) => r.cascade.has('save'));
    plan = { toOne: saving.filter((r) => r.joinColumns.length > 0).map((r) => toOneAccess(meta, r)), others: saving.filter((r) => r.joinColumns.length === 0) };
    savePlans.set(meta, plan);
  }
  prevPlanMeta = lastPlanMeta;
  prevPlan = lastPlan;
  lastPlanMeta = meta;
  lastPlan = plan;
  return plan;
}

let lastPlanMeta: EntityMetadata | undefined;
let lastPlan: SavePlan | undefined;
let prevPlanMeta: EntityMetadata | undefined;
let prevPlan: SavePlan | undefined;

/**
 * The objects an instance reaches through relationships cascading `save`, as far as they are
 * in memory (no Ref is made), written into `out` from index 0; returns how many.
 */
function reachable(instance: object, meta: EntityMetadata, out: object[]): number {
  const plan = savePlanOf(meta);
  let n = 0;
  for (let i = 0; i < plan.toOne.length; i++) {
    const target = relatedInstance(plan.toOne[i]!.peek(instance));
    if (target !== undefined) out[n++] = target;
  }
  const others = plan.others;
  for (let i = 0; i < others.length; i++) {
    const value = (instance as Row)[others[i]!.name];
    if (value instanceof Collection) {
      if (value.isLoaded) {
        const items = value.items!;
        for (let k = 0; k < items.length; k++) out[n++] = items[k]!;
      }
    } else if (value instanceof Ref) {
      if (value.value !== undefined) out[n++] = value.value;
    } else if (value !== null && typeof value === 'object') out[n++] = value;
  }
  return n;
}

/**
 * Add to the session every new object `root` reaches through `save` cascades. Only objects
 * that join now are walked further: one already in the session was walked when it joined, and
 * what is attached to it later cascades as it is attached (so adding n children of one parent
 * costs n, not n²).
 */
export function cascadeSaves(uow: UnitOfWork, root: object): void {
  // The work arrays are reused from call to call (one call per added object), with their own
  // counts: `length = 0` would drop their storage, reallocated by the next call's first push.
  // A call made while one runs (a join that assigns a relationship) gets its own.
  const buffers = spareBuffers ?? { stack: [], found: [] };
  spareBuffers = undefined;
  const { stack, found } = buffers;
  let top = 0;
  let stackUsed = 1;
  let foundUsed = 0;
  stack[top++] = root;
  try {
    while (top > 0) {
      const instance = stack[--top]!;
      const state = uow.stateIn(instance);
      if (state === undefined) continue;
      const n = reachable(instance, state.meta, found);
      if (n > foundUsed) foundUsed = n;
      for (let i = 0; i < n; i++) {
        const target = found[i]!;
        const s = stateOf(target);
        if (s !== undefined && s.session === uow.host) {
          const status = s.status;
          if (status === 'pending' || status === 'persistent') continue;
        }
        if (uow.join(target)) {
          stack[top++] = target;
          if (top > stackUsed) stackUsed = top;
        }
      }
    }
  } finally {
    // Keep the storage, not the objects (a finished session's objects must not stay reachable
    // from here), unless a large cascade grew it.
    clear(stack, stackUsed);
    clear(found, foundUsed);
    spareBuffers = buffers;
  }
}

function clear(buffer: object[], used: number): void {
  if (used > 1024) buffer.length = 0;
  else buffer.fill(undefined as never, 0, used);
}

let spareBuffers: { readonly stack: object[]; readonly found: object[] } | undefined;

/**
 * The objects of this session `root` reaches through relationships cascading `option`, as far
 * as memory holds them (loaded collections, loaded Refs), `root` excluded. What is not loaded
 * is not followed: refresh and expunge act on the objects in hand.
 */
export function cascadeReach(uow: UnitOfWork, root: object, option: 'refresh' | 'expunge'): object[] {
  const seen = new Set<object>([root]);
  const out: object[] = [];
  const stack = [root];
  const found: object[] = [];
  while (stack.length > 0) {
    const instance = stack.pop()!;
    const state = uow.stateIn(instance);
    if (state === undefined) continue;
    found.length = 0;
    for (const r of state.meta.relations) if (r.cascade.has(option)) loadedTargets(instance, state.meta, r, found);
    for (const target of found) {
      if (seen.has(target)) continue;
      seen.add(target);
      const s = uow.stateIn(target);
      if (s === undefined || (s.status !== 'pending' && s.status !== 'persistent')) continue;
      out.push(target);
      stack.push(target);
    }
  }
  return out;
}

/** What one relationship of `instance` holds in memory (no Ref is made from a foreign key). */
function loadedTargets(instance: object, meta: EntityMetadata, r: RelationProperty, out: object[]): void {
  const value = r.joinColumns.length > 0 ? toOneAccess(meta, r).stored(instance) : (instance as Row)[r.name];
  if (value instanceof Collection) {
    if (value.isLoaded) out.push(...value.items!);
  } else if (value instanceof Ref) {
    if (value.value !== undefined) out.push(value.value);
  } else if (value !== null && typeof value === 'object') out.push(value);
}

/** Reads the rows of persistent objects of one class by primary key (no autoflush); the hydrated objects. */
export type KeyedReader = (meta: EntityMetadata, keys: readonly unknown[]) => Promise<unknown>;

/**
 * The `refresh` cascade: the objects a refreshed one reached (`cascadeReach`, taken before its
 * reload resets its collections) are expired (their unflushed changes dropped) and read back,
 * one statement per class (and chunk of keys), so each is overwritten from its row. Pending
 * objects are left alone: there is no row to read. Returns the objects whose row was not found
 * (deleted meanwhile by another connection): still expired, they are the caller's to remove.
 */
export async function refreshReached(uow: UnitOfWork, reached: readonly object[], read: KeyedReader): Promise<object[]> {
  const byClass = new Map<EntityMetadata, unknown[]>();
  const expired: [object, InstanceState][] = [];
  for (const target of reached) {
    const state = uow.stateIn(target)!;
    if (state.status !== 'persistent') continue;
    const key = keyOfInstance(target, state.meta);
    if (key === undefined) continue;
    state.expired = true;
    uow.discardWrites(target);
    expired.push([target, state]);
    let keys = byClass.get(state.meta);
    if (keys === undefined) byClass.set(state.meta, (keys = []));
    keys.push(key);
  }
  for (const [meta, keys] of byClass) {
    for (let i = 0; i < keys.length; i += REFRESH_CHUNK) await read(meta, keys.slice(i, i + REFRESH_CHUNK));
  }
  // A row read back clears its object's expired flag (the hydrator reloads it): the rest had no row.
  return expired.filter(([, state]) => state.expired).map(([target]) => target);
}

const REFRESH_CHUNK = 500;

/**
 * An object whose row vanished leaves the loaded collections that hold it: its parents'
 * one-to-many collections and the other side of its loaded many-to-many ones; and a loaded
 * inverse one-to-one that pointed at it (`author.profile`, the vanished profile holding the
 * key) reads null, the row that linked them being gone. Stored as loaded values are, with no
 * change recorded (nothing is left to write), and not journaled as a flush's changes are: a
 * rollback cannot bring the row back, so neither does it the item or the link.
 */
export function dropFromCollections(instance: object, state: InstanceState): void {
  for (const r of state.meta.relations) {
    const inverse = r.inverse;
    if (inverse === undefined) continue;
    if (r.joinColumns.length > 0 && inverse.relation === 'oneToMany') {
      const value = toOneAccess(state.meta, r).stored(instance);
      if (value instanceof Ref && value.value !== undefined) dropLoaded((value.value as Row)[inverse.name], instance);
    } else if (r.joinColumns.length > 0 && inverse.relation === 'oneToOne') {
      // read, not stored: a link never made into a Ref still designates the target by its key.
      const target = targetOf(toOneAccess(state.meta, r).read(instance), r, trackerOf(state));
      const back = target === undefined ? undefined : (target as Row)[inverse.name];
      if (back instanceof Ref && pointsAt(back, instance, state.meta)) storeInverseOne(target!, inverse, null);
    } else if (r.relation === 'manyToMany') {
      const value = (instance as Row)[r.name];
      if (value instanceof Collection && value.isLoaded) for (const other of value.items!) dropLoaded((other as Row)[inverse.name], instance);
    }
  }
}

/** Whether a Ref designates `instance`: holds it, or (unresolved) has its key. */
function pointsAt(ref: Ref<object, unknown>, instance: object, meta: EntityMetadata): boolean {
  if (ref.value !== undefined) return ref.value === instance;
  const mine = keyParts(meta, keyOfInstance(instance, meta));
  const theirs = keyParts(meta, ref.key);
  return mine !== undefined && theirs !== undefined && identityOf(mine) === identityOf(theirs);
}

function dropLoaded(collection: unknown, item: object): void {
  if (collection instanceof Collection && collection.isLoaded) collection.dropItem(item);
}

/** A filter matching the rows of these primary-key values (`keyOfInstance` values). */
export function keysWhere(meta: EntityMetadata, keys: readonly unknown[]): Where<object> {
  const pk = meta.primaryKey;
  return (pk.length === 1 ? { [pk[0]!.name]: { in: keys } } : { or: keys }) as Where<object>;
}

/**
 * Before a flush: orphans that found no new parent become deletes, then deletes cascade
 * along `delete` relationships (children loaded where their collection is not).
 */
export async function resolveDeletes(uow: UnitOfWork, load: ChildLoader): Promise<void> {
  for (const [child, relation] of uow.orphans) {
    const state = uow.stateIn(child);
    if (state === undefined) continue;
    const parent = readToOne(child, state.meta, relation);
    if (parent === null || parent === undefined) uow.markDeleted(child, state);
  }
  uow.orphans.clear();
  let frontier = [...uow.deleted];
  const done = new Set<object>();
  while (frontier.length > 0) {
    const next: object[] = [];
    const byRelation = new Map<RelationProperty, object[]>();
    for (const instance of frontier) {
      if (done.has(instance)) continue;
      done.add(instance);
      const state = stateOf(instance);
      if (state === undefined) continue;
      const children: object[] = [];
      for (const r of state.meta.relations) {
        if (!r.cascade.has('delete')) continue;
        const inMemory = childrenInMemory(instance, state, r);
        if (inMemory !== undefined) children.push(...inMemory);
        else if (state.status === 'persistent' || uow.deleted.has(instance)) {
          let parents = byRelation.get(r);
          if (parents === undefined) byRelation.set(r, (parents = []));
          parents.push(instance);
        }
      }
      for (const child of children) deleteChild(uow, child, next);
    }
    for (const [relation, parents] of byRelation) {
      if (relation.relation === 'manyToMany' || relation.joinColumns.length > 0) {
        throw new NotLoadedError(
          `${relation.name}: deleting ${parents.length} ${parents[0]!.constructor.name} object(s) cascades to ${relation.target.name} along ${relation.name}, which is not loaded. Load it before deleting.`,
        );
      }
      for (const child of await load(relation, parents)) deleteChild(uow, child, next);
    }
    frontier = next;
  }
}

function deleteChild(uow: UnitOfWork, child: object, next: object[]): void {
  const state = uow.stateIn(child);
  if (state === undefined) return;
  if (state.status === 'pending') {
    // A new child of a deleted parent is never inserted; its own children go with it.
    next.push(child);
    uow.markDeleted(child, state);
    return;
  }
  if (state.status !== 'persistent' || uow.deleted.has(child)) return;
  uow.markDeleted(child, state);
  next.push(child);
}

/** The children of one relationship, when memory holds them (undefined: they must be loaded). */
function childrenInMemory(instance: object, state: InstanceState, r: RelationProperty): object[] | undefined {
  if (r.joinColumns.length > 0) {
    const value = readToOne(instance, state.meta, r);
    if (value === null || value === undefined) return [];
    if (value.value !== undefined) return [value.value];
    return undefined;
  }
  const value = (instance as Row)[r.name];
  if (value instanceof Collection) return value.isLoaded ? [...value.items!] : undefined;
  if (value instanceof Ref) return value.isLoaded ? (value.value === undefined ? [] : [value.value]) : undefined;
  if (value === null) return [];
  if (value !== undefined && typeof value === 'object') return [value];
  // A pending object's unset relationship has no rows; a persistent one's is simply not loaded.
  return state.status === 'pending' ? [] : undefined;
}

/** `delete` of a pending object: it leaves the session, with the pending children it cascades `delete` to. */
export function dropPending(uow: UnitOfWork, root: object): void {
  const stack = [root];
  while (stack.length > 0) {
    const instance = stack.pop()!;
    const state = uow.stateIn(instance);
    if (state === undefined || state.status !== 'pending') continue;
    const children: object[] = [];
    for (const r of state.meta.relations) if (r.cascade.has('delete')) children.push(...(childrenInMemory(instance, state, r) ?? []));
    uow.markDeleted(instance, state);
    stack.push(...children);
  }
}
