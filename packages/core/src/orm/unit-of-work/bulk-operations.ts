import type { Transaction } from '../../engine/transaction';
import { InvalidArgumentError } from '../../errors/errors';
import { deleteFrom, excluded, insert } from '../../sql/builders/mutations';
import type { SqlDialect } from '../../sql/dialect';
import type { AnyColumn } from '../../sql/schema/column';
import type { ColumnProperty, EntityMetadata } from '../metadata/entity-metadata';
import { EMPTY_SPEC, entityParts } from '../query/entity-select';
import { FlushContext } from './persister/flush-context';
import { insertRows } from './persister/insert-rows';
import { updateRows } from './persister/update-rows';

/**
 * Bulk operations: rows written straight to a table, outside the identity map (objects the
 * session holds are not updated, lifecycle hooks do not run). Rows are plain objects keyed by
 * property names (foreign keys by their column property, `authorId`). They run in the
 * session's transaction (begun when there is none; commit as usual), values bound, in chunks
 * under the dialect's parameter limit, reusing the flush's batched writers.
 */

export interface BulkInsertOptions {
  /** Read back and return the primary keys of the inserted rows, in input order. */
  readonly returning?: boolean;
}

export interface UpsertOptions {
  /** The unique property (or properties) a row may conflict on. */
  readonly conflict: readonly string[];
  /** Properties to update on conflict: by default every given one except the conflict and key properties. */
  readonly update?: readonly string[];
}

type Row = Readonly<Record<string, unknown>>;

function columnProperty(meta: EntityMetadata, name: string, what: string): ColumnProperty {
  const p = meta.properties.get(name);
  if (p === undefined || p.kind !== 'column') {
    throw new InvalidArgumentError(`${what}: ${meta.name} has no column property '${name}' (rows are keyed by property names; foreign keys by their column, e.g. authorId).`);
  }
  return p as ColumnProperty;
}

/** The column properties given in any row, in table order. */
function givenColumns(meta: EntityMetadata, rows: readonly Row[], what: string): ColumnProperty[] {
  const names = new Set<string>();
  rows.forEach((row, i) => {
    if (row === null || typeof row !== 'object') throw new InvalidArgumentError(`${what}: row ${i + 1} is not an object.`);
    for (const k of Object.keys(row)) if (row[k] !== undefined) names.add(k);
  });
  for (const n of names) columnProperty(meta, n, what);
  return meta.columns.filter((c) => names.has(c.name));
}

function fill(c: ColumnProperty, now: Date): unknown {
  if (c.default !== undefined) return 'value' in c.default ? c.default.value : c.default.fn();
  if (c.version) return 1;
  if (c.createdAt || c.updatedAt) return new Date(now.getTime());
  return null;
}

/** INSERT the rows; with `returning`, their primary keys (a value per row, or an array for composite keys). */
export async function bulkInsert(meta: EntityMetadata, dialect: SqlDialect, tx: Transaction, rows: readonly Row[], options: BulkInsertOptions = {}): Promise<unknown[] | number> {
  if (rows.length === 0) return options.returning ? [] : 0;
  const ctx = new FlushContext(dialect, tx);
  const given = givenColumns(meta, rows, 'bulkInsert()');
  const givenSet = new Set(given);
  // Columns with a value the ORM supplies (a JavaScript default, version, timestamps) are written even when no row gives them.
  const columns = meta.columns.filter((c) => givenSet.has(c) || c.default !== undefined || c.version || c.createdAt || c.updatedAt);
  const values = rows.map((row) => columns.map((c) => (row[c.name] === undefined ? fill(c, ctx.now) : row[c.name])));
  const table = meta.table;
  const pk = meta.primaryKey;
  const generated = pk.length === 1 && pk[0]!.autoIncrement && !givenSet.has(pk[0]!) ? table.$column(pk[0]!.name) : undefined;
  const returning: AnyColumn[] = options.returning ? pk.map((c) => table.$column(c.name)) : [];
  const keyMatch = options.returning && generated === undefined
    ? { written: pk.map((c) => columns.indexOf(c)), returned: pk.map((_c, i) => i) }
    : undefined;
  if (keyMatch !== undefined && keyMatch.written.some((i) => i < 0)) {
    throw new InvalidArgumentError(`bulkInsert(): ${meta.name}'s key is not generated; give ${pk.map((c) => c.name).join(', ')} in every row.`);
  }
  const back = await insertRows(ctx, {
    table,
    columns: columns.map((c) => table.$column(c.name)),
    rows: values,
    returning,
    ...(generated === undefined ? {} : { generated }),
    ...(keyMatch === undefined ? {} : { keyMatch }),
  });
  if (!options.returning) return rows.length;
  return back.map((r) => (r === undefined ? undefined : pk.length === 1 ? r[0] : [...r.slice(0, pk.length)]));
}

