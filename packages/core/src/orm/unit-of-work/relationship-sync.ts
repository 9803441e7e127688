import { InvalidArgumentError } from '../../errors/errors';
import { identityOf } from '../identity/identity-key';
import { type InstanceState, stateOf } from '../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { registryOf } from '../metadata/registry';
import { Collection, setCollectionHooks } from '../relations/collection';
import { describeKey, Ref, ref, setInstanceKeyReader } from '../relations/ref';
import { rootOf } from './row-links';
import { adoptOwnValues, installAccessors, markOurs, setInverseOneDescriptor, setToOneWriter } from './tracking/accessors';
import { type ChangeTracker, trackerOf } from './tracking/change-tracker';
import { readToOne, toOneAccess } from './tracking/to-one';
import type { UnitOfWork } from './unit-of-work';

/**
 * Both sides of a relationship kept in step in memory, as the application changes one:
 * `post.author = user` (or `ref(User, 1)`) also moves the post into `user.posts` when that
 * collection is loaded (and out of the previous author's); `user.posts.add(post)` sets
 * `post.author`; many-to-many collections update each other and record the association rows.
 * The unit of work hears of each change (foreign keys to write, links, orphans, new objects to
 * cascade into the session).
 */

type Row = Record<string, unknown>;

/** The metadata of an entity instance (its session state's, or its class's); undefined for a non-entity. */
export function metaOfInstance(instance: object): EntityMetadata | undefined {
  const state = stateOf(instance);
  if (state !== undefined) return state.meta;
  const cls = (instance as { constructor?: Function }).constructor;
  // New objects are looked up several times each as they are built and added (a user, its
  // posts, the next user…): the last two classes found are kept (a class's metadata, once
  // configured, never changes).
  if (cls === lastClasses[0]) return lastMetas[0];
  if (cls === lastClasses[1]) return lastMetas[1];
  const meta = typeof cls === 'function' ? registryOf(cls)?.find(cls) : undefined;
  if (meta !== undefined) {
    lastClasses[1] = lastClasses[0];
    lastMetas[1] = lastMetas[0];
    lastClasses[0] = cls;
    lastMetas[0] = meta;
  }
  return meta;
}

const lastClasses: (Function | undefined)[] = [undefined, undefined];
const lastMetas: (EntityMetadata | undefined)[] = [undefined, undefined];

/** An instance's primary-key value (an object of the key properties for a composite key); undefined while incomplete. */
export function keyOfInstance(instance: object, meta = metaOfInstance(instance)): unknown {
  if (meta === undefined) return undefined;
  const pk = meta.primaryKey;
  if (pk.length === 1) {
    const v = (instance as Row)[pk[0]!.name];
    return v === null ? undefined : v;
  }
  const key: Row = {};
  for (const c of pk) {
    const v = (instance as Row)[c.name];
    if (v === undefined || v === null) return undefined;
    key[c.name] = v;
  }
  return key;
}

setInstanceKeyReader((entity) => keyOfInstance(entity));

/**
 * Make sure an instance's class has its accessors and the instance keeps its values in its
 * storage (objects made before the class was first used, or with own fields). Relationship
 * changes may meet classes no session has seen yet.
 */
function tracked(instance: object, meta: EntityMetadata): void {
  installAccessors(meta);
  adoptOwnValues(instance, meta);
}

/** A to-one key (single value or key object) as primary-key values in key order; undefined when incomplete. */
export function keyParts(target: EntityMetadata, key: unknown): unknown[] | undefined {
  if (key === undefined || key === null) return undefined;
  const pk = target.primaryKey;
  if (pk.length === 1) return [key];
  const parts = pk.map((c) => (key as Row)[c.name]);
  return parts.some((p) => p === undefined || p === null) ? undefined : parts;
}

/** The object a to-one value designates: the Ref's entity, else the session's object with that key. */
export function targetOf(value: Ref<object, unknown> | null | undefined, relation: RelationProperty, tracker: ChangeTracker | undefined): object | undefined {
  if (value === null || value === undefined) return undefined;
  if (value.value !== undefined) return value.value;
  if (tracker === undefined) return undefined;
  const parts = keyParts(relation.target, value.key);
  return parts === undefined ? undefined : tracker.lookup(rootOf(relation.target), identityOf(parts));
}

