import type { EntityMetadata } from '../metadata/entity-metadata';
import { Collection } from '../relations/collection';

/**
 * A new object's to-many properties become Collections bound to it: one the application set is
 * bound to its property name, an unset one gets an empty Collection (so adding to it is recorded).
 */
export function bindToManyCollections(instance: object, meta: EntityMetadata): void {
  const toMany = toManyOf(meta);
  for (let i = 0; i < toMany.length; i++) {
    const name = toMany[i]!;
    const value = (instance as Record<string, unknown>)[name];
    if (value instanceof Collection) value.bind(name);
    else if (value === undefined || value === null) (instance as Record<string, unknown>)[name] = new Collection(instance).bind(name);
  }
}

const toManyNames = new WeakMap<EntityMetadata, readonly string[]>();

function toManyOf(meta: EntityMetadata): readonly string[] {
  let names = toManyNames.get(meta);
  if (names === undefined) {
    names = meta.relations.filter((r) => r.relation === 'oneToMany' || r.relation === 'manyToMany').map((r) => r.name);
    toManyNames.set(meta, names);
  }
  return names;
}
