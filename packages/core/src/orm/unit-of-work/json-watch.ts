import type { InstanceState } from '../identity/instance-state';
import type { EntityMetadata } from '../metadata/entity-metadata';
import { serializeJson } from './tracking/equality';
import { storageOf } from './tracking/storage';

/**
 * JSON values changed in place, a documented choice: a read of a JSON property of a persistent
 * object (through its accessor, or `toObject`) puts it on the unit of work's watch list with the
 * value's serialization as first seen; every flush re-serializes the watched values and writes
 * those that differ. The list lives until the transaction ends, so a reference kept across an
 * autoflush is still watched; its cost is one serialization per watched value per flush, paid
 * only by objects whose JSON was read. `JSON.stringify(entity)` does not watch.
 */

/** A persistent object whose JSON values were read: their serialization when first read (by column slot). */
export interface JsonWatch {
  readonly state: InstanceState;
  baselines: (string | undefined)[];
}

/** Put a JSON column of a persistent object on the watch list (its baseline is taken once, at the first read). */
export function watchJsonSlot(watches: Map<object, JsonWatch>, instance: object, state: InstanceState, slot: number): void {
  let watch = watches.get(instance);
  if (watch === undefined) {
    watch = { state, baselines: [] };
    watches.set(instance, watch);
  }
  if (watch.baselines[slot] === undefined) {
    // Serialized as loaded (or last flushed): an in-place change shows as a different text at flush.
    const snapshot = state.snapshot;
    watch.baselines[slot] = serializeJson(snapshot === undefined ? storageOf(state.meta).values(instance)?.[slot] : snapshot[slot]);
  }
}

/** Whether a watched JSON value no longer serializes as its baseline. */
export function jsonChangedInPlace(instance: object, watch: JsonWatch): boolean {
  const values = storageOf(watch.state.meta).values(instance);
  return watch.baselines.some((b, slot) => b !== undefined && serializeJson(values?.[slot]) !== b);
}

const jsonSlots = new WeakMap<EntityMetadata, readonly number[]>();

/** The column slots of `meta` holding JSON (cached per metadata). */
export function jsonSlotsOf(meta: EntityMetadata): readonly number[] {
  let slots = jsonSlots.get(meta);
  if (slots === undefined) {
    slots = meta.columns.flatMap((c, i) => (c.instance && c.type.kind === 'json' ? [i] : []));
    jsonSlots.set(meta, slots);
  }
  return slots;
}
