import type { inspect as Inspect, InspectOptions } from 'node:util';
import { stateOf } from '../../identity/instance-state';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import { registryOf } from '../../metadata/registry';
import { Collection } from '../../relations/collection';
import { Ref } from '../../relations/ref';
import { storageOf } from './storage';
import { readToOne } from './to-one';

/**
 * Entities as plain data. Mapped values live behind accessors (see accessors.ts), so these are
 * what `JSON.stringify(entity)`, `console.log(entity)` and `toObject(entity)` use: the column
 * properties, then the relationships that are loaded (a loaded Ref as the entity, an unloaded
 * one as its key; a loaded Collection as its items; unloaded ones left out), then the
 * instance's other own properties. An entity met again further down its own tree (user →
 * posts → author) appears as its key, so the result has no cycles.
 */

type Row = Record<string, unknown>;

function metaOf(instance: object): EntityMetadata | undefined {
  const state = stateOf(instance);
  if (state !== undefined) return state.meta;
  const cls = instance.constructor;
  return registryOf(cls)?.find(cls);
}

export interface ToObjectOptions {
  /** Include loaded relationships (default true); false gives the column properties only. */
  readonly relations?: boolean;
}

/**
 * A plain object with an entity's values (see the module comment). Column values are read
 * through the accessors: a JSON value read this way is watched for in-place changes, like any
 * read of the property.
 */
export function toObject<T extends object>(entity: T, options: ToObjectOptions = {}): Record<string, unknown> {
  return plain(entity, options.relations ?? true, new Set(), true) as Record<string, unknown>;
}

/** What `JSON.stringify` serializes (values read from storage, nothing watched). */
export function entityToJSON(entity: object): unknown {
  return plain(entity, true, new Set(), false);
}

function plain(entity: object, relations: boolean, path: Set<object>, viaAccessors: boolean): unknown {
  const meta = metaOf(entity);
  if (meta === undefined) return entity;
  if (path.has(entity)) return keyOf(entity, meta);
  path.add(entity);
  const out: Row = {};
  const values = storageOf(meta).values(entity);
  meta.columns.forEach((c, i) => {
    if (!c.instance) return;
    const v = viaAccessors ? (entity as Row)[c.name] : values?.[i];
    if (v !== undefined) out[c.name] = v;
  });
  const handled = new Set<string>(meta.columns.map((c) => c.name));
  for (const r of meta.relations) {
    handled.add(r.name);
    if (!relations) continue;
    const value = r.joinColumns.length > 0 ? readToOne(entity, meta, r) : (entity as Row)[r.name];
    const shown = relationValue(value, path, viaAccessors);
    if (shown !== undefined) out[r.name] = shown;
  }
  for (const key of Object.keys(entity)) {
    if (!handled.has(key)) out[key] = (entity as Row)[key];
  }
  path.delete(entity);
  return out;
}

function relationValue(value: unknown, path: Set<object>, viaAccessors: boolean): unknown {
  if (value === null) return null;
  if (value instanceof Ref) return value.isLoaded ? (value.value === undefined ? null : plain(value.value, true, path, viaAccessors)) : value.key;
  if (value instanceof Collection) return value.isLoaded ? value.items!.map((item) => plain(item, true, path, viaAccessors)) : undefined;
  if (value !== undefined && typeof value === 'object') return plain(value, true, path, viaAccessors);
  return value;
}

function keyOf(entity: object, meta: EntityMetadata): unknown {
  const values = storageOf(meta).values(entity);
  const pk = meta.primaryKey.map((c) => values?.[meta.columns.indexOf(c)]);
  return pk.length === 1 ? pk[0] : Object.fromEntries(meta.primaryKey.map((c, i) => [c.name, pk[i]]));
}

/** A stand-in that `util.inspect` prints as `[label]` (unloaded relationships). */
function marker(label: string): object {
  return { [Symbol.for('nodejs.util.inspect.custom')]: (_d: number, o: InspectOptions & { stylize?: (s: string, k: string) => string }) => o.stylize?.(`[${label}]`, 'special') ?? `[${label}]` };
}

/**
 * `util.inspect` (and so `console.log`) of an entity: `User { id: 1, username: 'ann', posts:
 * [Collection<Post>: not loaded] }`. A display object that inherits from the entity's
 * prototype (so the class name shows) holds the values as own properties.
 */
export function inspectEntity(entity: object, depth: number, options: InspectOptions & { depth?: number | null }, inspect: typeof Inspect): unknown {
  const meta = metaOf(entity);
  if (meta === undefined) return entity;
  if (depth < 0) return `[${meta.name}]`;
  const display = Object.create(Object.getPrototypeOf(entity) as object, {
    [Symbol.for('nodejs.util.inspect.custom')]: { value: undefined, enumerable: false },
    toJSON: { value: undefined, enumerable: false },
  }) as Row;
  const values = storageOf(meta).values(entity);
  meta.columns.forEach((c, i) => {
    if (c.instance) Object.defineProperty(display, c.name, { value: values?.[i], enumerable: true });
  });
  for (const r of meta.relations) {
    let value: unknown = r.joinColumns.length > 0 ? readToOne(entity, meta, r) : (entity as Row)[r.name];
    if (value instanceof Ref) value = value.isLoaded ? value.value ?? null : marker(`Ref<${value.entity.name}>(${JSON.stringify(value.key) ?? String(value.key)})`);
    else if (value instanceof Collection) value = value.isLoaded ? [...value.items!] : marker(`Collection<${r.target.name}>: not loaded`);
    if (value !== undefined) Object.defineProperty(display, r.name, { value, enumerable: true });
  }
  for (const key of Object.keys(entity)) {
    if (!Object.prototype.hasOwnProperty.call(display, key) && !meta.properties.has(key)) {
      Object.defineProperty(display, key, { value: (entity as Row)[key], enumerable: true });
    }
  }
  return inspect(display, { ...options, depth: options.depth === null || options.depth === undefined ? options.depth : options.depth - 1 });
}
