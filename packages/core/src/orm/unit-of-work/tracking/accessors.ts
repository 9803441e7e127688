import { inspect } from 'node:util';
import { MappingError } from '../../../errors/errors';
import { arrayFiller } from '../../../runtime/array-literals';
import { stateOf } from '../../identity/instance-state';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../../metadata/entity-metadata';
import { foreignKeyRelations } from '../row-links';
import { trackerOf } from './change-tracker';
import { equalityOf } from './equality';
import { inspectEntity, entityToJSON } from './serialize';
import { type Storage, storageOf } from './storage';
import { toOneAccess } from './to-one';

/**
 * Accessors on each entity class's prototype, one per mapped column property and per owning
 * to-one relationship, installed from the metadata the first time a session meets the class
 * (hydration or `add`), one of its instances creates a Collection, or a class related to it
 * is installed. Values live in the instance's storage (see storage.ts); a write that
 * changes a value of a persistent instance is reported to its session's unit of work as it
 * happens, so a flush visits the changed objects only.
 *
 * Because the values are not own properties, `Object.keys(entity)` and `{ ...entity }` do not
 * list columns; `JSON.stringify(entity)` does (a `toJSON` is installed unless the class has
 * one), `console.log(entity)` does (`util.inspect.custom`), and `toObject(entity)` (or
 * `session.toObject`) gives a plain object.
 */

const installed = new WeakSet<EntityMetadata>();

/** What a to-one setter does: store the value and keep both sides in step (relationship-sync.ts registers it). */
export type ToOneWriter = (owner: object, meta: EntityMetadata, relation: RelationProperty, value: unknown) => void;

let assignToOne: ToOneWriter = () => {
  throw new Error('Athanor: relationship sync is not loaded (import @athanor/core).');
};

/** @internal */
export function setToOneWriter(writer: ToOneWriter): void {
  assignToOne = writer;
}

/** The accessor of an inverse one-to-one property (`user.profile`), made by relationship-sync.ts. */
let inverseOneDescriptor: ((meta: EntityMetadata, relation: RelationProperty) => PropertyDescriptor) | undefined;

/** @internal */
export function setInverseOneDescriptor(make: (meta: EntityMetadata, relation: RelationProperty) => PropertyDescriptor): void {
  inverseOneDescriptor = make;
}

/** The inverse (mappedBy) one-to-one relationships of a class: no key on this side. */
function inverseOnes(meta: EntityMetadata): RelationProperty[] {
  return meta.relations.filter((r) => r.relation === 'oneToOne' && r.joinColumns.length === 0);
}
const INSPECT = inspect.custom;

/** Install the accessors of an entity class (once; a single-table subclass gets its own set). */
export function installAccessors(meta: EntityMetadata): void {
  if (installed.has(meta)) return;
  const proto = meta.class.prototype as object;
  const storage = storageOf(meta);
  const descriptors: [string, PropertyDescriptor][] = [];
  meta.columns.forEach((column, slot) => {
    if (column.instance) descriptors.push([column.name, columnDescriptor(meta, storage, column, slot)]);
  });
  for (const relation of foreignKeyRelations(meta)) descriptors.push([relation.name, toOneDescriptor(meta, relation)]);
  if (inverseOneDescriptor !== undefined) for (const relation of inverseOnes(meta)) descriptors.push([relation.name, inverseOneDescriptor(meta, relation)]);
  for (const [name, descriptor] of descriptors) {
    const own = Object.getOwnPropertyDescriptor(proto, name);
    if (own !== undefined && (own.get !== undefined || own.set !== undefined) && !isOurs(own)) {
      throw new MappingError(`${meta.name}.${name} is a get/set accessor; Athanor keeps mapped values itself. Map a plain field (and put the logic in a method or another accessor).`);
    }
    Object.defineProperty(proto, name, descriptor);
  }
  if (!hasOwnToJSON(proto)) Object.defineProperty(proto, 'toJSON', { value: toJSONMethod, writable: true, configurable: true, enumerable: false });
  if (!Object.prototype.hasOwnProperty.call(proto, INSPECT)) {
    Object.defineProperty(proto, INSPECT, { value: inspectMethod, writable: true, configurable: true, enumerable: false });
  }
  installed.add(meta);
  // The classes it relates to as well: `post.author = user` keeps `user.posts` in step only if
  // Post's setter exists, and a class without collections is met by no Collection's creation.
  for (const relation of meta.relations) installAccessors(relation.target);
}

/** Whether the accessors of `meta` are installed. */
export function hasAccessors(meta: EntityMetadata): boolean {
  return installed.has(meta);
}

const ours = new WeakSet<Function>();

/** @internal Mark a getter as one of ours (installing accessors again over it is fine). */
export function markOurs(get: Function): void {
  ours.add(get);
}

function isOurs(descriptor: PropertyDescriptor): boolean {
  return descriptor.get !== undefined && ours.has(descriptor.get);
}

/** A class's own toJSON (or an inherited one it did not get from us) wins. */
function hasOwnToJSON(proto: object): boolean {
  for (let p: object | null = proto; p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p) as object | null) {
    const d = Object.getOwnPropertyDescriptor(p, 'toJSON');
    if (d !== undefined) return d.value !== toJSONMethod;
  }
  return false;
}

function toJSONMethod(this: object): unknown {
  return entityToJSON(this);
}

function inspectMethod(this: object, depth: number, options: object, inspectFn: typeof inspect): unknown {
  return inspectEntity(this, depth, options as Parameters<typeof inspect>[1] & { depth?: number | null }, inspectFn);
}

