import type { ResultRow } from '../../../engine/row-builder';
import { StaleDataError } from '../../../errors/errors';
import { node } from '../../../sql/ast';
import type { ExprNode } from '../../../sql/ast';
import { resultColumnsOf } from '../../hydration/result-columns';
import { type IdentityKey, identityOf } from '../../identity/identity-key';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { FlushContext } from './flush-context';
import { describeRow } from './row-values';
import { keyCondition } from './key-conditions';

/**
 * Optimistic-locking failures: which rows of a batch an UPDATE or DELETE did not match, and the
 * StaleDataError naming them. With RETURNING the statement's own result tells; without it (MySQL
 * UPDATE) the rows are read again inside the transaction.
 */

export interface CheckedRow {
  readonly key: readonly unknown[];
  /** The version the row was expected to have. */
  readonly version?: unknown;
  /** After an UPDATE: the version the statement set. */
  readonly newVersion?: unknown;
}

export function staleError(meta: EntityMetadata, operation: 'UPDATE' | 'DELETE', rows: readonly CheckedRow[], certain: boolean): StaleDataError {
  const shown = rows.slice(0, 10).map((r) => `${describeRow(meta, r.key)}${r.version !== undefined ? ` (expected version ${String(r.version)})` : ''}`);
  const more = rows.length > 10 ? ` and ${rows.length - 10} more` : '';
  const which = rows.length === 1 ? shown[0]! : `${rows.length} ${meta.name} rows: ${shown.join(', ')}${more}`;
  const subject = certain ? which : `one or more of ${which}`;
  return new StaleDataError(
    `${operation} of ${subject} matched no row: ${rows.length === 1 && certain ? 'it was' : 'they were'} changed or deleted by another transaction since ${rows.length === 1 && certain ? 'it was' : 'they were'} loaded. ` +
      `Reload ${rows.length === 1 ? 'it' : 'them'} (session.refresh) and apply the change again.`,
  );
}

/** The rows of a batch not among the keys a RETURNING gave back. */
export function missingFrom(rows: readonly CheckedRow[], returned: readonly ResultRow[], keyNames: readonly string[]): CheckedRow[] {
  const seen = new Set<IdentityKey>(returned.map((r) => identityOf(keyNames.map((k) => r[k]))));
  return rows.filter((r) => !seen.has(identityOf(r.key)));
}

/**
 * Without RETURNING: read the batch's rows again (key and version) in the transaction. After an
 * UPDATE a row is stale when it is gone or lacks the version the statement set; after a DELETE,
 * when it is still there. A row changed exactly once by another transaction looks like one this
 * UPDATE changed, so when nothing stands out the whole batch is named as the suspects.
 */
export async function findStale(ctx: FlushContext, meta: EntityMetadata, rows: readonly CheckedRow[], operation: 'UPDATE' | 'DELETE'): Promise<StaleDataError> {
  const table = meta.table;
  const keyCols = meta.primaryKey.map((c) => table.$column(c.name));
  const version = meta.version === undefined ? undefined : table.$column(meta.version.name);
  const selected = version === undefined ? keyCols : [...keyCols, version];
  const found = new Map<IdentityKey, unknown>();
  const per = Math.max(1, Math.floor(ctx.plan.maxParameters / keyCols.length));
  for (let start = 0; start < rows.length; start += per) {
    const chunk = rows.slice(start, start + per);
    const where: ExprNode = keyCondition(ctx.plan, keyCols, chunk.map((r) => r.key));
    const query = node({
      kind: 'select',
      distinct: false,
      items: Object.freeze(selected.map((c) => node({ expr: c.node, alias: c.key, type: c.type }))),
      from: Object.freeze([table.$ref()]),
      joins: Object.freeze([]),
      where,
      groupBy: Object.freeze([]),
      orderBy: Object.freeze([]),
    });
    const compiled = ctx.dialect.compile(query);
    const result = await ctx.run({ ...compiled, columns: resultColumnsOf(selected, ctx.dialect) });
    for (const r of result.rows as ResultRow[]) found.set(identityOf(keyCols.map((c) => r[c.key])), version ? r[version.key] : true);
  }
  const stale = rows.filter((r) => {
    const id = identityOf(r.key);
    if (operation === 'DELETE') return found.has(id);
    if (!found.has(id)) return true;
    return version !== undefined && r.newVersion !== undefined && String(found.get(id)) !== String(r.newVersion);
  });
  return stale.length > 0 ? staleError(meta, operation, stale, true) : staleError(meta, operation, rows, false);
}
