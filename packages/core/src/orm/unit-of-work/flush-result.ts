import { type IdentityKey, identityOf, keyPart } from '../identity/identity-key';
import { keepExemplar } from '../../runtime/exemplars';
import type { InstanceState } from '../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { Ref } from '../relations/ref';
import { FLUSH_CONTEXT_EXEMPLAR, type FlushContext } from './persister/flush-context';
import { type PendingRow, primaryKeySlots } from './persister/row-values';
import { foreignKeyRelations, foreignKeySlots } from './row-links';
import { hasAccessors } from './tracking/accessors';
import { type Storage, storageOf } from './tracking/storage';
import { type ToOneAccess, toOneAccess } from './tracking/to-one';

/**
 * What a flush wrote, kept apart from the instances until the session decides to apply it.
 *
 * Decision: a flush never writes to instances or states while it runs. Keys, defaults,
 * timestamps and versions are assigned into pending results (the flush context), children read
 * their parents' keys from there, and a failed flush is simply discarded: pending objects stay
 * pending, with no half-assigned keys and nothing to restore. After the statements succeeded,
 * the session calls `apply()`, which writes the results onto the instances and states, tells
 * the session's listener, and returns an `undo` for the case where the surrounding transaction
 * later rolls back (an autoflush succeeded, a later statement failed): it puts the values, Ref
 * keys, snapshots and identity keys back as they were before `apply()`.
 */

export interface InsertedRow {
  readonly state: InstanceState;
  readonly instance: object;
  readonly meta: EntityMetadata;
  readonly key: IdentityKey;
  /** The row as inserted (generated keys and server defaults read back), aligned with `meta.columns`. */
  readonly values: readonly unknown[];
}

export interface UpdatedRow {
  readonly state: InstanceState;
  readonly instance: object;
  readonly meta: EntityMetadata;
  /** The row's identity after the update (changes only when the update set the primary key). */
  readonly key: IdentityKey;
  /** The row's next snapshot (new version and `@UpdatedAt` included). */
  readonly values: readonly unknown[];
  /** The columns the UPDATE set (slots in `meta.columns`). */
  readonly slots: readonly number[];
}

export interface DeletedRow {
  readonly state: InstanceState;
  readonly instance: object;
  readonly meta: EntityMetadata;
}

/** What the session does with each row once results are applied (identity map, statuses). */
export interface FlushListener {
  /**
   * How a property is written (keys, defaults, versions, and their undo). Default: plain
   * assignment. A session whose property accessors record writes passes a writer that
   * bypasses them, so applying a flush does not make its objects dirty again.
   */
  write?(instance: object, property: string, value: unknown): void;
  onInserted?(state: InstanceState, key: IdentityKey, instance: object): void;
  onUpdated?(state: InstanceState, instance: object): void;
  onDeleted?(state: InstanceState, instance: object): void;
}

export type Undo = () => void;

/**
 * What `apply()` overwrote, as flat parallel arrays (one entry per property or Ref key it
 * changed: no closure per change, which at 60k rows costs more than the flush's own work).
 */
type Writer = (instance: object, property: string, value: unknown) => void;

const assignProperty: Writer = (instance, property, value) => {
  (instance as Record<string, unknown>)[property] = value;
};

class UndoLog {
  constructor(readonly write: Writer) {}

  private readonly targets: object[] = [];
  private readonly names: (string | undefined)[] = [];
  private readonly previous: unknown[] = [];
  private readonly had: boolean[] = [];
  private readonly states: InstanceState[] = [];
  private readonly keys: (IdentityKey | undefined)[] = [];
  private readonly snapshots: (unknown[] | undefined)[] = [];
  private readonly refs: Ref<object, unknown>[] = [];
  private readonly refKeys: unknown[] = [];
  /** New rows applied: their undo is kept on them (PendingRow.prior…), not in arrays here. */
  inserted: readonly PendingRow[] = [];

  property(target: object, name: string): void {
    const previous = (target as Record<string, unknown>)[name];
    this.targets.push(target);
    this.names.push(name);
    this.previous.push(previous);
    this.had.push(previous !== undefined || name in target);
  }

  refKey(ref: Ref<object, unknown>): void {
    this.refs.push(ref);
    this.refKeys.push(ref.key);
  }

  state(state: InstanceState): void {
    this.states.push(state);
    this.keys.push(state.key);
    this.snapshots.push(state.snapshot);
  }

