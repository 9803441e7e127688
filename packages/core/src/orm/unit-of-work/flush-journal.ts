import { keepExemplar } from '../../runtime/exemplars';
import type { EntityIdentities } from '../identity/identity-map';
import type { InstanceState } from '../identity/instance-state';
import type { EntityMetadata } from '../metadata/entity-metadata';
import type { Collection } from '../relations/collection';
import type { FlushListener, FlushOutcome, Undo } from './flush-result';
import { writeQuietly } from './tracking/accessors';
import { parseJson, serializeJson } from './tracking/equality';
import { storageOf } from './tracking/storage';
import type { UnitOfWork } from './unit-of-work';

/**
 * What a session must be able to take back while its transaction (or savepoint) is open: the
 * flushes applied to objects (keys, snapshots, statuses, identity-map entries) and the items
 * collections had. An Epoch is one transaction level: a savepoint opens a child epoch (merged
 * into its parent when released, reverted when rolled back); commit starts afresh.
 *
 * Reverting puts objects back as the database has them after the rollback: flushes undone,
 * objects added since become transient again, deleted ones persistent, changed values go
 * back to their snapshot (JSON values to what they were when first read), collections to
 * their items. SQLAlchemy expires everything instead; an async property read cannot reload,
 * and the unit of work already holds what the rows contain.
 */

export interface FlushRecord {
  undo: Undo;
  /** The outcome's rows (not copied: a flush of 60k rows would make 60k more objects). */
  readonly inserted: readonly { readonly instance: object; readonly state: InstanceState }[];
  readonly updated: readonly { readonly instance: object; readonly state: InstanceState }[];
  readonly deleted: { readonly instance: object; readonly state: InstanceState }[];
  /** JSON baselines as they were before the flush took new ones. */
  readonly json: Map<object, (string | undefined)[]>;
}

export class Epoch {
  readonly records: FlushRecord[] = [];
  /** Collections changed in this epoch, with their items before the first change. */
  readonly collections = new Map<Collection<object>, object[] | undefined>();

  constructor(readonly parent?: Epoch) {}

  /** A released savepoint's epoch becomes part of its parent's. */
  mergeInto(parent: Epoch): void {
    parent.records.push(...this.records);
    for (const [c, items] of this.collections) if (!parent.collections.has(c)) parent.collections.set(c, items);
  }
}

/**
 * Apply a successful flush's outcome to the objects (FlushOutcome.apply plus the session's
 * bookkeeping: statuses, identity map, sets) and journal it.
 */
export function applyOutcome(uow: UnitOfWork, outcome: FlushOutcome): FlushRecord {
  const record: FlushRecord = { undo: () => undefined, inserted: outcome.inserted, updated: outcome.updated, deleted: [], json: new Map() };
  const map = uow.host.identityMap;
  let root: EntityMetadata | undefined;
  let ids: EntityIdentities | undefined;
  let meta: EntityMetadata | undefined;
  let json = false;
  // Every pending object inserted (the usual case): the set is cleared at once, not row by row.
  const all = uow.pending.size === outcome.inserted.length;
  record.undo = outcome.apply({
    // Keys, defaults and versions go into the storage without being recorded as changes (the undo too).
    write: writeQuietly,
    onInserted: (state, key, instance) => {
      state.status = 'persistent';
      if (!all) uow.pending.delete(instance);
      if (state.meta !== meta) {
        meta = state.meta;
        const r = meta.inheritance?.root ?? meta;
        if (r !== root) {
          root = r;
          ids = map.entities(r);
        }
        json = uow.hasJson(meta);
      }
      // identityMap.put without settling per row: the map settles once, below.
      ids!.add(key, instance, state);
      if (json) uow.watchJson(instance, state);
    },
    onDeleted: (state, instance) => {
      map.remove(instance, state);
      state.status = 'deleted';
      uow.forget(instance);
      uow.detachFromParents(instance, state);
      record.deleted.push({ instance, state });
    },
  });
  map.settle();
  if (all) uow.pending.clear();
  const updated = record.updated;
  for (let i = 0; uow.json.size !== 0 && i < updated.length; i++) {
    const { instance, state } = updated[i]!;
    const watch = uow.json.get(instance);
    if (watch === undefined) continue;
    record.json.set(instance, watch.baselines.slice());
    const values = storageOf(state.meta).values(instance);
    watch.baselines.forEach((b, slot) => {
      if (b !== undefined) watch.baselines[slot] = serializeJson(values?.[slot]);
    });
  }
  uow.epoch.records.push(record);
  return record;
}

/** Take back one journaled flush (newest first): objects as they were before it was applied. */
function undoRecord(uow: UnitOfWork, record: FlushRecord, touched: Set<object>): void {
  const map = uow.host.identityMap;
  // While the states still have their keys: the identity map forgets the inserted rows.
  for (const { instance, state } of record.inserted) map.remove(instance, state);
  record.undo();
  for (const { instance, state } of record.inserted) {
    state.status = 'pending';
    uow.pending.add(instance);
  }
  for (const { instance } of record.updated) touched.add(instance);
  for (const { instance, state } of record.deleted) {
    state.status = 'persistent';
    map.put(instance, state);
    touched.add(instance);
  }
  for (const [instance, baselines] of record.json) {
    const watch = uow.json.get(instance);
    if (watch !== undefined) watch.baselines = baselines;
  }
}

/**
 * Revert the current epoch: its flushes undone, then every change not in the database
 * discarded. The unit of work returns to the parent epoch (a fresh one at the top).
 */
export function revertEpoch(uow: UnitOfWork): void {
  const epoch = uow.epoch;
  const touched = new Set<object>();
  for (let i = epoch.records.length - 1; i >= 0; i--) undoRecord(uow, epoch.records[i]!, touched);
  discardChanges(uow, touched);
  for (const [collection, items] of epoch.collections) collection.items = items;
  uow.epoch = epoch.parent ?? new Epoch();
}

/** Drop every unflushed change: objects back to their snapshot, pending ones transient. */
function discardChanges(uow: UnitOfWork, touched: Set<object>): void {
  for (const instance of uow.pending) {
    const state = uow.stateIn(instance);
    if (state === undefined) continue;
    state.status = 'transient';
    state.session = undefined;
    state.key = undefined;
    state.snapshot = undefined;
  }
  uow.pending.clear();
  for (const instance of uow.deleted) touched.add(instance);
  uow.deleted.clear();
  for (const instance of uow.dirty.keys()) touched.add(instance);
  for (const instance of uow.json.keys()) touched.add(instance);
  for (const instance of touched) {
    const state = uow.stateIn(instance);
    if (state === undefined || state.snapshot === undefined) continue;
    let snapshot = state.snapshot;
    const watch = uow.json.get(instance);
    if (watch !== undefined) {
      // In-place changes live in the snapshot's own JSON objects: rebuild them from the baselines.
      snapshot = snapshot.slice();
      watch.baselines.forEach((b, slot) => {
        if (b !== undefined && !b.startsWith('\u0000unserializable')) snapshot[slot] = parseJson(b);
      });
      state.snapshot = snapshot;
    }
    storageOf(state.meta).reset(instance, snapshot);
  }
  uow.dirty.clear();
  uow.json.clear();
  uow.associations.clear();
  uow.orphans.clear();
}

// See runtime/exemplars.ts: the listener and record of a flush die with its session; these keep their classes.
keepExemplar<FlushListener>({ write: writeQuietly, onInserted: () => undefined, onDeleted: () => undefined });
keepExemplar<FlushRecord>({ undo: () => undefined, inserted: [], updated: [], deleted: [], json: new Map() });