/** A Ref to the entity `target`, placed in `holder[property]` (its key as the entity holds it now). */
function refTo(target: object, holder: object, property: string): Ref<object, unknown> {
  return ref(target).bind(holder, property);
}

/** Whether two to-one values designate the same row (or the same new object). */
function sameTarget(a: Ref<object, unknown> | null | undefined, b: Ref<object, unknown> | null | undefined, relation: RelationProperty): boolean {
  if (a === null || a === undefined || b === null || b === undefined) return (a ?? null) === (b ?? null);
  if (a.value !== undefined && a.value === b.value) return true;
  const ka = keyParts(relation.target, a.value !== undefined ? keyOfInstance(a.value) : a.key);
  const kb = keyParts(relation.target, b.value !== undefined ? keyOfInstance(b.value) : b.key);
  return ka !== undefined && kb !== undefined && identityOf(ka) === identityOf(kb);
}

/** What may be assigned to a to-one relationship, as a Ref bound to it (or null). */
function normalize(owner: object, relation: RelationProperty, value: unknown, tracker: ChangeTracker | undefined): Ref<object, unknown> | null {
  if (value === null || value === undefined) return null;
  const target = relation.target;
  if (value instanceof Ref) {
    if (value.entity !== target.class && !(value.entity.prototype instanceof target.class)) {
      throw new InvalidArgumentError(`${owner.constructor.name}.${relation.name} is a relationship to ${target.name}; got a Ref to ${value.entity.name}.`);
    }
    let ref = value as Ref<object, unknown>;
    if (ref.owner !== undefined && (ref.owner !== owner || ref.property !== relation.name)) {
      // A Ref belongs to one relationship: assigning another object's makes a copy.
      ref = new Ref<object, unknown>(ref.entity, ref.key, ref.value);
    }
    if (ref.value === undefined && tracker !== undefined) {
      const held = targetOf(ref, relation, tracker);
      if (held !== undefined && held instanceof ref.entity) ref.resolve(held);
    }
    return ref.bind(owner, relation.name);
  }
  if (typeof value === 'object' && value instanceof target.class) {
    return refTo(value, owner, relation.name);
  }
  const got = typeof value === 'object' ? (value.constructor?.name ?? 'object') : `${typeof value} ${describeKey(value)}`;
  throw new InvalidArgumentError(`${owner.constructor.name}.${relation.name}: assign a ${target.name}, a Ref to one (ref(${target.name}, id)), or null; got ${got}.`);
}

function inSession(state: InstanceState | undefined): boolean {
  const status = state?.status;
  return status === 'pending' || status === 'persistent';
}

/**
 * `owner[relation] = value` for an owning to-one relationship: store it, keep the inverse side
 * in step, and tell the unit of work (foreign key changed, orphan, object to cascade).
 */
export function assignToOne(owner: object, meta: EntityMetadata, relation: RelationProperty, value: unknown): void {
  const state = stateOf(owner);
  const tracker = inSession(state) ? trackerOf(state) : undefined;
  const next = normalize(owner, relation, value, tracker);
  const access = toOneAccess(meta, relation);
  const previous = access.read(owner);
  access.write(owner, next);
  if (sameTarget(previous, next, relation)) return;
  if (tracker !== undefined && state!.status === 'persistent') tracker.relationChanged(owner, state!, relation);
  const before = targetOf(previous, relation, tracker);
  const after = targetOf(next, relation, tracker);
  backPopulate(owner, relation, before, after);
  if (tracker === undefined) return;
  if (previous !== null && previous !== undefined && relation.inverse?.cascade.has('delete-orphan')) tracker.orphaned(owner, relation);
  if (after !== undefined && relation.cascade.has('save')) tracker.cascadeAdd(after);
}

