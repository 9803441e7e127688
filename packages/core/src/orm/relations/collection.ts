import { InvalidArgumentError, NotLoadedError } from '../../errors/errors';
import { RELATION } from '../../sql/schema/entity-table';
import type { RelationValue } from '../../sql/schema/entity-table';
import { variableName } from './ref';
import type { RelationSite } from './ref';

const TO_MANY: { readonly many: true } = Object.freeze({ many: true });

/**
 * A to-many relationship value, declared with a field initializer:
 * `posts = new Collection<Post>(this)`. A collection created that way belongs to a new object
 * and is loaded (empty, or with the items given). Collections of loaded entities start
 * unloaded; reading their items before loading throws `NotLoadedError`.
 */
export class Collection<T extends object> implements RelationValue, Iterable<T> {
  /** @internal The entity holding the collection. */
  readonly owner: object;
  /** @internal The items, once loaded. */
  items: T[] | undefined;
  /** @internal Set once the owner's relationship property is known. */
  site: RelationSite | undefined;

  constructor(owner: object, items?: Iterable<T>) {
    if (owner === null || typeof owner !== 'object') {
      throw new InvalidArgumentError('new Collection(owner): pass the owning entity, as in `posts = new Collection<Post>(this)`.');
    }
    this.owner = owner;
    this.items = items === undefined ? [] : [...items];
    this.site = undefined;
  }

  /** @internal An unloaded collection of a hydrated entity's relationship. */
  static unloaded<T extends object>(owner: object, property: string): Collection<T> {
    const c = new Collection<T>(owner);
    c.items = undefined;
    c.site = { owner, property };
    return c;
  }

  get [RELATION](): { readonly many: true } {
    return TO_MANY;
  }

  get isLoaded(): boolean {
    return this.items !== undefined;
  }

  /** The items; throws `NotLoadedError` (naming the relationship and the fix) when not loaded. */
  getItems(): readonly T[] {
    if (this.items === undefined) throw this.notLoaded();
    return this.items;
  }

  get length(): number {
    return this.getItems().length;
  }

  [Symbol.iterator](): Iterator<T> {
    return this.getItems()[Symbol.iterator]();
  }

  /** Serialized as its items when loaded; left out (undefined) otherwise. */
  toJSON(): readonly T[] | undefined {
    return this.items;
  }

  /** @internal Place the collection in `owner.property`. */
  bind(property: string): this {
    if (this.site?.property !== property) this.site = { owner: this.owner, property };
    return this;
  }

  /** @internal Record the loaded items. */
  resolve(items: readonly T[]): void {
    this.items = [...items];
  }

  private notLoaded(): NotLoadedError {
    const owner = this.owner.constructor.name;
    const property = this.site?.property;
    if (property === undefined) {
      return new NotLoadedError(`A collection of ${owner} is not loaded. Load it first: \`await collection.load()\`.`);
    }
    const v = variableName(owner);
    return new NotLoadedError(
      `${owner}.${property} is not loaded. Load it first: \`await ${v}.${property}.load()\`, ` +
        `or with the query that fetches the ${owner}: \`load: { ${property}: 'selectin' }\`.`,
    );
  }
}

/** True for Collection instances. */
export function isCollection(value: unknown): value is Collection<object> {
  return value instanceof Collection;
}