function columnDescriptor(meta: EntityMetadata, storage: Storage, column: ColumnProperty, slot: number): PropertyDescriptor {
  const same = equalityOf(column.type.kind);
  const width = meta.columns.length;
  const json = column.type.kind === 'json';
  // A literal, not `new Array(width)`: see runtime/array-literals.ts.
  const blank = arrayFiller(width);
  const get = json
    ? function get(this: object): unknown {
        const values = storage.values(this);
        if (values === undefined) return undefined;
        const state = stateOf(this);
        if (state !== undefined) trackerOf(state)?.jsonRead(this, state, slot);
        return values[slot];
      }
    : function get(this: object): unknown {
        const values = storage.values(this);
        return values === undefined ? undefined : values[slot];
      };
  ours.add(get);
  return {
    configurable: true,
    enumerable: true,
    get,
    set(this: object, value: unknown): void {
      let values = storage.values(this);
      if (values === undefined) {
        values = blank(undefined);
        storage.setValues(this, values);
      } else {
        const old = values[slot];
        if (old === value || same(old, value)) return;
      }
      const state = stateOf(this);
      if (state === undefined) {
        values[slot] = value;
        return;
      }
      // Never write into the snapshot: the first write copies it.
      if (values === state.snapshot) {
        values = values.slice();
        storage.setValues(this, values);
      }
      values[slot] = value;
      const tracker = trackerOf(state);
      if (tracker !== undefined) {
        tracker.columnChanged(this, state, slot);
        if (json) tracker.jsonRead(this, state, slot);
      }
    },
  };
}

function toOneDescriptor(meta: EntityMetadata, relation: RelationProperty): PropertyDescriptor {
  const access = toOneAccess(meta, relation);
  const get = function get(this: object): unknown {
    return access.read(this);
  };
  ours.add(get);
  return {
    configurable: true,
    enumerable: true,
    get,
    set(this: object, value: unknown): void {
      assignToOne(this, meta, relation, value);
    },
  };
}

const mappedNames = new WeakMap<EntityMetadata, readonly string[]>();

let lastMeta: EntityMetadata | undefined;
let lastStorage: Storage | undefined;
let lastSlots: Map<string, number> | undefined;
let lastInstalled = false;

/**
 * Write a column value into an instance's storage without recording a change: how a flush's
 * results (generated keys, defaults, versions) and their undo are applied, so applying a flush
 * does not make its objects dirty again. The snapshot is copied, never written.
 */
export function writeQuietly(instance: object, property: string, value: unknown): void {
  const state = stateOf(instance);
  if (state === undefined) {
    (instance as Record<string, unknown>)[property] = value;
    return;
  }
  const meta = state.meta;
  if (meta !== lastMeta) {
    lastMeta = meta;
    lastStorage = storageOf(meta);
    lastSlots = new Map(meta.columns.map((c, i) => [c.name, i]));
    lastInstalled = installed.has(meta);
  }
  const slot = lastSlots!.get(property);
  if (slot === undefined || !lastInstalled) {
    (instance as Record<string, unknown>)[property] = value;
    return;
  }
  const storage = lastStorage!;
  let values = storage.values(instance);
  if (values === undefined) {
    values = arrayFiller(meta.columns.length)(undefined);
    storage.setValues(instance, values);
  } else if (values === state.snapshot) {
    values = values.slice();
    storage.setValues(instance, values);
  }
  values[slot] = value;
}

/**
 * Move values an object holds as own properties into its storage: objects created before the
 * accessors were installed, and classes compiled with `useDefineForClassFields: true` (their
 * fields are own data properties that shadow the accessors). Called when an object joins a
 * session; the values then go through the accessors (relationship values are synchronized).
 */
export function adoptOwnValues(instance: object, meta: EntityMetadata): void {
  // Called for every object joining a session (often twice): the names of the last two classes
  // are kept at hand, and the rare moving is done elsewhere (its closures would cost every call).
  let mapped: readonly string[] | undefined;
  if (meta === adoptCache.meta1) mapped = adoptCache.names1;
  else if (meta === adoptCache.meta2) mapped = adoptCache.names2;
  else {
    mapped = mappedNames.get(meta);
    if (mapped === undefined) {
      mapped = [...meta.columns.filter((c) => c.instance).map((c) => c.name), ...foreignKeyRelations(meta).map((r) => r.name), ...inverseOnes(meta).map((r) => r.name)];
      mappedNames.set(meta, mapped);
    }
    adoptCache.meta2 = adoptCache.meta1;
    adoptCache.names2 = adoptCache.names1;
    adoptCache.meta1 = meta;
    adoptCache.names1 = mapped;
  }
  for (let i = 0; i < mapped!.length; i++) {
    if (Object.prototype.hasOwnProperty.call(instance, mapped![i]!)) {
      moveOwnValues(instance as Record<string, unknown>, mapped!);
      return;
    }
  }
}

const adoptCache: { meta1?: EntityMetadata; names1?: readonly string[]; meta2?: EntityMetadata; names2?: readonly string[] } = {};

function moveOwnValues(target: Record<string, unknown>, mapped: readonly string[]): void {
  const names = mapped.filter((name) => Object.prototype.hasOwnProperty.call(target, name));
  const moved = names.map((name) => target[name]);
  for (const name of names) delete target[name];
  names.forEach((name, i) => {
    if (moved[i] !== undefined) target[name] = moved[i];
  });
}
