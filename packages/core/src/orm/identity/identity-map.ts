import type { EntityMetadata } from '../metadata/entity-metadata';
import type { IdentityKey } from './identity-key';
import { keepExemplar } from '../../runtime/exemplars';
import { attachLoaded, attachState, type InstanceState, LoadedGroup, type SessionLink, stateOf } from './instance-state';

/**
 * One session's identity map: one object per row. Unchanged objects are held weakly once they
 * are no longer among the most recently loaded, so a long session reading through millions of
 * rows keeps only what the application keeps. New, changed and deleted objects need no pin
 * here: the unit of work's own sets (pending, dirty, deleted) hold them strongly until flushed.
 *
 * Objects are held in groups of up to 64, in the order they were added (rows hydrated by one
 * query). The most recent `strongGroups` groups (default 64: 4,096 objects) are held
 * strongly; older ones through one `WeakRef` per group. Why not a WeakRef per object:
 * - creating one costs 0.2-0.4 µs, a large share of a row's hydration budget;
 * - a WeakRef keeps its target alive until the end of the current job (the ECMAScript
 *   [[KeptAlive]] list), and with a synchronous driver (better-sqlite3) a whole loop of awaits
 *   is one job: a session of a hundred key reads would keep every object it ever saw until the
 *   loop ends, where holding the recent ones strongly lets the session's map go with the
 *   session. Small sessions (most web requests) therefore never create a WeakRef at all.
 * Each object's state holds its group strongly, so a group lives while any of its objects
 * does; a weak group is freed once all of its objects are unreachable, and a
 * `FinalizationRegistry` then removes its keys (`sweep()` does it at once).
 */

const GROUP_BITS = 6;
const GROUP_SIZE = 1 << GROUP_BITS;
const INDEX_MASK = GROUP_SIZE - 1;
export const DEFAULT_STRONG_GROUPS = 64;

type Group = (object | undefined)[];

/** A recent group, held strongly; the same `deref()` as a WeakRef. */
class StrongRef {
  constructor(private readonly group: Group) {}
  deref(): Group {
    return this.group;
  }
}

type GroupRef = WeakRef<Group> | StrongRef;

/** Bookkeeping of one group: which entity's objects it holds and their keys, in slot order. */
interface GroupInfo {
  readonly number: number;
  readonly owner: EntityIdentities;
  readonly keys: IdentityKey[];
  /** `keys[0 .. indexed)` are in the owner's Map. */
  indexed: number;
}

/**
 * The identities of one root entity (a single-table hierarchy shares its root's), with a group
 * of its own being filled. Keys are indexed into the Map on the next lookup, not as objects
 * are added: a large Map costs 0.1-0.2 µs per insert (it outgrows the caches), and a session
 * that loads 50k rows and never looks one of them up by key again (load a page, render it)
 * never pays for that.
 */
export class EntityIdentities {
  private readonly slots = new Map<IdentityKey, number>();
  /** Groups with keys not indexed yet: `unindexed[0 .. unindexedCount)` (reused, never shrunk: no allocation per key read). */
  private readonly unindexed: (GroupInfo | undefined)[] = [];
  private unindexedCount = 0;
  /** @internal The group being filled, and a direct hold on it while a result is placed. */
  open: GroupInfo | undefined = undefined;
  /** @internal */
  openArray: Group | undefined = undefined;
  /** @internal What `addLoaded` gives the objects it places in the open group (dropped by `settle`: it holds the group). */
  loaded: LoadedGroup | undefined = undefined;

  constructor(
    readonly root: EntityMetadata,
    private readonly map: IdentityMap,
  ) {}

  /** The live object with this key, if the session holds one. */
  lookup(key: IdentityKey): object | undefined {
    if (this.unindexedCount !== 0) this.index();
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.map.objectAt(slot);
  }

  /** Register an object under `key` (replacing a collected or expunged one); `settle()` the map after a batch. */
  add(key: IdentityKey, instance: object, state: InstanceState): void {
    let info = this.open;
    let group = this.openArray;
    if (info === undefined || group === undefined || info.keys.length === GROUP_SIZE) {
      group = this.map.openGroupFor(this);
      info = this.open!;
    }
    const index = info.keys.length;
    group[index] = instance;
    info.keys.push(key);
    if (info.indexed === index) this.unindexed[this.unindexedCount++] = info;
    state.group = group;
    state.index = index;
    attachState(instance, state);
  }