/** The inverse side of an owning to-one follows: the parent's collection, or an inverse one-to-one. */
function backPopulate(owner: object, relation: RelationProperty, before: object | undefined, after: object | undefined): void {
  const inverse = relation.inverse;
  if (inverse === undefined) return;
  if (inverse.relation === 'oneToMany') {
    // An unloaded collection remembers the change, to apply it to the rows when it loads.
    if (before !== undefined && before !== after) {
      const c = (before as Row)[inverse.name];
      if (c instanceof Collection && !c.isLoaded) c.dropItem(owner);
      else if (c instanceof Collection && c.items!.includes(owner)) {
        trackerOf(stateOf(before))?.collectionChanging(c);
        c.dropItem(owner);
      }
    }
    if (after !== undefined) {
      const c = (after as Row)[inverse.name];
      if (c instanceof Collection && !c.isLoaded) c.pushItem(owner);
      else if (c instanceof Collection && !c.items!.includes(owner)) {
        trackerOf(stateOf(after))?.collectionChanging(c);
        c.pushItem(owner);
      }
    }
    return;
  }
  // An inverse one-to-one (mappedBy): a plain property of the target.
  if (before !== undefined && before !== after) {
    const back = (before as Row)[inverse.name];
    if (back instanceof Ref && back.value === owner) (before as Row)[inverse.name] = null;
  }
  if (after !== undefined) {
    (after as Row)[inverse.name] = refTo(owner, after, inverse.name);
  }
}

/** The values of inverse one-to-one properties (`user.profile`): a Ref, null (none), or absent (not loaded). */
const inverseOnes = new Map<string, WeakMap<object, Ref<object, unknown> | null>>();

/** By property name (a single-table subclass's relationship is a copy of its parent's), then owner. */
function inverseStore(relation: RelationProperty): WeakMap<object, Ref<object, unknown> | null> {
  let store = inverseOnes.get(relation.name);
  if (store === undefined) inverseOnes.set(relation.name, (store = new WeakMap()));
  return store;
}

/**
 * `owner[relation] = value` for an inverse one-to-one (`user.profile = profile`, Profile owning
 * `user_id`): the owning side follows, as `post.author = user` moves the post between
 * collections. The new target's to-one is set to `owner` (its foreign key written at flush;
 * the user it was linked to loses it), and the previous target's is cleared. When the previous
 * target was never loaded, the unit of work finds it at the next flush (one statement per
 * relationship) and clears it then. Loaders store what they found with storeInverseOne
 * instead: a load changes nothing.
 */
export function assignInverseOne(owner: object, relation: RelationProperty, value: unknown): void {
  const state = stateOf(owner);
  const tracker = inSession(state) ? trackerOf(state) : undefined;
  const next = normalize(owner, relation, value, tracker);
  const store = inverseStore(relation);
  const previous = store.get(owner);
  store.set(owner, next);
  const inverse = relation.inverse;
  // Unknown before (not loaded): even null may replace a row's link.
  if (inverse === undefined || (previous !== undefined && sameTarget(previous, next, relation))) return;
  const before = targetOf(previous, relation, tracker);
  const after = targetOf(next, relation, tracker);
  if (before !== undefined && before !== after) {
    const beforeMeta = metaOfInstance(before)!;
    const current = readToOne(before, beforeMeta, inverse);
    if (current !== null && current !== undefined && (current.value === owner || targetOf(current, inverse, trackerOf(stateOf(before))) === owner)) {
      assignToOne(before, beforeMeta, inverse, null);
    }
  } else if (previous === undefined && state?.status === 'persistent' && tracker !== undefined) {
    // Which row links to the owner now is not known here: the flush looks it up.
    (tracker as UnitOfWork).inverseReplaced(owner, relation);
  }
  if (after === undefined) return;
  if (tracker !== undefined && relation.cascade.has('save')) tracker.cascadeAdd(after);
  const afterMeta = metaOfInstance(after)!;
  tracked(after, afterMeta);
  assignToOne(after, afterMeta, inverse, owner);
}

/** Store a loaded inverse one-to-one value (a Ref bound to it, or null) without any bookkeeping. */
export function storeInverseOne(owner: object, relation: RelationProperty, value: Ref<object, unknown> | null): void {
  const meta = metaOfInstance(owner);
  if (meta !== undefined) installAccessors(meta);
  inverseStore(relation).set(owner, value);
}

