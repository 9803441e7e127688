import { Collection } from '../relations/collection';
import { Ref } from '../relations/ref';
import type { EntityMetadata, RelationProperty } from './entity-metadata';

/**
 * Instances without constructors, for hydration: `Object.create(prototype)` skips field
 * initializers such as `posts = new Collection<Post>(this)`, so the relationship containers
 * are put in place here, from the metadata. The initializer is compiled once per entity.
 */

type Initializer = (instance: object) => void;

const initializers = new WeakMap<EntityMetadata, Initializer>();

/**
 * A function that gives a bare instance of `meta`'s class an unloaded Collection for each
 * to-many relationship. To-one relationships are left for the hydrator, which knows the key:
 * see `refFor`.
 */
export function relationInitializer(meta: EntityMetadata): Initializer {
  let init = initializers.get(meta);
  if (!init) {
    const toMany = meta.relations.filter((r) => r.relation === 'oneToMany' || r.relation === 'manyToMany').map((r) => r.name);
    init =
      toMany.length === 0
        ? () => undefined
        : (instance) => {
            for (const name of toMany) (instance as Record<string, unknown>)[name] = Collection.unloaded(instance, name);
          };
    initializers.set(meta, init);
  }
  return init;
}

/** A bare instance of the entity class (no constructor run), its collections in place and unloaded. */
export function createInstance<T extends object>(meta: EntityMetadata): T {
  const instance = Object.create(meta.class.prototype as object) as T;
  relationInitializer(meta)(instance);
  return instance;
}

/** An unloaded Ref for a to-one relationship of `owner`, holding the key read from its row. */
export function refFor<T extends object, K>(owner: object, relation: RelationProperty, key: K): Ref<T, K> {
  return new Ref<T, K>(relation.target.class, key).bind(owner, relation.name);
}

/**
 * Bind the Refs and Collections of an instance created by user code (`new User()`) to their
 * relationship properties, adding an empty, loaded Collection where a to-many property was
 * left undefined. What a Session does when an object joins it.
 */
export function bindRelations(instance: object, meta: EntityMetadata): void {
  const values = instance as Record<string, unknown>;
  for (const r of meta.relations) {
    const value = values[r.name];
    if (r.relation === 'oneToMany' || r.relation === 'manyToMany') {
      if (value === undefined || value === null) values[r.name] = new Collection(instance).bind(r.name);
      else if (value instanceof Collection) value.bind(r.name);
    } else if (value instanceof Ref) value.bind(instance, r.name);
  }
}
