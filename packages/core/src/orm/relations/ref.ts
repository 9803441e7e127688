import { InvalidArgumentError, NotLoadedError } from '../../errors/errors';
import { RELATION } from '../../sql/schema/entity-table';
import type { RelationValue } from '../../sql/schema/entity-table';
import { keepExemplar } from '../../runtime/exemplars';
import type { EntityClass } from '../metadata/entity-metadata';

const TO_ONE: { readonly many: false } = Object.freeze({ many: false });

/** `key` as a message shows it: `1`, `'abc'`, `[1,2]`. */
export function describeKey(key: unknown): string {
  if (typeof key === 'string') return `'${key}'`;
  if (typeof key === 'bigint') return `${key}n`;
  if (key !== null && typeof key === 'object') return JSON.stringify(key, (_k, v: unknown) => (typeof v === 'bigint' ? `${v}n` : v));
  return String(key);
}

/** `Post` → `post`: how a message names an instance in example code. */
export function variableName(className: string): string {
  return className.charAt(0).toLowerCase() + className.slice(1);
}

/**
 * A to-one relationship value (`author!: Ref<User>`): the referenced entity's key, known
 * without loading, and the entity itself once loaded. `K` is the key type (`number` by default;
 * `Ref<Tenant, string>` for a string key). `table(Post).authorId` is typed from `K`.
 */
export class Ref<T extends object, K = number> implements RelationValue<K> {
  /** @internal The target entity class. */
  readonly entity: EntityClass<T>;
  /** @internal */
  key: K;
  /** @internal */
  value: T | undefined;
  /** @internal */
  loaded: boolean;
  /**
   * @internal The entity holding the Ref and its relationship property, set once an entity
   * property holds it (two fields, not a site object: W1 makes 50k Refs).
   */
  owner: object | undefined;
  /** @internal */
  property: string | undefined;

  /** Use `ref(Entity, id)`; hydration creates Refs through the metadata helpers. */
  constructor(entity: EntityClass<T>, key: K, value?: T) {
    if (typeof entity !== 'function') throw new InvalidArgumentError('Ref: the first argument must be the target entity class.');
    this.entity = entity;
    this.key = key;
    this.value = value;
    this.loaded = value !== undefined;
    this.owner = undefined;
    this.property = undefined;
  }

  get [RELATION](): { readonly key?: K; readonly many: false } {
    return TO_ONE;
  }

  /** The referenced entity's primary key, without loading anything. */
  get id(): K {
    return this.key;
  }

  get isLoaded(): boolean {
    return this.loaded;
  }

  /** The referenced entity; throws `NotLoadedError` (naming the relationship and the fix) when not loaded. */
  get(): T {
    if (!this.loaded) throw notLoaded(this);
    return this.value as T;
  }

  /** Serialized as the entity when loaded, as its key otherwise (never the owner: no cycles). */
  toJSON(): unknown {
    return this.loaded ? this.value : this.key;
  }

  /** @internal Place the Ref in `owner.property`. */
  bind(owner: object, property: string): this {
    this.owner = owner;
    this.property = property;
    return this;
  }

  /** @internal Record the loaded entity (or its absence, for a dangling key). */
  resolve(value: T | undefined): void {
    this.value = value;
    this.loaded = true;
  }
}

function notLoaded(ref: Ref<object, unknown>): NotLoadedError {
  const target = `${ref.entity.name}#${describeKey(ref.key)}`;
  const { owner: holder, property } = ref;
  if (holder === undefined || property === undefined) {
    return new NotLoadedError(`The Ref to ${target} is not loaded. Load it first: \`await ref.load()\`, or fetch the entity with \`session.get(${ref.entity.name}, ${describeKey(ref.key)})\`.`);
  }
  const explained = explainedNotLoaded(ref, holder, property);
  if (explained !== undefined) return explained;
  const owner = holder.constructor.name;
  const v = variableName(owner);
  return new NotLoadedError(
    `${owner}.${property} is not loaded (a Ref to ${target}). Load it first: \`await ${v}.${property}.load()\`, ` +
      `or with the query that fetches the ${owner}: \`load: { ${property}: 'joined' }\`.`,
  );
}

/**
 * A reference to an entity by key, without loading it: `post.author = ref(User, 1)`.
 * The key type follows the argument (`ref(Tenant, 'acme')` is a `Ref<Tenant, string>`).
 * `ref(user)` refers to an entity in hand (loaded; a new one gets its key when inserted):
 * `post.author = ref(user)`.
 */
export function ref<T extends object>(entity: T): Ref<T, any>;
export function ref<T extends object, K = number>(entity: EntityClass<T>, id: K): Ref<T, K>;
export function ref(entity: object, ...rest: unknown[]): Ref<object, unknown> {
  if (typeof entity !== 'function') {
    if (entity === null || typeof entity !== 'object' || rest.length > 0) {
      throw new InvalidArgumentError('ref(entity) takes an entity instance; ref(Entity, id) takes the class and a key.');
    }
    return new Ref<object, unknown>(entity.constructor as EntityClass<object>, keyOfInstance(entity), entity);
  }
  const id = rest[0];
  if (id === undefined || id === null) {
    throw new InvalidArgumentError(`ref(${(entity as EntityClass).name ?? 'Entity'}, id): the id is ${String(id)}; assign null to clear a relationship instead.`);
  }
  return new Ref<object, unknown>(entity as EntityClass<object>, id);
}

/**
 * What a relationship's loader says of an unloaded container before the generic message: a
 * `raise` relationship gets its own (the load option that fixes it; `.load()` refuses it).
 */
let explainNotLoaded: ((container: object, owner: object, property: string) => NotLoadedError | undefined) | undefined;

/** @internal */
export function setNotLoadedExplainer(explain: (container: object, owner: object, property: string) => NotLoadedError | undefined): void {
  explainNotLoaded = explain;
}

/** @internal The loader's message for an unloaded container, if it has one. */
export function explainedNotLoaded(container: object, owner: object, property: string): NotLoadedError | undefined {
  return explainNotLoaded?.(container, owner, property);
}

/** How `ref(entity)` reads an instance's key (set by the unit of work, which knows the metadata). */
let keyOfInstance: (entity: object) => unknown = () => undefined;

/** @internal */
export function setInstanceKeyReader(reader: (entity: object) => unknown): void {
  keyOfInstance = reader;
}

/** True for Ref instances. */
export function isRef(value: unknown): value is Ref<object, unknown> {
  return value instanceof Ref;
}

// See runtime/exemplars.ts: a session's Refs all die between requests; this one keeps their hidden class (and the code using it).
keepExemplar(new Ref<object, unknown>(Object, 0, {})).bind({}, 'ref');
