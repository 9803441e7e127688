import type { EntityMetadata } from '../metadata/entity-metadata';
import type { IdentityKey } from './identity-key';
import { attachState, type InstanceState, stateOf } from './instance-state';

/**
 * One session's identity map: one object per row. Unchanged objects are held weakly, so a
 * long session reading through millions of rows keeps only what the application keeps;
 * pinned objects (new and changed ones, pinned by the unit of work) are held strongly.
 *
 * Weak references are taken per group of up to 64 objects added together (rows hydrated by
 * one query, in order): a `WeakRef` costs about 0.2-0.4 µs to create, a large share of a
 * row's hydration budget, and one per group makes that negligible. Each object's state holds
 * its group strongly, so a group lives while any of its objects does — a group is freed once
 * all of its objects are unreachable. A `FinalizationRegistry` removes a freed group's keys
 * (`sweep()` does it at once, for tests and for `size`).
 */

const GROUP_BITS = 6;
const GROUP_SIZE = 1 << GROUP_BITS;
const INDEX_MASK = GROUP_SIZE - 1;

type Group = (object | undefined)[];

/** The identities of one root entity (a single-table hierarchy shares its root's). */
export class EntityIdentities {
  /** Key → group number × 64 + index in the group. */
  readonly slots = new Map<IdentityKey, number>();

  constructor(
    readonly root: EntityMetadata,
    private readonly map: IdentityMap,
  ) {}

  /** The live object with this key, if the session holds one. */
  lookup(key: IdentityKey): object | undefined {
    const slot = this.slots.get(key);
    return slot === undefined ? undefined : this.map.objectAt(slot);
  }

  /** Register an object under `key` (replacing a collected or expunged one). */
  add(key: IdentityKey, instance: object, state: InstanceState): void {
    this.slots.set(key, this.map.place(this, key, instance, state));
  }

  get size(): number {
    return this.slots.size;
  }
}

export class IdentityMap {
  private readonly byRoot = new Map<EntityMetadata, EntityIdentities>();
  private groups: (WeakRef<Group> | undefined)[] = [];
  /** Per group: the (identities, key) pairs placed in it, to remove when it is freed. */
  private members: ((EntityIdentities | IdentityKey)[] | undefined)[] = [];
  private freeGroups: number[] = [];
  private open: Group | undefined;
  private openGroup = -1;
  private openFill = GROUP_SIZE;
  private readonly pins = new Set<object>();
  private readonly registry: FinalizationRegistry<number>;
  private generation = 0;
  /** Called with the number of entries removed whenever freed groups are cleaned up. */
  onCollect: ((removed: number) => void) | undefined;

  constructor() {
    const generation = this.generation;
    this.registry = new FinalizationRegistry((group: number) => {
      if (this.generation === generation) this.release(group);
    });
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

  /** Hold an object strongly (new and changed objects, until flushed). */
  pin(instance: object, state: InstanceState): void {
    state.pinned = true;
    this.pins.add(instance);
  }

  unpin(instance: object, state: InstanceState): void {
    state.pinned = false;
    this.pins.delete(instance);
  }

  /** Remove an object's entry (expunge, delete); its state keeps its values. */
  remove(instance: object, state: InstanceState): void {
    const group = state.group;
    if (group !== undefined && state.key !== undefined) {
      const ids = this.byRoot.get(rootOf(state.meta));
      const slot = ids?.slots.get(state.key);
      if (slot !== undefined && this.objectAt(slot) === instance) ids!.slots.delete(state.key);
      if (group[state.index] === instance) group[state.index] = undefined;
    }
    state.group = undefined;
    if (state.pinned) this.unpin(instance, state);
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
    this.generation++;
    this.byRoot.clear();
    this.groups = [];
    this.members = [];
    this.freeGroups = [];
    this.open = undefined;
    this.openGroup = -1;
    this.openFill = GROUP_SIZE;
    this.pins.clear();
  }

  /** @internal The object at an encoded slot, if still alive and still there. */
  objectAt(slot: number): object | undefined {
    const ref = this.groups[slot >>> GROUP_BITS];
    return ref === undefined ? undefined : ref.deref()?.[slot & INDEX_MASK];
  }

  /**
   * Let go of the strong hold on the group being filled. Hydration calls this when it has
   * placed a result's objects; the group is then held weakly like the others and the next
   * result goes on filling it while it lives.
   */
  settle(): void {
    this.open = undefined;
  }

  /** @internal Put an object in the open group; returns its encoded slot (call `settle()` after). */
  place(ids: EntityIdentities, key: IdentityKey, instance: object, state: InstanceState): number {
    const group = this.open !== undefined && this.openFill < GROUP_SIZE ? this.open : this.reopen();
    const index = this.openFill++;
    group[index] = instance;
    this.members[this.openGroup]!.push(ids, key);
    state.group = group;
    state.index = index;
    attachState(instance, state);
    return (this.openGroup << GROUP_BITS) | index;
  }

  private reopen(): Group {
    if (this.openFill < GROUP_SIZE) {
      const group = this.groups[this.openGroup]?.deref();
      if (group !== undefined) return (this.open = group);
    }
    return this.openNewGroup();
  }

  private openNewGroup(): Group {
    const group: Group = new Array<object | undefined>(GROUP_SIZE);
    const number = this.freeGroups.length > 0 ? this.freeGroups.pop()! : this.groups.length;
    this.groups[number] = new WeakRef(group);
    this.members[number] = [];
    this.registry.register(group, number);
    this.open = group;
    this.openGroup = number;
    this.openFill = 0;
    return group;
  }

  /** A group was collected: remove the keys still pointing into it. */
  private release(number: number): number {
    const members = this.members[number];
    if (members === undefined || this.groups[number]?.deref() !== undefined) return 0;
    let removed = 0;
    for (let i = 0; i < members.length; i += 2) {
      const ids = members[i] as EntityIdentities;
      const key = members[i + 1] as IdentityKey;
      const slot = ids.slots.get(key);
      if (slot !== undefined && slot >>> GROUP_BITS === number) {
        ids.slots.delete(key);
        removed++;
      }
    }
    this.groups[number] = undefined;
    this.members[number] = undefined;
    if (this.openGroup === number) {
      this.open = undefined;
      this.openFill = GROUP_SIZE;
    }
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
