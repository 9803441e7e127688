import type { AnyColumn } from '../../../sql/schema/column';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../../metadata/entity-metadata';
import type { InsertChange, PostUpdateChange } from '../change-set';
import type { FlushContext } from './flush-context';
import { insertRows } from './insert-rows';
import { arrayFiller } from '../../../runtime/array-literals';
import { storageOf } from '../tracking/storage';
import { columnReaders, type PendingRow, pendingRowOf, primaryKeySlots } from './row-values';

/**
 * An insert step: each new row's values (the instance's, with client-side defaults,
 * `@CreatedAt`/`@UpdatedAt` and the first `@Version` filled in where the instance has none),
 * written in batches of one column set, with generated keys and server defaults read back.
 * The values land in the flush context (children read their parents' keys from there), never
 * on the instances: the session applies them when the flush has succeeded.
 */
export async function persistInserts(ctx: FlushContext, meta: EntityMetadata, changes: readonly InsertChange[], deferred: readonly PostUpdateChange[] = []): Promise<void> {
  const nulled = deferredColumns(meta, deferred);
  const groups = new Map<string, { omitted: number[]; rows: PendingRow[] }>();
  const read = columnReaders(meta);
  const columns = meta.columns;
  // Mapped columns are read straight from the instance's storage (one lookup per row, not one reader call per column).
  const storage = storageOf(meta);
  let last: { omitted: number[]; rows: PendingRow[] } | undefined;
  // Reused per row with its own count (`length = 0` would drop its storage, reallocated by the
  // next push: one array per row); a group keeps a copy.
  const omitted: number[] = [];
  let nOmitted = 0;
  // The row's values become the instance's snapshot: a literal, see runtime/array-literals.ts.
  const blank = arrayFiller(columns.length);
  for (let c = 0; c < changes.length; c++) {
    const change = changes[c]!;
    const values = blank(undefined);
    nOmitted = 0;
    const nulls = nulled.size === 0 ? undefined : nulled.get(change.instance);
    const stored = storage.values(change.instance);
    for (let i = 0; i < columns.length; i++) {
      const c = columns[i]!;
      let v = nulls !== undefined && nulls.has(i) ? null : stored !== undefined && c.instance ? stored[i] : read[i]!(ctx, change.instance);
      if (v === undefined) v = initialValue(ctx, c);
      // The database generates it (an auto-increment key, given as undefined or null) or defaults it.
      if ((v === undefined || (v === null && c.autoIncrement)) && (c.autoIncrement || c.serverDefault !== undefined)) {
        omitted[nOmitted++] = i;
        values[i] = undefined;
      } else values[i] = v === undefined ? null : v;
    }
    // Rows of one step nearly always share a column set: compare with the last group first.
    let group = last !== undefined && sameSlots(last.omitted, omitted, nOmitted) ? last : undefined;
    if (group === undefined) {
      const own = omitted.slice(0, nOmitted);
      const signature = own.join(',');
      group = groups.get(signature);
      if (!group) groups.set(signature, (group = { omitted: own, rows: [] }));
    }
    last = group;
    group.rows.push(pendingRowOf(change, meta, values));
  }
  for (const { omitted, rows } of groups.values()) await writeGroup(ctx, meta, omitted, rows);
}

/** Whether `a` equals the first `n` slots of `b`. */
function sameSlots(a: readonly number[], b: readonly number[], n: number): boolean {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}

/** A new row's value for a column the instance left undefined; undefined when the database decides. */
function initialValue(ctx: FlushContext, c: ColumnProperty): unknown {
  if ((c.createdAt || c.updatedAt) && c.serverDefault === undefined) return ctx.timestamp();
  const d = c.default;
  if (d === undefined) return undefined;
  return 'fn' in d ? d.fn() : d.value;
}

/** Per instance, the column slots written as NULL because their relationship is set by a post-update. */
function deferredColumns(meta: EntityMetadata, deferred: readonly PostUpdateChange[]): Map<object, Set<number>> {
  const out = new Map<object, Set<number>>();
  for (const p of deferred) {
    const set = out.get(p.instance) ?? new Set<number>();
    for (const slot of slotsOf(meta, p.relation)) set.add(slot);
    out.set(p.instance, set);
  }
  return out;
}

function slotsOf(meta: EntityMetadata, relation: RelationProperty): number[] {
  return relation.joinColumns.map((jc) => meta.columns.findIndex((c) => c.name === jc.name));
}

async function writeGroup(ctx: FlushContext, meta: EntityMetadata, omitted: readonly number[], rows: readonly PendingRow[]): Promise<void> {
  const table = meta.table;
  const skip = new Set(omitted);
  const written = meta.columns.map((_c, i) => i).filter((i) => !skip.has(i));
  const core = (i: number): AnyColumn => table.$column(meta.columns[i]!.name);
  const generatedSlot = omitted.find((i) => meta.columns[i]!.autoIncrement);
  const pkSlots = primaryKeySlots(meta);
  // Read back: the generated key first, then server defaults; with client keys, the key to match rows on.
  const back = [...(generatedSlot === undefined ? [] : [generatedSlot]), ...omitted.filter((i) => i !== generatedSlot)];
  const keyed = generatedSlot === undefined && back.length > 0 && pkSlots.every((s) => !skip.has(s));
  if (keyed) back.push(...pkSlots);
  const batch = {
    table,
    columns: written.map(core),
    rows: rows.map((r) => r.values),
    slots: written,
    returning: back.map(core),
    generated: generatedSlot === undefined ? undefined : core(generatedSlot),
    keyMatch: keyed ? { written: pkSlots.map((s) => written.indexOf(s)), returned: pkSlots.map((_s, k) => back.length - pkSlots.length + k) } : undefined,
    // The rows are the PendingRows' values: a key read from the last insert id goes straight in.
    keyInto: generatedSlot,
  };
  const readBack = await insertRows(ctx, batch);
  for (let r = 0; r < rows.length; r++) {
    const row = rows[r]!;
    const got = readBack[r];
    if (got !== undefined) for (let k = 0; k < back.length; k++) row.values[back[k]!] = got[k];
    ctx.addInserted(row);
  }
}