  undo(): void {
    for (let i = this.states.length - 1; i >= 0; i--) {
      const state = this.states[i]!;
      state.key = this.keys[i];
      state.snapshot = this.snapshots[i];
    }
    for (let i = this.targets.length - 1; i >= 0; i--) {
      const target = this.targets[i] as Record<string, unknown>;
      const name = this.names[i];
      if (name === undefined) (target as unknown as Ref<object, unknown>).key = this.previous[i];
      else if (this.had[i]) this.write(target, name, this.previous[i]);
      else delete target[name];
    }
    for (let i = this.refs.length - 1; i >= 0; i--) this.refs[i]!.key = this.refKeys[i];
    const inserted = this.inserted;
    for (let i = inserted.length - 1; i >= 0; i--) {
      const row = inserted[i]!;
      row.state.key = row.priorKey;
      row.state.snapshot = row.priorSnapshot;
      if (row.priorValues !== undefined) unswap(row.instance, row.meta, row.priorValues, row.values);
    }
    this.targets.length = 0;
    this.states.length = 0;
    this.refs.length = 0;
    this.inserted = [];
  }
}

export class FlushOutcome {
  readonly inserted: readonly InsertedRow[];
  readonly updated: readonly UpdatedRow[];
  readonly deleted: readonly DeletedRow[];
  readonly links: number;
  readonly unlinks: number;
  /** Statements the flush sent. */
  readonly statements: number;

  /** @internal */
  constructor(ctx: FlushContext) {
    // The pending rows become the results (one object per row, not two).
    let count = 0;
    for (const rows of ctx.inserted.values()) count += rows.length;
    const inserted = new Array<InsertedRow>(count);
    let at = 0;
    for (const rows of ctx.inserted.values()) {
      for (let i = 0; i < rows.length; i++) {
        const r = rows[i]!;
        r.key = keyOf(r.meta, r.values);
        inserted[at++] = r as InsertedRow;
      }
    }
    this.inserted = inserted;
    const updated = ctx.updated;
    // Rows of one column set share their slots array: whether it touches the key is decided once per set.
    let lastSlots: readonly number[] | undefined;
    let setsKey = false;
    for (let i = 0; i < updated.length; i++) {
      const r = updated[i]!;
      if (r.slots !== lastSlots) {
        const pk = primaryKeySlots(r.meta);
        lastSlots = r.slots;
        setsKey = r.slots.some((s) => pk.includes(s));
      }
      // The key moves only when the update set a primary-key column.
      r.key = r.state.key !== undefined && !setsKey ? r.state.key : keyOf(r.meta, r.values);
    }
    this.updated = updated as UpdatedRow[];
    this.deleted = ctx.deleted;
    this.links = ctx.links;
    this.unlinks = ctx.unlinks;
    this.statements = ctx.statements;
  }

  /**
   * Write the results onto instances (keys, defaults, timestamps, versions; Refs to new rows
   * get their key) and states (identity key — an update changes it only when it set the
   * primary key; the row's values become its snapshot, the outcome's arrays handed over, not
   * copied), then call the listener. Returns the undo.
   */
  apply(listener: FlushListener = {}): Undo {
    const log = new UndoLog(listener.write ?? assignProperty);
    // With quiet writes (a session), an instance keeping its values in storage takes its
    // inserted row as its values, which is also its snapshot (as a hydrated one): one swap
    // instead of a compare and write per column; the next write copies it.
    const quiet = listener.write !== undefined;
    let meta: EntityMetadata | undefined;
    let store: Storage | undefined;
    let plan: ToOnePlan | undefined;
    let stored = false;
    const inserted = this.inserted as PendingRow[];
    log.inserted = inserted;
    for (let i = 0; i < inserted.length; i++) {
      const row = inserted[i]!;
      if (row.meta !== meta) {
        meta = row.meta;
        store = storageOf(meta);
        plan = toOnePlan(meta);
        stored = hasAccessors(meta);
      }
      const { state } = row;
      const current = quiet ? store!.values(row.instance) : undefined;
      if (current !== undefined && current !== state.snapshot) {
        row.priorValues = current;
        store!.setValues(row.instance, row.values);
      } else {
        row.priorValues = undefined;
        assign(row.instance, meta, row.values, log);
      }
      if (plan!.relations.length !== 0) fixRefs(row.instance, plan!, row.values, log, stored);
      row.priorKey = state.key;
      row.priorSnapshot = state.snapshot;
      state.key = row.key!;
      state.snapshot = row.values as unknown[];
      listener.onInserted?.(state, row.key!, row.instance);
    }
    meta = undefined;
    const updated = this.updated;
    for (let i = 0; i < updated.length; i++) {
      const row = updated[i]!;
      if (row.meta !== meta) {
        meta = row.meta;
        plan = toOnePlan(meta);
        stored = hasAccessors(meta);
      }
      assign(row.instance, meta, row.values, log, row.slots);
      if (plan!.relations.length !== 0) fixRefs(row.instance, plan!, row.values, log, stored);
      log.state(row.state);
      row.state.snapshot = row.values as unknown[];
      if (row.state.key !== row.key) row.state.key = row.key;
      listener.onUpdated?.(row.state, row.instance);
    }
    for (const row of this.deleted) listener.onDeleted?.(row.state, row.instance);
    return () => log.undo();
  }
}