setInverseOneDescriptor((_meta, relation) => {
  const store = inverseStore(relation);
  const get = function get(this: object): unknown {
    return store.get(this);
  };
  markOurs(get);
  return {
    configurable: true,
    enumerable: true,
    get,
    set(this: object, value: unknown): void {
      assignInverseOne(this, relation, value);
    },
  };
});

/**
 * A flush found `child` linked to one of `owners` whose inverse one-to-one (`relation`) was
 * since pointed elsewhere: the child's link is cleared (it may become an orphan).
 */
export function unlinkReplaced(child: object, relation: RelationProperty, owners: ReadonlySet<object>): void {
  const inverse = relation.inverse;
  if (inverse === undefined) return;
  const childMeta = metaOfInstance(child)!;
  const link = readToOne(child, childMeta, inverse);
  const owner = link?.value ?? targetOf(link, inverse, trackerOf(stateOf(child)));
  if (owner === undefined || !owners.has(owner)) return;
  const current = inverseStore(relation).get(owner);
  if (current?.value === child) return;
  assignToOne(child, childMeta, inverse, null);
}

/** The to-many property of its owner that holds `collection` (kept apart: its closure would cost every relationOf call). */
function propertyHolding(meta: EntityMetadata, collection: Collection<object>): string | undefined {
  const owner = collection.owner as Row;
  return meta.relations.find((r) => (r.relation === 'oneToMany' || r.relation === 'manyToMany') && owner[r.name] === collection)?.name;
}

/** The relationship a Collection holds (see relationIn). */
function relationOf(collection: Collection<object>): RelationProperty | undefined {
  const meta = metaOfInstance(collection.owner);
  return meta === undefined ? undefined : relationIn(meta, collection);
}

/**
 * The relationship of `meta` (its owner's class) a Collection holds, binding it to its property
 * when it was created by a field initializer. Returns the relationship alone: called per item
 * added, a result object would be garbage per item.
 */
function relationIn(meta: EntityMetadata, collection: Collection<object>): RelationProperty | undefined {
  let name = collection.property;
  if (name === undefined) {
    name = propertyHolding(meta, collection);
    if (name === undefined) return undefined;
    collection.bind(name);
  }
  let relation: RelationProperty | undefined;
  const relations = meta.relations;
  for (let i = 0; i < relations.length; i++) {
    if (relations[i]!.name === name) {
      relation = relations[i];
      break;
    }
  }
  return relation;
}

function checkItem(meta: EntityMetadata, relation: RelationProperty, item: object): EntityMetadata {
  const itemMeta = item !== null && typeof item === 'object' && item instanceof relation.target.class ? metaOfInstance(item) : undefined;
  if (itemMeta === undefined) {
    const got = item === null || typeof item !== 'object' ? String(item) : (item as object).constructor?.name ?? 'object';
    throw new InvalidArgumentError(`${meta.name}.${relation.name} holds ${relation.target.name} entities; got ${got}.`);
  }
  return itemMeta;
}

/** The owning side of a many-to-many change, as (relation, owner, target). */
function owning(relation: RelationProperty, owner: object, item: object): [RelationProperty, object, object] | undefined {
  if (relation.owner) return [relation, owner, item];
  return relation.inverse === undefined ? undefined : [relation.inverse, item, owner];
}

/** The owner's session's tracker, when the owner is in an open session. */
function ownerTracker(owner: object): ChangeTracker | undefined {
  const state = stateOf(owner);
  return inSession(state) ? trackerOf(state) : undefined;
}

