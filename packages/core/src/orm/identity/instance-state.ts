import type { EntityMetadata } from '../metadata/entity-metadata';
import { keepExemplar } from '../../runtime/exemplars';
import type { IdentityKey } from './identity-key';

/**
 * SQLAlchemy's object states. `transient`: never in a session; `pending`: added, not yet
 * inserted; `persistent`: has a row and is in a session's identity map; `deleted`: deleted in
 * a flush not yet committed; `detached`: has a row but its session let go of it.
 */
export type EntityStatus = 'transient' | 'pending' | 'persistent' | 'deleted' | 'detached';

/** What a state knows of its session: whether it is still open (closing detaches every instance at once). */
export interface SessionLink {
  readonly isClosed: boolean;
}

const STATUSES: readonly EntityStatus[] = ['transient', 'pending', 'persistent', 'deleted', 'detached'];
const STATUS_CODES: Readonly<Record<EntityStatus, number>> = { transient: 0, pending: 1, persistent: 2, deleted: 3, detached: 4 };
const STATUS_MASK = 0b111;
const EXPIRED = 0b1000;
const INDEX_SHIFT = 5;
const FLAG_MASK = (1 << INDEX_SHIFT) - 1;
/** Group indexes are below 64 (identity-map.ts); the bits allow more, staying a small integer. */
const MAX_INDEX = (1 << 20) - 1;

/**
 * What a session knows about one entity instance: its mapping, identity, the values it was
 * loaded (or last flushed) with, and where the identity map holds it. The unit of work reads
 * and extends this; one object per instance, created by `add`, by hydration, or (for the
 * entities a query loads) the first time `stateOf` is asked for it (see LoadedGroup).
 */
export class InstanceState {
  /** The concrete class's metadata (a single-table subclass's own, not the root's). */
  meta: EntityMetadata;
  /** The identity within the root entity, once the row exists. */
  key: IdentityKey | undefined;
  /**
   * Column values as loaded or last flushed, aligned with `meta.columns` (instance or not:
   * foreign keys and the discriminator are here too). Compared with current values to find
   * what changed.
   */
  snapshot: unknown[] | undefined;
  /** The session whose identity map holds the instance. */
  session: SessionLink | undefined;
  /** @internal The identity map's weak group holding the instance (its slot is `index`). */
  group: (object | undefined)[] | undefined;
  /**
   * Status, `expired` and the group index packed in one small integer: a session
   * holds one state per loaded row, and three fields fewer are 24 bytes less per entity
   * (measured on W2: 50k posts).
   */
  private bits: number;

  constructor(meta: EntityMetadata, key: IdentityKey | undefined, snapshot: unknown[] | undefined, status: EntityStatus) {
    this.meta = meta;
    this.key = key;
    this.snapshot = snapshot;
    this.session = undefined;
    this.group = undefined;
    this.bits = STATUS_CODES[status];
  }

  /** The instance's state; `detached` once its session is closed (closing is O(1): nothing is visited). */
  get status(): EntityStatus {
    const session = this.session;
    return session !== undefined && session.isClosed ? 'detached' : STATUSES[this.bits & STATUS_MASK]!;
  }

  set status(status: EntityStatus) {
    this.bits = (this.bits & ~STATUS_MASK) | STATUS_CODES[status];
  }

  /** Loaded values are stale: the next load of this row through the session overwrites them. */
  get expired(): boolean {
    return (this.bits & EXPIRED) !== 0;
  }

  set expired(expired: boolean) {
    this.bits = expired ? this.bits | EXPIRED : this.bits & ~EXPIRED;
  }

  /** @internal The instance's slot in `group`. */
  get index(): number {
    return this.bits >>> INDEX_SHIFT;
  }

  set index(index: number) {
    this.bits = (this.bits & FLAG_MASK) | ((index & MAX_INDEX) << INDEX_SHIFT);
  }

  /** Describe the instance for messages: `User#1`. */
  toString(): string {
    return `${this.meta.name}#${this.key === undefined ? '(new)' : String(this.key)}`;
  }
}

/**
 * The state is kept on the instance in a private field stamped on it (a base class whose
 * constructor returns the instance lets a class add its private field to any object). Unlike a
 * symbol property it is invisible to spreads, JSON, `Object.keys`, equality in tests and
 * `console.log`, so `{ ...user }` is a plain copy; unlike a WeakMap it costs what a property
 * store costs (measured: 50k stamps in ~0.3 ms; a WeakMap takes ~10-25 ms).
 */
const Stamp = function stamp(target: object): object {
  return target;
} as unknown as new (target: object) => object;

