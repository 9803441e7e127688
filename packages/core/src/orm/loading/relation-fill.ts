import type { IdentityKey } from '../identity/identity-key';
import { stateOf } from '../identity/instance-state';
import type { LoadingStrategy, RelationProperty } from '../metadata/entity-metadata';
import { Collection } from '../relations/collection';
import { Ref } from '../relations/ref';
import { storeInverseOne } from '../unit-of-work/relationship-sync';
import type { LoadNode } from './load-plan';
import { identityOfValues, refValues } from './relation-keys';

/**
 * Putting loaded objects into relationship containers. Only containers that are not loaded
 * are filled: a collection already loaded (perhaps changed and not flushed) and a Ref already
 * resolved or pointed elsewhere keep what they hold, and no column value of an object the
 * session already holds is touched (hydration returns held objects as they are).
 */

/** Strategies given by a query for one container (`raise`, `lazy`, `noload`), with the path for messages. */
export interface ContainerMark {
  readonly strategy: LoadingStrategy;
  readonly path: string;
  readonly root: string;
}

const marks = new WeakMap<object, ContainerMark>();

/** The strategy governing a container's own `load()`: the query's, else the relationship's default. */
export function markOf(container: object): ContainerMark | undefined {
  return marks.get(container);
}

/** Record the strategy a query gave a relationship on each owner's container. */
export function markContainers(owners: readonly object[], node: LoadNode): void {
  const name = node.relation.name;
  const mark: ContainerMark = { strategy: node.strategy, path: node.path, root: node.root.name };
  for (const owner of owners) {
    const c = (owner as Record<string, unknown>)[name];
    if (c instanceof Collection || c instanceof Ref) marks.set(c, mark);
  }
}

/** The identity of a managed object (its key in the identity map), if it has one. */
function identityOfObject(o: object): IdentityKey | undefined {
  return stateOf(o)?.key;
}

/** The identity of the object a Ref points to, from its key; undefined for an incomplete key. */
export function refIdentity(relation: RelationProperty, ref: Ref<object, unknown>): IdentityKey | undefined {
  const values = refValues(relation, ref);
  return values === undefined ? undefined : identityOfValues(values);
}

/** Whether the collection of `owner` for `r` waits to be loaded. */
function collectionToLoad(owner: object, relation: RelationProperty): Collection<object> | undefined {
  const c = (owner as Record<string, unknown>)[relation.name];
  return c instanceof Collection && !c.isLoaded ? c : undefined;
}

/** Fill `owner`'s collection with `items` if it is not loaded yet, and point each item's inverse Ref back at `owner`. */
export function fillCollection(owner: object, relation: RelationProperty, items: object[]): void {
  const c = collectionToLoad(owner, relation);
  if (c === undefined) return;
  c.resolve(items);
  const inverse = relation.inverse;
  if (inverse === undefined || inverse.joinColumns.length === 0 || items.length === 0) return;
  const key = identityOfObject(owner);
  if (key === undefined) return;
  for (const item of items) resolveRef(item, inverse, owner, key);
}

/** Resolve `owner[relation]` (an owning to-one) to `target` when it is unloaded and holds target's key. */
export function resolveRef(owner: object, relation: RelationProperty, target: object, targetKey: IdentityKey | undefined = identityOfObject(target)): boolean {
  const ref = (owner as Record<string, unknown>)[relation.name];
  if (!(ref instanceof Ref) || ref.loaded || targetKey === undefined) return false;
  if (refIdentity(relation, ref) !== targetKey) return false;
  ref.resolve(target);
  return true;
}

/**
 * The inverse side of a one-to-one (`user.profile`, no key on this side): set to a loaded Ref
 * to `target`, or to null when there is none, unless the property already holds something.
 */
export function fillInverseOne(owner: object, relation: RelationProperty, target: object | null): void {
  const values = owner as Record<string, unknown>;
  if (values[relation.name] !== undefined) return;
  // Stored without the assignment's bookkeeping: what was loaded changes nothing.
  if (target === null) {
    storeInverseOne(owner, relation, null);
    return;
  }
  const state = stateOf(target);
  const key = state === undefined ? undefined : keyObject(relation, target);
  storeInverseOne(owner, relation, new Ref(relation.target.class, key, target).bind(owner, relation.name));
  const inverse = relation.inverse;
  const ownerKey = identityOfObject(owner);
  if (inverse !== undefined && inverse.joinColumns.length > 0 && ownerKey !== undefined) resolveRef(target, inverse, owner, ownerKey);
}

/** A Ref key for `target`: its key value, or an object of its key properties for a composite key. */
function keyObject(relation: RelationProperty, target: object): unknown {
  const pk = relation.target.primaryKey;
  const values = target as Record<string, unknown>;
  if (pk.length === 1) return values[pk[0]!.name];
  const key: Record<string, unknown> = {};
  for (const c of pk) key[c.name] = values[c.name];
  return key;
}

/** Whether `owner`'s container for `relation` still waits to be loaded. */
export function needsLoad(owner: object, relation: RelationProperty, toOne: boolean): boolean {
  const value = (owner as Record<string, unknown>)[relation.name];
  if (toOne) return relation.joinColumns.length > 0 ? value instanceof Ref && !value.loaded : value === undefined;
  return value instanceof Collection && !value.isLoaded;
}

/** What `owner` holds for `relation` now: the items of a loaded collection, the loaded entity of a Ref. */
function contentsOf(owner: object, relation: RelationProperty, out: object[]): void {
  const value = (owner as Record<string, unknown>)[relation.name];
  if (value instanceof Collection) {
    if (value.isLoaded) for (const item of value.getItems()) out.push(item);
  } else if (value instanceof Ref) {
    if (value.loaded && value.value !== undefined) out.push(value.value);
  }
}

/** The distinct persistent objects the owners' containers hold for `relation`: the next level to load. */
export function nextLevel(owners: readonly object[], relation: RelationProperty): object[] {
  const all: object[] = [];
  for (const o of owners) contentsOf(o, relation, all);
  if (all.length < 2) return all.filter(persistent);
  const seen = new Set<object>();
  const out: object[] = [];
  for (const o of all) {
    if (seen.has(o) || !persistent(o)) continue;
    seen.add(o);
    out.push(o);
  }
  return out;
}

function persistent(o: object): boolean {
  return stateOf(o)?.key !== undefined;
}