// added/removed read the relationship, the item's class and the tracker inline rather than
// through a shared helper returning them together: that object would be garbage per item.
function added(collection: Collection<object>, item: object): void {
  const owner = collection.owner;
  const meta = metaOfInstance(owner);
  if (meta === undefined) return;
  const relation = relationIn(meta, collection);
  if (relation === undefined) return;
  const itemMeta = checkItem(meta, relation, item);
  tracked(item, itemMeta);
  const tracker = ownerTracker(owner);
  if (relation.relation === 'oneToMany') {
    const inverse = relation.inverse;
    if (inverse !== undefined && !setNewParent(collection, item, itemMeta, inverse)) assignToOne(item, itemMeta, inverse, owner);
  } else {
    const back = relation.inverse === undefined ? undefined : (item as Row)[relation.inverse.name];
    if (back instanceof Collection && back.isLoaded && !back.items!.includes(owner)) {
      trackerOf(stateOf(item))?.collectionChanging(back);
      back.pushItem(owner);
    }
    const link = owning(relation, owner, item);
    if (tracker !== undefined && link !== undefined) tracker.association(link[0], link[1], link[2], 'link');
  }
  if (tracker !== undefined && relation.cascade.has('save')) tracker.cascadeAdd(item);
}

/**
 * `parent.children.add(child)` while a new tree is built: parent and child in no session, the
 * child pointing nowhere yet. Its to-one holds the parent directly (its Ref is made on first
 * read, see tracking/to-one.ts); everything else assignToOne does is then a no-op (no session
 * to tell; the collection already holds the child, so there is nothing to back-populate).
 * Returns false when the general path is needed.
 */
function setNewParent(collection: Collection<object>, item: object, itemMeta: EntityMetadata, inverse: RelationProperty): boolean {
  const owner = collection.owner;
  if (!collection.isLoaded || stateOf(owner) !== undefined || stateOf(item) !== undefined) return false;
  const access = toOneAccess(itemMeta, inverse);
  const current = access.read(item);
  if (current !== null && current !== undefined) return false;
  access.hold(item, owner);
  return true;
}

function removed(collection: Collection<object>, item: object): void {
  const owner = collection.owner;
  const meta = metaOfInstance(owner);
  if (meta === undefined) return;
  const relation = relationIn(meta, collection);
  if (relation === undefined) return;
  const itemMeta = checkItem(meta, relation, item);
  tracked(item, itemMeta);
  const tracker = ownerTracker(owner);
  if (relation.relation === 'oneToMany') {
    const inverse = relation.inverse;
    if (inverse === undefined) return;
    const current = readToOne(item, itemMeta, inverse);
    if (current !== null && current !== undefined && (current.value === owner || targetOf(current, inverse, tracker) === owner)) {
      assignToOne(item, itemMeta, inverse, null);
    } else if (tracker !== undefined && relation.cascade.has('delete-orphan')) tracker.orphaned(item, inverse);
    return;
  }
  const back = relation.inverse === undefined ? undefined : (item as Row)[relation.inverse.name];
  if (back instanceof Collection && back.isLoaded && back.items!.includes(owner)) {
    trackerOf(stateOf(item))?.collectionChanging(back);
    back.dropItem(owner);
  }
  const link = owning(relation, owner, item);
  if (tracker !== undefined && link !== undefined) tracker.association(link[0], link[1], link[2], 'unlink');
}

setCollectionHooks({
  changing(collection) {
    const state = stateOf(collection.owner);
    if (state?.status === 'persistent') trackerOf(state)?.collectionChanging(collection);
  },
  added,
  removed,
  addsUnloaded(collection) {
    return relationOf(collection)?.relation === 'oneToMany';
  },
  holds(collection, item) {
    const relation = relationOf(collection);
    const inverse = relation?.inverse;
    if (relation === undefined || relation.relation !== 'oneToMany' || inverse === undefined) return true;
    const itemMeta = metaOfInstance(item);
    if (itemMeta === undefined) return false;
    const current = readToOne(item, itemMeta, inverse);
    if (current === null || current === undefined) return false;
    const owner = collection.owner;
    return current.value === owner || targetOf(current, inverse, trackerOf(stateOf(owner))) === owner;
  },
  created(owner) {
    let meta: EntityMetadata | undefined;
    try {
      meta = metaOfInstance(owner);
    } catch {
      // The registry cannot configure yet (entity modules still loading): the session sets the class up later.
      return;
    }
    if (meta !== undefined) installAccessors(meta);
  },
});

setToOneWriter(assignToOne);