function keyOf(meta: EntityMetadata, values: readonly unknown[]): IdentityKey {
  const slots = primaryKeySlots(meta);
  return slots.length === 1 ? keyPart(values[slots[0]!]) : identityOf(slots.map((s) => values[s]));
}

/** Set the mapped properties whose value the flush decided (a key, a default, a version). */
function assign(instance: object, meta: EntityMetadata, values: readonly unknown[], log: UndoLog, only?: readonly number[]): void {
  const target = instance as Record<string, unknown>;
  const columns = meta.columns;
  const n = only === undefined ? columns.length : only.length;
  for (let k = 0; k < n; k++) {
    const i = only === undefined ? k : only[k]!;
    const c = columns[i]!;
    const v = values[i];
    if (!c.instance || v === undefined || target[c.name] === v) continue;
    log.property(target, c.name);
    log.write(target, c.name, v);
  }
}

/**
 * Undo a swap: the values as they are now, with the columns the row decided (and the columns
 * no property maps, which only the row held) put back as they were before.
 */
function unswap(instance: object, meta: EntityMetadata, before: unknown[], row: readonly unknown[]): void {
  const store = storageOf(meta);
  const next = (store.values(instance) ?? row).slice();
  const columns = meta.columns;
  for (let i = 0; i < columns.length; i++) {
    if (!columns[i]!.instance || (row[i] !== undefined && row[i] !== before[i])) next[i] = before[i];
  }
  store.setValues(instance, next);
}

/** Per class, its owning to-one relationships with their storage accesses and foreign-key slots. */
interface ToOnePlan {
  readonly relations: readonly RelationProperty[];
  readonly accesses: readonly ToOneAccess[];
  readonly slots: readonly (readonly number[])[];
}

const toOnePlans = new WeakMap<EntityMetadata, ToOnePlan>();

function toOnePlan(meta: EntityMetadata): ToOnePlan {
  let plan = toOnePlans.get(meta);
  if (plan === undefined) {
    const relations = foreignKeyRelations(meta);
    plan = { relations, accesses: relations.map((r) => toOneAccess(meta, r)), slots: relations.map((r) => foreignKeySlots(meta, r)) };
    toOnePlans.set(meta, plan);
  }
  return plan;
}

/**
 * A Ref that holds a new entity learns the key it was inserted under. With accessors (`stored`
 * true), only a Ref already made is looked at: one made later from the row's values has the key.
 */
function fixRefs(instance: object, plan: ToOnePlan, values: readonly unknown[], log: UndoLog, stored: boolean): void {
  const relations = plan.relations;
  for (let r = 0; r < relations.length; r++) {
    const relation = relations[r]!;
    // A held target (no Ref made yet) needs nothing: its Ref, made on first read, reads the key then.
    const ref = stored ? plan.accesses[r]!.peek(instance) : (instance as Record<string, unknown>)[relation.name];
    if (!(ref instanceof Ref)) continue;
    const slots = plan.slots[r]!;
    let key: unknown;
    if (slots.length === 1) {
      key = values[slots[0]!];
      if (key === null || key === undefined || ref.key === key) continue;
    } else {
      const parts = slots.map((s) => values[s]);
      if (parts.some((p) => p === null || p === undefined)) continue;
      key = Object.fromEntries(relation.target.primaryKey.map((c, i) => [c.name, parts[i]]));
    }
    log.refKey(ref);
    ref.key = key;
  }
}

// See runtime/exemplars.ts: a flush's outcome and undo log die with their flush; these keep their classes.
keepExemplar(new FlushOutcome(FLUSH_CONTEXT_EXEMPLAR));
keepExemplar(new UndoLog(assignProperty));
