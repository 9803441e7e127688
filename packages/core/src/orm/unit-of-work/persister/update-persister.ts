import { InvalidArgumentError } from '../../../errors/errors';
import type { IdentityKey } from '../../identity/identity-key';
import type { InstanceState } from '../../identity/instance-state';
import type { ColumnProperty, EntityMetadata } from '../../metadata/entity-metadata';
import type { PostUpdateChange, UpdateChange } from '../change-set';
import { foreignKeySlots } from '../row-links';
import type { FlushContext, UpdatedRow } from './flush-context';
import { columnReaders, primaryKeySlots, targetKey } from './row-values';
import { type UpdateRow, updateRows } from './update-rows';

/**
 * An update step: only the changed columns, plus `@UpdatedAt` (the flush's time, unless the
 * change sets it) and `@Version` (incremented, and checked: `WHERE id = ? AND version = ?`).
 * Rows with the same column set go together. Each row's next snapshot is kept in the flush
 * context for the session to apply once the flush succeeded.
 */
export async function persistUpdates(ctx: FlushContext, meta: EntityMetadata, changes: readonly UpdateChange[]): Promise<void> {
  const columns = meta.columns;
  const read = columnReaders(meta);
  const pk = primaryKeySlots(meta);
  const versionSlot = meta.version === undefined ? -1 : columns.findIndex((c) => c.name === meta.version!.name);
  const slotOf = columnSlots(meta);
  // Columns every update of this entity sets: @UpdatedAt and @Version.
  const automatic = columns.map((c, i) => (c.updatedAt || i === versionSlot ? i : -1)).filter((i) => i >= 0);
  const groups = new Map<string, { slots: number[]; rows: UpdatedRow[] }>();
  // Consecutive changes usually name the same columns: reuse the last one's slots and group.
  let lastColumns: UpdateChange['columns'] | undefined;
  let last: { ordered: number[]; sources: Uint8Array; group: { slots: number[]; rows: UpdatedRow[] } } | undefined;
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c]!;
    if (change.columns.length === 0) continue;
    const before = change.state.snapshot;
    if (before === undefined) {
      throw new InvalidArgumentError(`${change.state}: an update needs the values the row was loaded with (its snapshot); the instance has none.`);
    }
    if (last === undefined || !sameColumns(lastColumns!, change.columns)) {
      const explicit = change.columns.map((c) => slotOf.get(c.name)!);
      const ordered = automatic.length === 0 && explicit.length === 1 ? explicit : [...new Set([...explicit, ...automatic])].sort((a, b) => a - b);
      const signature = ordered.join(',');
      let group = groups.get(signature);
      if (!group) groups.set(signature, (group = { slots: ordered, rows: [] }));
      // Where each set column's value comes from, decided once per column set (not per row).
      const sources = new Uint8Array(ordered.length);
      for (let k = 0; k < ordered.length; k++) sources[k] = ordered[k] === versionSlot ? VERSION : explicit.includes(ordered[k]!) ? INSTANCE : TIMESTAMP;
      last = { ordered, sources, group };
      lastColumns = change.columns;
    }
    const { ordered, sources, group } = last;
    // The row's next snapshot; the UPDATE reads its set values from it, and its key (and
    // expected version) from `before`: no per-row arrays besides this one.
    const values = before.slice();
    for (let k = 0; k < ordered.length; k++) {
      const s = ordered[k]!;
      const source = sources[k];
      const v = source === INSTANCE ? read[s]!(ctx, change.instance) : source === VERSION ? nextVersion(before[s]) : ctx.timestamp();
      values[s] = v === undefined ? null : v;
    }
    const row = updatedRowOf(change, meta, values, before, ordered);
    ctx.updated.push(row);
    group.rows.push(row);
  }
  for (const { slots, rows } of groups.values()) {
    const set = slots.map((s) => columns[s]!);
    const version = versionSlot >= 0 ? columns[versionSlot] : undefined;
    await updateRows(ctx, { meta, set, version, rows: { rows, setSlots: slots, keySlots: pk, versionSlot }, check: true });
  }
}

