import { type InstanceState, setLoadedValues, setStateStamper, StateField } from '../../identity/instance-state';
import { MappingError } from '../../../errors/errors';
import type { EntityMetadata } from '../../metadata/entity-metadata';

/**
 * Where an entity instance keeps its mapped values once accessors are installed on its class:
 * private fields stamped on the instance (the same technique as the instance state, see
 * identity/instance-state.ts), invisible to spreads, JSON, `Object.keys` and equality.
 *
 * - `values`: column values aligned with `meta.columns` (foreign keys and the discriminator
 *   included, as loaded). A hydrated instance's values ARE its state's snapshot (the decoded
 *   row): hydration copies nothing, and the first write copies the array (copy-on-write), so
 *   the snapshot is never mutated.
 * - `refs`: the owning to-one relationships' values (a Ref or null), materialized from the
 *   foreign-key values on first read: the value itself when the class has one such
 *   relationship (no array to allocate), else an array aligned with `foreignKeyRelations(meta)`.
 *
 * One storage class per entity class: each has its own private names, so the brand checks in
 * the accessors of one entity see one hidden class (monomorphic), not every entity's.
 */
export interface Storage {
  /** Stamp (or restamp) `target` with values (and no materialized refs). */
  reset(target: object, values: unknown[] | undefined): void;
  values(target: object): unknown[] | undefined;
  setValues(target: object, values: unknown[]): void;
  refs(target: object): unknown;
  setRefs(target: object, refs: unknown): void;
  /** Stamp `target`, which has no storage yet, with its fields and `state` (see attachState). */
  stampState(target: object, state: InstanceState): void;
}

function makeStorage(meta: EntityMetadata): Storage {
  // The state field comes from the base (identity/instance-state.ts): one stamp gives an object
  // all three fields, at its first value (or when hydration makes it, or a session takes it).
  class Slot extends StateField {
    #values: unknown[] | undefined;
    #refs: unknown;

    private constructor(target: object, values: unknown[] | undefined, state: InstanceState | undefined) {
      super(target, state);
      this.#values = values;
      this.#refs = undefined;
    }

    /** The first stamp of `target` (it has none of this class's fields). */
    static stamp(target: object, values: unknown[] | undefined, state: InstanceState | undefined): void {
      if (StateField.has(target)) throw usedAsAnother(meta, target);
      new Slot(target, values, state);
    }

    static reset(target: object, values: unknown[] | undefined): void {
      if (#values in target) {
        (target as Slot).#values = values;
        (target as Slot).#refs = undefined;
        // Hydration's objects are made for this class a moment before: no other class's fields to look for.
      } else new Slot(target, values, undefined);
    }

    static values(target: object): unknown[] | undefined {
      return #values in target ? (target as Slot).#values : undefined;
    }

    static setValues(target: object, values: unknown[]): void {
      if (#values in target) (target as Slot).#values = values;
      else Slot.stamp(target, values, undefined);
    }

    static refs(target: object): unknown {
      return #refs in target ? (target as Slot).#refs : undefined;
    }

    static setRefs(target: object, refs: unknown): void {
      if (!(#refs in target)) Slot.stamp(target, undefined, undefined);
      (target as Slot).#refs = refs;
    }
  }
  return {
    reset: (t, v) => Slot.reset(t, v),
    values: (t) => Slot.values(t),
    setValues: (t, v) => Slot.setValues(t, v),
    refs: (t) => Slot.refs(t),
    setRefs: (t, r) => Slot.setRefs(t, r),
    stampState: (t, s) => Slot.stamp(t, undefined, s),
  };
}

/** An object already stamped by another entity class's storage: mapped as two entities. */
function usedAsAnother(meta: EntityMetadata, target: object): MappingError {
  return new MappingError(
    `A ${target.constructor?.name ?? 'object'} is used as a ${meta.name} entity, but it was first used as an entity of another class: an object is one entity, of the class it was made with.`,
  );
}

const storages = new WeakMap<EntityMetadata, Storage>();

/** The storage of one entity class (a single-table subclass has its own). */
export function storageOf(meta: EntityMetadata): Storage {
  // Asked per object on some paths (a loaded entity's state made on its first write): the last one is kept at hand.
  if (meta === lastMeta) return lastStorage!;
  let s = storages.get(meta);
  if (s === undefined) {
    s = makeStorage(meta);
    storages.set(meta, s);
  }
  lastMeta = meta;
  lastStorage = s;
  return s;
}

let lastMeta: EntityMetadata | undefined;
let lastStorage: Storage | undefined;

setStateStamper((instance, state) => storageOf(state.meta).stampState(instance, state));
setLoadedValues((meta, instance) => storageOf(meta).values(instance));

/** The current column values of an instance (aligned with `meta.columns`), if it has storage. */
export function valuesOf(meta: EntityMetadata, instance: object): unknown[] | undefined {
  return storageOf(meta).values(instance);
}
