import { InvalidArgumentError, NotLoadedError } from '../../errors/errors';
import { RELATION } from '../../sql/schema/entity-table';
import type { RelationValue } from '../../sql/schema/entity-table';
import { explainedNotLoaded, variableName } from './ref';

const TO_MANY: { readonly many: true } = Object.freeze({ many: true });

/**
 * What keeps the other side of a relationship and the session's unit of work in step with a
 * Collection's changes (installed by the unit of work's relationship sync; a Collection works
 * in memory without it).
 */
export interface CollectionHooks {
  /** Before the items change (the unit of work keeps the items as they were, for rollback). */
  changing(collection: Collection<object>): void;
  added(collection: Collection<object>, item: object): void;
  removed(collection: Collection<object>, item: object): void;
  /** Whether `add` may record a change without the items loaded (one-to-many: yes; many-to-many: no). */
  addsUnloaded(collection: Collection<object>): boolean;
  /** An application object made a collection (`posts = new Collection(this)`): its class gets its accessors. */
  created(owner: object): void;
  /** Whether `item` still belongs in the collection by its own side (a one-to-many child's to-one designates the owner). */
  holds(collection: Collection<object>, item: object): boolean;
}

/** What was added to and removed from a collection before it was loaded (in order; sets, as many may pile up). */
interface UnloadedChanges<T> {
  readonly added: Set<T>;
  readonly removed: Set<T>;
}

let hooks: CollectionHooks | undefined;
/** Set while hydration makes unloaded collections (its classes are set up already). */
let hydrating = false;

/** @internal */
export function setCollectionHooks(h: CollectionHooks): void {
  hooks = h;
}

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
  /** @internal The owner's relationship property holding the collection, once known. */
  property: string | undefined;
  /** @internal Adds and removes made while unloaded (one-to-many), merged into the items when they load. */
  unloadedChanges: UnloadedChanges<T> | undefined;

  constructor(owner: object, items?: Iterable<T>) {
    if (owner === null || typeof owner !== 'object') {
      throw new InvalidArgumentError('new Collection(owner): pass the owning entity, as in `posts = new Collection<Post>(this)`.');
    }
    this.owner = owner;
    this.items = items === undefined ? [] : [...items];
    this.property = undefined;
    this.unloadedChanges = undefined;
    if (!hydrating) hooks?.created(owner);
  }

  /** @internal An unloaded collection of a hydrated entity's relationship. */
  static unloaded<T extends object>(owner: object, property: string): Collection<T> {
    hydrating = true;
    let c: Collection<T>;
    try {
      c = new Collection<T>(owner);
    } finally {
      hydrating = false;
    }
    c.items = undefined;
    c.property = property;
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

  /** Whether the (loaded) collection holds `item`. */
  contains(item: T): boolean {
    return this.getItems().includes(item);
  }

  /**
   * Add items (those already in it are skipped). The other side follows: `user.posts.add(post)`
   * sets `post.author`; for a many-to-many, the other side's collection when loaded, and the
   * association row at the next flush. New items join the owner's session when the
   * relationship cascades `save` (the default). A one-to-many collection accepts adds before
   * it is loaded (the foreign key changes; the item is kept and joins the rows when the
   * collection loads); a many-to-many must be loaded first.
   */
  add(...items: T[]): this {
    for (const item of items) {
      if (this.items === undefined) {
        if (hooks === undefined || !hooks.addsUnloaded(this)) throw this.notLoaded();
        this.noteUnloaded(item, true);
      } else {
        if (this.items.includes(item)) continue;
        hooks?.changing(this);
        this.items.push(item);
      }
      hooks?.added(this, item);
    }
    return this;
  }

  /**
   * Remove items. The other side follows (`post.author` becomes null; the association row is
   * deleted at the next flush); with `cascade: ['delete-orphan']` the removed child is deleted.
   */
  remove(...items: T[]): this {
    for (const item of items) {
      if (this.items !== undefined) {
        const at = this.items.indexOf(item);
        if (at < 0) continue;
        hooks?.changing(this);
        this.items.splice(at, 1);
      } else this.noteUnloaded(item, false);
      hooks?.removed(this, item);
    }
    return this;
  }

  /** Replace the items (loaded collections only): what is not in `items` is removed, what is new is added. */
  set(items: Iterable<T>): this {
    const current = this.getItems();
    const next = [...new Set(items)];
    const keep = new Set(next);
    const had = new Set(current);
    this.remove(...current.filter((x) => !keep.has(x)));
    this.add(...next.filter((x) => !had.has(x)));
    if (this.items!.length === next.length && this.items!.some((x, i) => x !== next[i])) {
      hooks?.changing(this);
      this.items = next;
    }
    return this;
  }

  /** @internal Add without telling anyone (the other side is being synchronized). */
  pushItem(item: T): void {
    if (this.items === undefined) this.noteUnloaded(item, true);
    else if (!this.items.includes(item)) this.items.push(item);
  }

  /** @internal Remove without telling anyone. */
  dropItem(item: T): void {
    if (this.items === undefined) {
      this.noteUnloaded(item, false);
      return;
    }
    const at = this.items.indexOf(item);
    if (at >= 0) this.items.splice(at, 1);
  }

  /** Serialized as its items when loaded; left out (undefined) otherwise. */
  toJSON(): readonly T[] | undefined {
    return this.items;
  }

  /** @internal Place the collection in `owner.property`. */
  bind(property: string): this {
    this.property = property;
    return this;
  }

  /**
   * @internal Record the loaded items. Changes made while unloaded are kept: items added then
   * (not flushed yet, or flushed after the rows were read) join the rows, items removed then
   * leave them, as long as the item's own side still says so (it may have moved again since).
   */
  resolve(items: readonly T[]): void {
    const changes = this.unloadedChanges;
    if (changes === undefined) {
      this.items = [...items];
      return;
    }
    this.unloadedChanges = undefined;
    const holds = (item: T): boolean => hooks === undefined || hooks.holds(this as Collection<object>, item);
    const gone = new Set<T>();
    for (const x of changes.removed) if (!holds(x)) gone.add(x);
    const merged = gone.size === 0 ? [...items] : items.filter((x) => !gone.has(x));
    const present = new Set(merged);
    for (const item of changes.added) if (!present.has(item) && holds(item)) merged.push(item);
    this.items = merged;
  }

  /** An add (or remove) while unloaded: remembered until the items load. */
  private noteUnloaded(item: T, add: boolean): void {
    const changes = (this.unloadedChanges ??= { added: new Set(), removed: new Set() });
    (add ? changes.removed : changes.added).delete(item);
    (add ? changes.added : changes.removed).add(item);
  }

  /** @internal */
  notLoaded(): NotLoadedError {
    const owner = this.owner.constructor.name;
    const property = this.property;
    if (property === undefined) {
      return new NotLoadedError(`A collection of ${owner} is not loaded. Load it first: \`await collection.load()\`.`);
    }
    const explained = explainedNotLoaded(this, this.owner, property);
    if (explained !== undefined) return explained;
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
