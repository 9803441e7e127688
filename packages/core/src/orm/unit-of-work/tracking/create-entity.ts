import { InvalidArgumentError } from '../../../errors/errors';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import { metadataOf } from '../../metadata/registry';
import { Collection } from '../../relations/collection';
import type { Ref } from '../../relations/ref';
import { installAccessors } from './accessors';

type Fn = (...args: never[]) => unknown;

/**
 * A new, transient `entity` (its constructor run without arguments) with `data`'s properties
 * set as assignments would set them: column values stored, relationships kept in step (a
 * to-one takes the entity or a Ref; a to-many an array of its items, added to its Collection).
 * A key that is not a mapped property raises, naming the entity's mapped properties.
 *
 * `Object.assign(new Entity(), data)` sets the same values but also sets a misspelt key, as an
 * unmapped property nothing stores. The writes are code compiled per entity and list of keys:
 * V8 runs `Object.assign` (or a loop of keyed writes) through the accessors on a slow path
 * (measured: 50k objects of three columns, 22-26 ms against 6), though W1 as a whole measured
 * the same either way. Build a tree of new objects with it and add the roots: relationships
 * between objects in no session are the cheapest to keep in step.
 */
export function create<E extends object>(entity: new () => E, data?: CreateData<E>): E {
  if (typeof entity !== 'function') throw new InvalidArgumentError(`create() takes an entity class; got ${entity === null ? 'null' : typeof entity}.`);
  const meta = metadataOf(entity);
  const values = (data ?? {}) as unknown;
  if (values === null || typeof values !== 'object' || Array.isArray(values)) {
    throw new InvalidArgumentError(`create(${meta.name}, data): data is an object of ${meta.name}'s property values; got ${values === null ? 'null' : Array.isArray(values) ? 'an array' : typeof values}.`);
  }
  const instance = new entity();
  writeEntityData(meta, instance, values as Record<string, unknown>);
  return instance;
}

/**
 * What `create(Entity, data)` takes: any of the entity's properties (methods
 * excluded), a to-one relationship as the entity itself or a Ref, a to-many one as an array of
 * its items. Which properties are mapped is known at run time only: others are refused there.
 */
export type CreateData<E> = {
  [K in keyof E & string as E[K] extends Fn ? never : K]?: NonNullable<E[K]> extends Collection<infer T>
    ? readonly T[]
    : NonNullable<E[K]> extends Ref<infer T, any>
      ? E[K] | T
      : E[K];
};

/** Writes one data object's properties into a new instance, for one list of keys. */
interface Writer {
  readonly keys: readonly string[];
  readonly write: (instance: object, data: Record<string, unknown>) => void;
}

/**
 * The writers of one entity, most recent first. An application creates its objects of one
 * class from data of one shape, so the first nearly always fits; a few are kept for the rest.
 */
const writers = new WeakMap<EntityMetadata, Writer[]>();
const WRITERS_PER_ENTITY = 4;

/** Write `data`'s own properties into `instance` through its mapped properties (see `create`). */
function writeEntityData(meta: EntityMetadata, instance: object, data: Record<string, unknown>): void {
  const list = writers.get(meta);
  if (list !== undefined) {
    for (let w = 0; w < list.length; w++) {
      const writer = list[w]!;
      if (fits(writer.keys, data)) {
        if (w !== 0) list.unshift(...list.splice(w, 1));
        writer.write(instance, data);
        return;
      }
    }
  }
  const writer = makeWriter(meta, Object.keys(data));
  if (list === undefined) writers.set(meta, [writer]);
  else {
    list.unshift(writer);
    if (list.length > WRITERS_PER_ENTITY) list.pop();
  }
  writer.write(instance, data);
}

/** Whether `data`'s enumerable keys are `keys`, in order (no array made: called per object). */
function fits(keys: readonly string[], data: object): boolean {
  let i = 0;
  for (const key in data) {
    if (keys[i] !== key) return false;
    i++;
  }
  return i === keys.length;
}

/** @internal The writer of `keys` into instances of `meta`; `codegen` false: the loop (what runs where `new Function` is forbidden). */
export function makeWriter(meta: EntityMetadata, keys: readonly string[], codegen = true): Writer {
  installAccessors(meta);
  const columns = new Set(meta.columns.filter((c) => c.instance).map((c) => c.name));
  const relations = new Map(meta.relations.map((r) => [r.name, r]));
  const toMany = new Set<string>();
  for (const key of keys) {
    const relation = relations.get(key);
    if (relation !== undefined && (relation.relation === 'oneToMany' || relation.relation === 'manyToMany')) toMany.add(key);
    else if (relation === undefined && !columns.has(key)) throw unknownProperty(meta, key, [...columns, ...relations.keys()]);
  }
  const write = (codegen ? compiled(keys, toMany) : undefined) ?? looped(keys, toMany);
  return { keys, write };
}

/** Add a to-many property's items to the instance's collection (made when the class does not make one). */
function addItems(instance: object, name: string, items: unknown): void {
  if (items === undefined) return;
  if (items === null || typeof items !== 'object' || typeof (items as Iterable<unknown>)[Symbol.iterator] !== 'function') {
    throw new InvalidArgumentError(`${instance.constructor.name}.${name} is a to-many relationship: give an array of its items; got ${items === null ? 'null' : typeof items}.`);
  }
  const target = instance as Record<string, unknown>;
  let collection = target[name];
  if (!(collection instanceof Collection)) target[name] = collection = new Collection(instance).bind(name);
  (collection as Collection<object>).add(...(items as Iterable<object>));
}

/** Keys are mapped property names (checked), quoted as string literals all the same. */
function compiled(keys: readonly string[], toMany: ReadonlySet<string>): Writer['write'] | undefined {
  const body = keys.map((key) => {
    const k = JSON.stringify(key);
    return toMany.has(key) ? `addItems(o, ${k}, d[${k}]);` : `o[${k}] = d[${k}];`;
  });
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function('addItems', `return function write(o, d) {\n  ${body.join('\n  ')}\n};`)(addItems) as Writer['write'];
  } catch {
    // A Content-Security-Policy without 'unsafe-eval': the loop below.
    return undefined;
  }
}

function looped(keys: readonly string[], toMany: ReadonlySet<string>): Writer['write'] {
  return (instance, data) => {
    for (const key of keys) {
      if (toMany.has(key)) addItems(instance, key, data[key]);
      else (instance as Record<string, unknown>)[key] = data[key];
    }
  };
}

function unknownProperty(meta: EntityMetadata, key: string, known: readonly string[]): InvalidArgumentError {
  return new InvalidArgumentError(
    `create(${meta.name}): ${JSON.stringify(key)} is not a mapped property of ${meta.name} (its mapped properties: ${known.join(', ')}). ` +
      `Set other properties on the object create() returns.`,
  );
}