/** UPDATE rows by primary key, each setting only the properties it gives; rows with the same properties are batched. Returns the rows given. */
export async function bulkUpdate(meta: EntityMetadata, dialect: SqlDialect, tx: Transaction, rows: readonly Row[]): Promise<number> {
  if (rows.length === 0) return 0;
  const ctx = new FlushContext(dialect, tx);
  givenColumns(meta, rows, 'bulkUpdate()');
  const pk = meta.primaryKey;
  const groups = new Map<string, { set: ColumnProperty[]; rows: { key: unknown[]; set: unknown[] }[] }>();
  rows.forEach((row, i) => {
    const key = pk.map((c) => {
      const v = row[c.name];
      if (v === undefined || v === null) throw new InvalidArgumentError(`bulkUpdate(): row ${i + 1} has no ${c.name}; rows are keyed by ${meta.name}'s primary key.`);
      return v;
    });
    const set = meta.columns.filter((c) => !c.primary && row[c.name] !== undefined);
    if (set.length === 0) return;
    const signature = set.map((c) => c.name).join(',');
    let group = groups.get(signature);
    if (group === undefined) groups.set(signature, (group = { set, rows: [] }));
    group.rows.push({ key, set: set.map((c) => row[c.name]) });
  });
  for (const group of groups.values()) {
    // Chunked so one statement stays under the parameter limit (key and values per row).
    const per = Math.max(1, Math.floor(ctx.plan.maxParameters / (group.set.length + pk.length + 1)));
    for (let i = 0; i < group.rows.length; i += per) {
      await updateRows(ctx, { meta, set: group.set, rows: group.rows.slice(i, i + per), check: false });
    }
  }
  return rows.length;
}

/** DELETE the rows matching a filter (as in `find({ where })`); returns the count the driver reports. */
export async function bulkDelete(meta: EntityMetadata, dialect: SqlDialect, tx: Transaction, where: unknown): Promise<number> {
  if (where === undefined || where === null) throw new InvalidArgumentError('bulkDelete(): give a filter; to delete every row pass {}.');
  const parts = entityParts(meta, { ...EMPTY_SPEC, where: [where] } as typeof EMPTY_SPEC, false);
  if (parts.scope.joins.size !== 0) {
    throw new InvalidArgumentError(`bulkDelete(): the filter on ${meta.name} goes through a to-one relationship (a join); filter on the foreign key (authorId) or use some/every.`);
  }
  const stmt = parts.where === undefined ? deleteFrom(meta.table) : deleteFrom(meta.table).where(parts.where);
  const result = await tx.run(stmt);
  return result.rowCount;
}

/** INSERT … ON CONFLICT (conflict) DO UPDATE (ON DUPLICATE KEY UPDATE on MySQL), chunked. Returns the driver's affected count. */
export async function upsert(meta: EntityMetadata, dialect: SqlDialect, tx: Transaction, rows: readonly Row[], options: UpsertOptions): Promise<number> {
  if (rows.length === 0) return 0;
  if (options === undefined || !Array.isArray(options.conflict) || options.conflict.length === 0) {
    throw new InvalidArgumentError('upsert(): give the unique properties rows conflict on: { conflict: [\'email\'] }.');
  }
  const table = meta.table;
  const conflict = options.conflict.map((n) => columnProperty(meta, n, 'upsert()'));
  const given = givenColumns(meta, rows, 'upsert()');
  const now = new Date();
  const columns = meta.columns.filter((c) => given.includes(c) || c.default !== undefined || c.version || c.createdAt || c.updatedAt);
  const updateNames = options.update ?? given.filter((c) => !c.primary && !conflict.includes(c)).map((c) => c.name);
  for (const n of updateNames) columnProperty(meta, n, 'upsert()');
  const filled = rows.map((row) => Object.fromEntries(columns.map((c) => [c.name, row[c.name] === undefined ? fill(c, now) : row[c.name]])));
  const per = Math.max(1, Math.floor(dialect.adapter.maxParameters / Math.max(1, columns.length)));
  let count = 0;
  for (let i = 0; i < filled.length; i += per) {
    const base = insert(table).values(filled.slice(i, i + per) as never).onConflict(...conflict.map((c) => table.$column(c.name)));
    const stmt = updateNames.length === 0
      ? base.doNothing()
      : base.doUpdate(Object.fromEntries(updateNames.map((n) => [n, excluded(table.$column(n) as never)])) as never);
    count += (await tx.run(stmt)).rowCount;
  }
  return count;
}