/**
 * @internal The base of each entity class's storage fields (tracking/storage.ts): the state
 * field is stamped with them, in one construction. Each stamp also makes (and drops) the
 * receiver its base constructor allocates: one stamp per object instead of two was measured at
 * 50k objects 14-15 → 8-9 ms. V8 sizes a class's instances by the fields they have while its
 * first few are built, so the field is there from an object's first value on, not added when a
 * session takes the object (a separate property store per object otherwise, measured on W1).
 */
export class StateField extends Stamp {
  #state: InstanceState | LoadedGroup | undefined;

  protected constructor(target: object, state: InstanceState | undefined) {
    super(target);
    this.#state = state;
  }

  static read(target: object): InstanceState | LoadedGroup | undefined {
    return #state in target ? (target as StateField).#state : undefined;
  }

  /** Whether `target` has the state field (stamped by some entity class's storage). */
  static has(target: object): boolean {
    return #state in target;
  }

  /** Replace the state of an object stamped already; false when it is not. */
  static replace(target: object, state: InstanceState | LoadedGroup): boolean {
    if (!(#state in target)) return false;
    (target as StateField).#state = state;
    return true;
  }
}

/** Stamps an object that has no storage fields yet with them and a state (set by tracking/storage.ts). */
let stampFields: ((instance: object, state: InstanceState) => void) | undefined;

/** @internal */
export function setStateStamper(stamp: (instance: object, state: InstanceState) => void): void {
  stampFields = stamp;
}

/**
 * @internal What the entities one query placed in one identity-map group share: their class,
 * session, group and keys. A hydrated entity's state field holds this until something asks for
 * its state, which is made then (`stateOf`), as it would have been at hydration: a read of 50k
 * rows that nothing changes makes no states (72 bytes each, all alive to the end of the read,
 * which the young-generation collections copy).
 */
export class LoadedGroup {
  constructor(
    readonly meta: EntityMetadata,
    readonly session: SessionLink,
    readonly group: (object | undefined)[],
    readonly keys: readonly IdentityKey[],
  ) {}
}

/** A hydrated entity's loaded values (its storage's), set by tracking/storage.ts. */
let loadedValues: ((meta: EntityMetadata, instance: object) => unknown[] | undefined) | undefined;

/** @internal */
export function setLoadedValues(read: (meta: EntityMetadata, instance: object) => unknown[] | undefined): void {
  loadedValues = read;
}

/**
 * The state of an entity of a LoadedGroup: its values are still those it was loaded with, since
 * every write asks for the state (and so makes it) before it changes them.
 */
function stateFromGroup(instance: object, loaded: LoadedGroup): InstanceState {
  const index = loaded.group.indexOf(instance);
  // A group's slot is cleared only through a state (identity-map remove): a member without one is still in it.
  if (index < 0 || loadedValues === undefined) throw new Error(`Athanor: a loaded ${loaded.meta.name} is missing from its identity-map group.`);
  const state = new InstanceState(loaded.meta, loaded.keys[index], loadedValues(loaded.meta, instance), 'persistent');
  state.session = loaded.session;
  state.group = loaded.group;
  state.index = index;
  StateField.replace(instance, state);
  return state;
}

/** The state of an instance a session knows, or undefined for a plain object. */
export function stateOf(instance: object): InstanceState | undefined {
  if (instance === null || typeof instance !== 'object') return undefined;
  const state = StateField.read(instance);
  return state instanceof LoadedGroup ? stateFromGroup(instance, state) : state;
}

/**
 * @internal The state an instance has been given, without making one for a loaded entity (whose
 * state would be persistent and not expired: expiring one makes its state first).
 */
export function stateIfMade(instance: object): InstanceState | undefined {
  const state = StateField.read(instance);
  return state instanceof LoadedGroup ? undefined : state;
}

/** @internal Mark a hydrated entity as a member of a LoadedGroup (its state made on demand). */
export function attachLoaded(instance: object, loaded: LoadedGroup): void {
  if (!StateField.replace(instance, loaded)) throw new Error('Athanor: attachLoaded() on an object without storage.');
}

/** @internal Tie a state to its instance (replacing an earlier one). */
export function attachState(instance: object, state: InstanceState): void {
  if (StateField.replace(instance, state)) return;
  if (stampFields === undefined) throw new Error('Athanor: entity storage is not loaded (import @athanor/core).');
  stampFields(instance, state);
}

// See runtime/exemplars.ts: the states hydration makes share this one's hidden class.
keepExemplar(new InstanceState({} as EntityMetadata, 0, [], 'persistent')).session = { isClosed: false };
// The same for the groups of loaded entities (their class is embedded in hydration's and stateOf's code).
keepExemplar(new LoadedGroup({} as EntityMetadata, { isClosed: false }, [], []));