  /**
   * `add` for a hydrated entity of `meta` (no single-table hierarchy), without a state: its
   * state is made when it is asked for (see LoadedGroup).
   */
  addLoaded(key: IdentityKey, instance: object, meta: EntityMetadata, session: SessionLink): void {
    let info = this.open;
    let group = this.openArray;
    if (info === undefined || group === undefined || info.keys.length === GROUP_SIZE) {
      group = this.map.openGroupFor(this);
      info = this.open!;
    }
    const index = info.keys.length;
    group[index] = instance;
    info.keys.push(key);
    if (info.indexed === index) this.unindexed[this.unindexedCount++] = info;
    let loaded = this.loaded;
    if (loaded === undefined || loaded.group !== group || loaded.session !== session || loaded.meta !== meta) this.loaded = loaded = new LoadedGroup(meta, session, group, info.keys);
    attachLoaded(instance, loaded);
  }

  /** @internal The encoded slot (group number × 64 + index) of a key. */
  slotOf(key: IdentityKey): number | undefined {
    if (this.unindexedCount !== 0) this.index();
    return this.slots.get(key);
  }

  /** @internal Remove a key if it still has this slot. */
  forget(key: IdentityKey, slot: number): boolean {
    if (this.slotOf(key) !== slot) return false;
    this.slots.delete(key);
    return true;
  }

  get size(): number {
    if (this.unindexedCount !== 0) this.index();
    return this.slots.size;
  }

  private index(): void {
    const infos = this.unindexed;
    for (let g = 0; g < this.unindexedCount; g++) {
      const info = infos[g]!;
      infos[g] = undefined;
      const base = info.number << GROUP_BITS;
      const keys = info.keys;
      for (let i = info.indexed; i < keys.length; i++) this.slots.set(keys[i]!, base | i);
      info.indexed = keys.length;
    }
    this.unindexedCount = 0;
  }
}

export interface IdentityMapOptions {
  /** How many of the most recent groups of 64 objects are held strongly (default 64; 0: all weak). */
  readonly strongGroups?: number;
}

export class IdentityMap {
  private readonly byRoot = new Map<EntityMetadata, EntityIdentities>();
  private groups: (GroupRef | undefined)[] = [];
  private infos: (GroupInfo | undefined)[] = [];
  private freeGroups: number[] = [];
  /** Numbers of the strongly held groups, oldest first. */
  private recent: number[] = [];
  private readonly strongGroups: number;
  /** Entities holding a group directly (between `add` and `settle`): `holding[0 .. holdingCount)`, reused. */
  private readonly holding: (EntityIdentities | undefined)[] = [];
  private holdingCount = 0;
  private registry: FinalizationRegistry<number> | undefined = undefined;
  /** Called with the number of entries removed whenever freed groups are cleaned up. */
  onCollect: ((removed: number) => void) | undefined = undefined;

  constructor(options: IdentityMapOptions = {}) {
    const n = options.strongGroups ?? DEFAULT_STRONG_GROUPS;
    if (!Number.isInteger(n) || n < 0) throw new RangeError(`strongGroups must be an integer ≥ 0 (got ${n})`);
    this.strongGroups = n;
  }

  /** The identities of a root entity, created on first use. */
  entities(root: EntityMetadata): EntityIdentities {
    let ids = this.byRoot.get(root);
    if (ids === undefined) {
      ids = new EntityIdentities(root, this);
      this.byRoot.set(root, ids);
    }
    return ids;
  }

  /** The live object of `root` with this key. */
  lookup(root: EntityMetadata, key: IdentityKey): object | undefined {
    return this.byRoot.get(root)?.lookup(key);
  }

  /** Entries, including those of objects collected but not yet cleaned up (`sweep()` first for live ones). */
  get size(): number {
    let n = 0;
    for (const ids of this.byRoot.values()) n += ids.size;
    return n;
  }

  /** Register a persistent object with a key (after its INSERT, or on merge); replaces a collected one. */
  put(instance: object, state: InstanceState): void {
    if (state.key === undefined) throw new Error(`IdentityMap.put: ${state.meta.name} has no identity key yet`);
    this.entities(rootOf(state.meta)).add(state.key, instance, state);
    this.settle();
  }

  /** Remove an object's entry (expunge, delete); its state keeps its values. */
  remove(instance: object, state: InstanceState): void {
    const group = state.group;
    if (group !== undefined && state.key !== undefined) {
      const ids = this.byRoot.get(rootOf(state.meta));
      const slot = ids?.slotOf(state.key);
      if (slot !== undefined && this.objectAt(slot) === instance) ids!.forget(state.key, slot);
      if (group[state.index] === instance) group[state.index] = undefined;
    }
    state.group = undefined;
  }

