import type { ResultRow } from '../../../engine/row-builder';
import { InvalidArgumentError } from '../../../errors/errors';
import { node } from '../../../sql/ast';
import type { AnyColumn } from '../../../sql/schema/column';
import type { AnyTable } from '../../../sql/schema/table';
import { identityOf } from '../../identity/identity-key';
import { stateOf } from '../../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../../metadata/entity-metadata';
import type { AssociationChange, DeleteChange } from '../change-set';
import type { FlushContext } from './flush-context';
import { insertRows } from './insert-rows';
import { keyCondition } from './key-conditions';
import { describeRow, keyOf, primaryKeySlots } from './row-values';
import { returningOf } from './shapes';
import { type CheckedRow, findStale, missingFrom, staleError } from './stale-rows';

/**
 * Deletes as `DELETE FROM t WHERE id IN (…)` (composite keys as row values), chunked under the
 * parameter limit; with `@Version`, `WHERE (id, version) IN ((?, ?), …)` and a count check that
 * names the stale rows. Many-to-many rows are unlinked and linked in batches the same way.
 */
export async function persistDeletes(ctx: FlushContext, meta: EntityMetadata, changes: readonly DeleteChange[]): Promise<void> {
  const table = meta.table;
  const keyCols = meta.primaryKey.map((c) => table.$column(c.name));
  const versionSlot = meta.version === undefined ? -1 : meta.columns.findIndex((c) => c.name === meta.version!.name);
  const matchCols = versionSlot >= 0 ? [...keyCols, table.$column(meta.version!.name)] : keyCols;
  const pk = primaryKeySlots(meta);
  const rows: CheckedRow[] = changes.map((c) => {
    const snapshot = c.state.snapshot;
    const key = snapshot !== undefined ? pk.map((s) => snapshot[s]) : keyOf(ctx, c.instance, meta);
    if (key === undefined || key.some((v) => v === null || v === undefined)) {
      throw new InvalidArgumentError(`Cannot delete ${describeRow(meta, undefined)}: it has no key (was it ever inserted?).`);
    }
    return versionSlot >= 0 ? { key, version: snapshot![versionSlot] } : { key };
  });
  const returning = versionSlot >= 0 && ctx.plan.deleteReturning;
  const per = Math.max(1, Math.floor(ctx.plan.maxParameters / matchCols.length));
  for (let start = 0; start < rows.length; start += per) {
    const chunk = rows.slice(start, start + per);
    const tuples = chunk.map((r) => (versionSlot >= 0 ? [...r.key, r.version] : r.key));
    const result = await ctx.runNode(
      node({ kind: 'delete', table: table.$ref(), where: keyCondition(ctx.plan, matchCols, tuples), returning: returning ? returningOf(keyCols) : undefined }),
    );
    if (versionSlot < 0 || result.rowCount === chunk.length) continue;
    if (returning) throw staleError(meta, 'DELETE', missingFrom(chunk, result.rows as ResultRow[], keyCols.map((c) => c.key)), true);
    throw await findStale(ctx, meta, chunk, 'DELETE');
  }
  for (const c of changes) ctx.deleted.push({ state: c.state, instance: c.instance, meta });
}

/** The association table's columns in one order (the owning side's), and a change's values in it. */
function linkRow(ctx: FlushContext, owning: RelationProperty, change: AssociationChange): unknown[] {
  const jt = change.relation.joinTable;
  const canonical = owning.joinTable;
  if (jt === undefined || canonical === undefined) {
    throw new InvalidArgumentError(`${change.relation.name}: a many-to-many change on a relationship without an association table.`);
  }
  const ownerMeta = stateOf(change.owner)?.meta ?? change.relation.inverse?.target;
  const ownerKey = ownerMeta === undefined ? undefined : keyOf(ctx, change.owner, ownerMeta);
  const targetKey = keyOf(ctx, change.target, change.relation.target);
  if (ownerKey === undefined || targetKey === undefined) {
    const who = ownerKey === undefined ? change.owner : change.target;
    throw new InvalidArgumentError(
      `Cannot ${change.kind} ${change.relation.name}: the ${who.constructor.name} has no key. Add it to the session (or cascade 'save' along ${change.relation.name}) so it is inserted first.`,
    );
  }
  const byColumn = new Map<string, unknown>();
  jt.ownerColumns.forEach((c, i) => byColumn.set(c, ownerKey[i]));
  jt.targetColumns.forEach((c, i) => byColumn.set(c, targetKey[i]));
  return [...canonical.ownerColumns, ...canonical.targetColumns].map((c) => byColumn.get(c));
}

/** Unlinks (batched DELETEs), then links (batched INSERTs), of one association table. */
export async function persistAssociations(ctx: FlushContext, owning: RelationProperty, changes: readonly AssociationChange[]): Promise<void> {
  const jt = owning.joinTable!;
  const table: AnyTable = jt.table;
  const columns: AnyColumn[] = [...jt.ownerColumns, ...jt.targetColumns].map((c) => table.$column(c));
  const unlinks = unique(changes.filter((c) => c.kind === 'unlink').map((c) => linkRow(ctx, owning, c)));
  const links = unique(changes.filter((c) => c.kind === 'link').map((c) => linkRow(ctx, owning, c)));
  const per = Math.max(1, Math.floor(ctx.plan.maxParameters / columns.length));
  for (let start = 0; start < unlinks.length; start += per) {
    const chunk = unlinks.slice(start, start + per);
    await ctx.runNode(node({ kind: 'delete', table: table.$ref(), where: keyCondition(ctx.plan, columns, chunk) }));
  }
  if (links.length > 0) await insertRows(ctx, { table, columns, rows: links, returning: [] });
  ctx.unlinks += unlinks.length;
  ctx.links += links.length;
}

function unique(rows: unknown[][]): unknown[][] {
  const seen = new Set<unknown>();
  return rows.filter((r) => {
    const id = identityOf(r);
    if (seen.has(id)) return false;
    seen.add(id);
    return true;
  });
}
