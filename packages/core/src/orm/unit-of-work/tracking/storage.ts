import { reserveState } from '../../identity/instance-state';
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
}

const Stamp = function stamp(target: object): object {
  return target;
} as unknown as new (target: object) => object;

function makeStorage(): Storage {
  class Slot extends Stamp {
    #values: unknown[] | undefined;
    #refs: unknown;

    private constructor(target: object, values: unknown[] | undefined) {
      super(target);
      this.#values = values;
      this.#refs = undefined;
    }

    static reset(target: object, values: unknown[] | undefined): void {
      if (#values in target) {
        (target as Slot).#values = values;
        (target as Slot).#refs = undefined;
      } else new Slot(target, values);
    }

    static values(target: object): unknown[] | undefined {
      return #values in target ? (target as Slot).#values : undefined;
    }

    static setValues(target: object, values: unknown[]): void {
      if (#values in target) (target as Slot).#values = values;
      else {
        new Slot(target, values);
        // A new object's first value: its state field now too (see reserveState). Hydration
        // (`reset`) attaches the state itself right after.
        reserveState(target);
      }
    }

    static refs(target: object): unknown {
      return #refs in target ? (target as Slot).#refs : undefined;
    }

    static setRefs(target: object, refs: unknown): void {
      if (!(#refs in target)) {
        new Slot(target, undefined);
        reserveState(target);
      }
      (target as Slot).#refs = refs;
    }
  }
  return {
    reset: (t, v) => Slot.reset(t, v),
    values: (t) => Slot.values(t),
    setValues: (t, v) => Slot.setValues(t, v),
    refs: (t) => Slot.refs(t),
    setRefs: (t, r) => Slot.setRefs(t, r),
  };
}

const storages = new WeakMap<EntityMetadata, Storage>();

/** The storage of one entity class (a single-table subclass has its own). */
export function storageOf(meta: EntityMetadata): Storage {
  let s = storages.get(meta);
  if (s === undefined) {
    s = makeStorage();
    storages.set(meta, s);
  }
  return s;
}

/** The current column values of an instance (aligned with `meta.columns`), if it has storage. */
export function valuesOf(meta: EntityMetadata, instance: object): unknown[] | undefined {
  return storageOf(meta).values(instance);
}