/**
 * An update change already shaped as the UpdatedRow it becomes (as insertChange for inserts):
 * persistUpdates fills in the row and uses the same object, one record per row through the flush.
 */
export function updateChange(state: InstanceState, instance: object, columns: readonly ColumnProperty[]): UpdateChange {
  const change: UpdateChange & Record<'meta' | 'values' | 'before' | 'slots' | 'key', unknown> = {
    kind: 'update',
    state,
    instance,
    columns,
    meta: state.meta,
    values: undefined,
    before: undefined,
    slots: undefined,
    key: undefined,
  };
  return change;
}

function updatedRowOf(change: UpdateChange, meta: EntityMetadata, values: unknown[], before: unknown[], slots: readonly number[]): UpdatedRow {
  if (!('slots' in change)) return { state: change.state, instance: change.instance, meta, values, before, slots, key: undefined };
  const row = change as unknown as { meta: EntityMetadata; values: unknown[]; before: unknown[]; slots: readonly number[]; key: IdentityKey | undefined };
  row.meta = meta;
  row.values = values;
  row.before = before;
  row.slots = slots;
  row.key = undefined;
  return row as unknown as UpdatedRow;
}

/** Where a set column's value comes from: the instance, the next version, the flush's time. */
const INSTANCE = 0;
const VERSION = 1;
const TIMESTAMP = 2;

function sameColumns(a: UpdateChange['columns'], b: UpdateChange['columns']): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

const slotMaps = new WeakMap<EntityMetadata, Map<string, number>>();

/** Column property name → its slot in `meta.columns`. */
function columnSlots(meta: EntityMetadata): Map<string, number> {
  let map = slotMaps.get(meta);
  if (map === undefined) slotMaps.set(meta, (map = new Map(meta.columns.map((c, i) => [c.name, i]))));
  return map;
}

function nextVersion(current: unknown): unknown {
  if (typeof current === 'bigint') return current + 1n;
  return current === null || current === undefined ? 1 : Number(current) + 1;
}

/**
 * Post-updates: a cycle's foreign keys, set once both rows exist (the new row's pending values
 * follow), or cleared before the rows are deleted. Neither checks nor moves `@Version`: the
 * rows were just inserted, or are about to be deleted with their version checked.
 */
export async function persistPostUpdates(ctx: FlushContext, meta: EntityMetadata, changes: readonly PostUpdateChange[]): Promise<void> {
  const pk = primaryKeySlots(meta);
  const byRelation = new Map<PostUpdateChange['relation'], { nullify: boolean; rows: UpdateRow[] }[]>();
  for (const change of changes) {
    const slots = foreignKeySlots(meta, change.relation);
    const inserted = ctx.insertedRow(change.instance, meta);
    const source = inserted?.values ?? change.state.snapshot;
    if (source === undefined) throw new InvalidArgumentError(`${change.state}: a post-update needs the row's key; the instance has none.`);
    const key = pk.map((s) => source[s]);
    const target = change.nullify ? null : targetKey(ctx, change.instance, change.relation);
    const set = slots.map((_s, i) => (target === null ? null : target[i]));
    if (inserted !== undefined) slots.forEach((s, i) => (inserted.values[s] = set[i]));
    const groups = byRelation.get(change.relation) ?? [];
    let group = groups.find((g) => g.nullify === (change.nullify ?? false));
    if (!group) groups.push((group = { nullify: change.nullify ?? false, rows: [] }));
    group.rows.push({ set, key });
    byRelation.set(change.relation, groups);
  }
  for (const [relation, groups] of byRelation) {
    const set = foreignKeySlots(meta, relation).map((s) => meta.columns[s]!);
    for (const g of groups) await updateRows(ctx, { meta, set, rows: g.rows, check: !g.nullify });
  }
}