  /** Every live object with its state. */
  *instances(): IterableIterator<[object, InstanceState]> {
    for (const ref of this.groups) {
      const group = ref?.deref();
      if (group === undefined) continue;
      for (const instance of group) {
        const state = instance === undefined ? undefined : stateIn(instance, group);
        if (state !== undefined) yield [instance!, state];
      }
    }
  }

  /** Remove the entries of groups already collected; returns how many were removed. */
  sweep(): number {
    let removed = 0;
    for (let g = 0; g < this.groups.length; g++) {
      const ref = this.groups[g];
      if (ref !== undefined && ref.deref() === undefined) removed += this.release(g);
    }
    return removed;
  }

  /** Forget everything (the session closed). */
  clear(): void {
    this.byRoot.clear();
    this.groups = [];
    this.infos = [];
    this.freeGroups = [];
    this.recent = [];
    this.settle();
    // Callbacks of the old registry find it replaced and do nothing.
    this.registry = undefined;
  }

  /** @internal The object at an encoded slot, if still alive and still there. */
  objectAt(slot: number): object | undefined {
    const ref = this.groups[slot >>> GROUP_BITS];
    return ref === undefined ? undefined : ref.deref()?.[slot & INDEX_MASK];
  }

  /**
   * Let go of the direct holds on the groups being filled (they stay held like any group:
   * strongly while recent). Hydration calls this when it has placed a result's objects.
   */
  settle(): void {
    const holding = this.holding;
    for (let i = 0; i < this.holdingCount; i++) {
      holding[i]!.openArray = undefined;
      holding[i]!.loaded = undefined;
      holding[i] = undefined;
    }
    this.holdingCount = 0;
  }

  /** @internal The group `ids` fills next: its open one while it has room and lives, else a new one. */
  openGroupFor(ids: EntityIdentities): Group {
    const open = ids.open;
    let group = open !== undefined && open.keys.length < GROUP_SIZE ? this.groups[open.number]?.deref() : undefined;
    if (group === undefined) group = this.newGroup(ids);
    if (ids.openArray === undefined) this.holding[this.holdingCount++] = ids;
    ids.openArray = group;
    return group;
  }

  private newGroup(ids: EntityIdentities): Group {
    const group: Group = new Array<object | undefined>(GROUP_SIZE);
    const number = this.freeGroups.length > 0 ? this.freeGroups.pop()! : this.groups.length;
    const info: GroupInfo = { number, owner: ids, keys: [], indexed: 0 };
    this.infos[number] = info;
    ids.open = info;
    if (this.strongGroups > 0) {
      this.groups[number] = new StrongRef(group);
      this.recent.push(number);
      if (this.recent.length > this.strongGroups) this.weaken(this.recent.shift()!);
    } else {
      this.groups[number] = new WeakRef(group);
      this.registerGroup(group, number);
    }
    return group;
  }

  /** A group leaves the recent ones: from now on only its objects keep it alive. */
  private weaken(number: number): void {
    const group = this.groups[number]?.deref();
    if (group === undefined) return;
    this.groups[number] = new WeakRef(group);
    this.registerGroup(group, number);
  }

  private registerGroup(group: Group, number: number): void {
    let registry = this.registry;
    if (registry === undefined) {
      const created = new FinalizationRegistry<number>((n) => {
        if (this.registry === created) this.release(n);
      });
      registry = this.registry = created;
    }
    registry.register(group, number);
  }

  /** A group was collected: remove the keys still pointing into it. */
  private release(number: number): number {
    const info = this.infos[number];
    if (info === undefined || this.groups[number]?.deref() !== undefined) return 0;
    let removed = 0;
    const base = number << GROUP_BITS;
    info.keys.forEach((key, i) => {
      if (info.owner.forget(key, base | i)) removed++;
    });
    this.groups[number] = undefined;
    this.infos[number] = undefined;
    if (info.owner.open === info) info.owner.open = undefined;
    this.freeGroups.push(number);
    if (removed > 0) this.onCollect?.(removed);
    return removed;
  }
}

function rootOf(meta: EntityMetadata): EntityMetadata {
  return meta.inheritance?.root ?? meta;
}

function stateIn(instance: object, group: Group): InstanceState | undefined {
  const state = stateOf(instance);
  return state !== undefined && state.group === group && group[state.index] === instance ? state : undefined;
}

// See runtime/exemplars.ts.
keepExemplar(new IdentityMap()).entities({} as EntityMetadata).lookup(0);
keepExemplar(new StrongRef([]));
