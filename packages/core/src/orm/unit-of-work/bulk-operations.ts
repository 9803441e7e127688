import type { Transaction } from '../../engine/transaction';
import { InvalidArgumentError, UnsupportedError } from '../../errors/errors';
import { deleteFrom, excluded, insert } from '../../sql/builders/mutations';
import { select } from '../../sql/builders/select';
import { and, caseWhen, or } from '../../sql/expression/operators';
import { identityOf } from '../identity/identity-key';
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
 *
 * A single-table subclass writes its discriminator value on insert (and upsert), and its
 * update and delete touch only the rows of its class (and subclasses): a key of another
 * class's row matches nothing. Its upsert refuses rows that would conflict with another
 * class's row, checked before writing and guarded in the write itself. Composite keys: bulkUpdate rows give every key property;
 * upsert conflicts on the primary key unless told otherwise.
 */

export interface BulkInsertOptions {
  /** Read back and return the primary keys of the inserted rows, in input order. */
  readonly returning?: boolean;
}

export interface UpsertOptions {
  /** The unique property (or properties) a row may conflict on; default the primary key (all its properties). */
  readonly conflict?: readonly string[];
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

/** The discriminator values of a single-table class and its subclasses; undefined for the root or a class outside a hierarchy (every row is theirs). */
function classValues(meta: EntityMetadata): string[] | undefined {
  const inheritance = meta.inheritance;
  if (inheritance === undefined || inheritance.root === meta) return undefined;
  const cls = meta.class;
  const values: string[] = [];
  for (const [value, m] of inheritance.root.inheritance!.byValue) if (m.class === cls || m.class.prototype instanceof cls) values.push(value);
  return values;
}

/**
 * The columns an insert writes: those given, those the ORM fills (defaults, version,
 * timestamps), and a single-table class's discriminator, with each row's values.
 */
function insertColumns(meta: EntityMetadata, rows: readonly Row[], given: readonly ColumnProperty[], what: string, now: Date): { columns: ColumnProperty[]; values: unknown[][] } {
  const givenSet = new Set(given);
  const inheritance = meta.inheritance;
  const discriminator = inheritance === undefined ? undefined : meta.columns.find((c) => c.name === inheritance.discriminatorColumn.name);
  const columns = meta.columns.filter((c) => givenSet.has(c) || c === discriminator || c.default !== undefined || c.version || c.createdAt || c.updatedAt);
  const values = rows.map((row, i) =>
    columns.map((c) => {
      if (c !== discriminator) return row[c.name] === undefined ? fill(c, now) : row[c.name];
      return discriminatorValue(meta, row[c.name], i, what);
    }),
  );
  return { columns, values };
}

/** The discriminator a row of `meta` is written with: the class's own; a value given must be one of the class's. */
function discriminatorValue(meta: EntityMetadata, given: unknown, i: number, what: string): unknown {
  const own = meta.inheritance!.value;
  const allowed = classValues(meta) ?? [...meta.inheritance!.root.inheritance!.byValue.keys()];
  if (given === undefined || given === null) {
    if (own !== undefined) return own;
    throw new InvalidArgumentError(`${what}: row ${i + 1} of ${meta.name} has no ${meta.inheritance!.discriminatorColumn.name}, and ${meta.name} has no discriminator value of its own; insert through a concrete class (one of ${allowed.map((v) => `'${v}'`).join(', ')}).`);
  }
  if (!allowed.includes(given as string)) {
    throw new InvalidArgumentError(`${what}: row ${i + 1} gives ${meta.inheritance!.discriminatorColumn.name} = ${JSON.stringify(given)}, which is not a ${meta.name} value (${allowed.map((v) => `'${v}'`).join(', ')}).`);
  }
  return given;
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
  // Columns with a value the ORM supplies (a JavaScript default, version, timestamps, the discriminator) are written even when no row gives them.
  const { columns, values } = insertColumns(meta, rows, given, 'bulkInsert()', ctx.now);
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
  const values = classValues(meta);
  // A class of one discriminator value: the value is checked in each row's WHERE (the check the flush makes of a version).
  const only = values?.length === 1 ? { column: meta.columns.find((c) => c.name === meta.inheritance!.discriminatorColumn.name)!, value: values[0] } : undefined;
  for (const group of groups.values()) {
    // Chunked so one statement stays under the parameter limit (key and values per row).
    const per = Math.max(1, Math.floor(ctx.plan.maxParameters / (group.set.length + pk.length + 1)));
    for (let i = 0; i < group.rows.length; i += per) {
      let chunk = group.rows.slice(i, i + per);
      if (values !== undefined && only === undefined) chunk = await rowsOfClass(meta, tx, chunk, values);
      if (only !== undefined) chunk = chunk.map((r) => ({ ...r, version: only.value }));
      await updateRows(ctx, { meta, set: group.set, rows: chunk, check: false, ...(only === undefined ? {} : { version: only.column }) });
    }
  }
  return rows.length;
}

/** The rows whose keys belong to the class (its discriminator values): one SELECT of the chunk's keys. */
async function rowsOfClass<R extends { readonly key: readonly unknown[] }>(meta: EntityMetadata, tx: Transaction, rows: readonly R[], values: readonly string[]): Promise<R[]> {
  if (rows.length === 0) return [];
  const table = meta.table;
  const pk = meta.primaryKey.map((c) => table.$column(c.name));
  const keyMatch = pk.length === 1 ? pk[0]!.in(rows.map((r) => r.key[0])) : or(...rows.map((r) => and(...pk.map((c, i) => c.eq(r.key[i])))));
  const discriminator = table.$column(meta.inheritance!.discriminatorColumn.name);
  const selection = Object.fromEntries(pk.map((c, i) => [`k${i}`, c]));
  const found = (await tx.execute(select(selection).from(table).where(and(keyMatch, discriminator.in(values))))) as Record<string, unknown>[];
  const keys = new Set(found.map((row) => identityOf(pk.map((_c, i) => row[`k${i}`]))));
  return rows.filter((r) => keys.has(identityOf(r.key)));
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
  if (options !== undefined && (options === null || typeof options !== 'object')) throw new InvalidArgumentError('upsert(): options must be an object: { conflict: [\'email\'] }.');
  const names = options?.conflict ?? meta.primaryKey.map((c) => c.name);
  if (!Array.isArray(names) || names.length === 0) {
    throw new InvalidArgumentError('upsert(): give the unique properties rows conflict on: { conflict: [\'email\'] } (or leave conflict out for the primary key).');
  }
  const table = meta.table;
  const conflict = names.map((n) => columnProperty(meta, n, 'upsert()'));
  const given = givenColumns(meta, rows, 'upsert()');
  const missing = conflict.filter((c) => !given.includes(c) && c.default === undefined);
  if (missing.length > 0) {
    throw new InvalidArgumentError(`upsert(): rows conflict on ${names.join(', ')}, but no row gives ${missing.map((c) => c.name).join(', ')}; give every conflict property in every row.`);
  }
  const now = new Date();
  const { columns, values } = insertColumns(meta, rows, given, 'upsert()', now);
  const inheritance = meta.inheritance;
  const updateNames = options?.update ?? given.filter((c) => !c.primary && !conflict.includes(c) && c.name !== inheritance?.discriminatorColumn.name).map((c) => c.name);
  for (const n of updateNames) columnProperty(meta, n, 'upsert()');
  const filled = values.map((row) => Object.fromEntries(columns.map((c, i) => [c.name, row[i]])));
  const own = classValues(meta);
  const keys = own === undefined ? [] : uniqueKeys(meta, conflict, columns);
  // Every chunk is checked before the first is written: a refused call leaves nothing behind.
  if (own !== undefined && !upsertSeams.skipCheck) await refuseOtherClassRows(meta, dialect, tx, filled, keys, own, false);
  await upsertSeams.beforeWrite?.();
  const per = Math.max(1, Math.floor(dialect.adapter.maxParameters / Math.max(1, columns.length)));
  const chunks: Row[][] = [];
  for (let i = 0; i < filled.length; i += per) chunks.push(filled.slice(i, i + per));
  const base = (chunk: readonly Row[]) => insert(table).values(chunk as never).onConflict(...conflict.map((c) => table.$column(c.name)));
  // DO NOTHING never changes a row, and the root class owns every row: nothing to guard.
  if (own === undefined || updateNames.length === 0) {
    let count = 0;
    for (const chunk of chunks) {
      const stmt = updateNames.length === 0 ? base(chunk).doNothing() : base(chunk).doUpdate(Object.fromEntries(updateNames.map((n) => [n, excluded(table.$column(n) as never)])) as never);
      count += (await tx.run(stmt)).rowCount;
    }
    return count;
  }
  return guardedUpsert(meta, dialect, tx, chunks.map(base), updateNames, own, filled, keys);
}

/**
 * @internal Test seams for the race `guardedUpsert` closes: `skipCheck` leaves out the check
 * made before writing, `beforeWrite` runs between it and the write (another connection's insert).
 */
export const upsertSeams: { skipCheck: boolean; beforeWrite: (() => Promise<void>) | undefined } = { skipCheck: false, beforeWrite: undefined };

/** Per dialect: whether its compiler takes a WHERE on the conflict's update (MySQL's ON DUPLICATE KEY UPDATE has none). */
const conflictWhere = new WeakMap<SqlDialect, boolean>();

type ConflictStatement = ReturnType<ReturnType<typeof insert>['onConflict']>;

/**
 * A single-table subclass's upsert, written so that the statement itself cannot change a row of
 * another class, which another connection may insert after the check that refused them: the
 * update is guarded by the existing row's discriminator (DO UPDATE … WHERE on PostgreSQL and
 * SQLite; on MySQL each column keeps its value unless the row is the class's). A row left alone
 * by the guard is then an error, as the check's: on PostgreSQL and SQLite it shows as a row
 * count short of the rows given (each row inserted or updated counts one); MySQL's count does
 * not tell a row left as it was from an inserted one, so there the rows are looked for again
 * (one more SELECT per call), with a locking read: a plain one would read the transaction's
 * snapshot, taken before the other connection's insert. The writes run in a savepoint, rolled back on that error: nothing of the call stays.
 */
async function guardedUpsert(
  meta: EntityMetadata, dialect: SqlDialect, tx: Transaction, chunks: readonly ConflictStatement[], updateNames: readonly string[],
  own: readonly string[], filled: readonly Row[], keys: readonly ColumnProperty[][],
): Promise<number> {
  const table = meta.table;
  const kind = meta.inheritance!.discriminatorColumn.name;
  const guard = table.$column(kind).in(own);
  let where = conflictWhere.get(dialect);
  if (where === undefined) {
    where = takesWhere(chunks[0]!.doUpdate(updateNames as never, guard), dialect);
    conflictWhere.set(dialect, where);
  }
  // Assignments run left to right on MySQL, each seeing the ones before: the discriminator's
  // goes last, so that every other column's guard reads the row's class as it was.
  const ordered = [...updateNames].sort((a, b) => Number(a === kind) - Number(b === kind));
  const set = Object.fromEntries(
    ordered.map((n) => {
      const column = table.$column(n);
      return [n, where ? excluded(column as never) : caseWhen(guard, excluded(column as never)).else(column)];
    }),
  );
  return tx.transaction(async (sp) => {
    let count = 0;
    for (const chunk of chunks) count += (await sp.run(where ? chunk.doUpdate(set as never, guard) : chunk.doUpdate(set as never))).rowCount;
    if (where && count >= filled.length) return count;
    await refuseOtherClassRows(meta, dialect, sp, filled, keys, own, true);
    if (where) {
      throw new InvalidArgumentError(
        `upsert(): ${filled.length - count} of the ${meta.name} rows conflicted with rows of another class, which the upsert left alone. ` +
          `A ${meta.name} upsert never changes another class's row. Nothing was written.`,
      );
    }
    return count;
  });
}

/** Whether the dialect compiles an upsert's conditional update. */
function takesWhere(stmt: ReturnType<ConflictStatement['doUpdate']>, dialect: SqlDialect): boolean {
  try {
    stmt.compile(dialect);
    return true;
  } catch (error) {
    if (error instanceof UnsupportedError) return false;
    throw error;
  }
}

/**
 * The unique keys an upserted row may collide on: the conflict target, and every other unique
 * key the rows write (MySQL's ON DUPLICATE KEY UPDATE fires on any of them, not just the target).
 */
function uniqueKeys(meta: EntityMetadata, conflict: readonly ColumnProperty[], written: readonly ColumnProperty[]): ColumnProperty[][] {
  const keys: ColumnProperty[][] = [[...conflict]];
  const add = (key: ColumnProperty[]): void => {
    if (key.length === 0 || !key.every((c) => written.includes(c))) return;
    if (!keys.some((k) => k.length === key.length && k.every((c) => key.includes(c)))) keys.push(key);
  };
  add([...meta.primaryKey]);
  const groups = new Map<string, ColumnProperty[]>();
  for (const c of meta.columns) {
    if (c.unique === true) add([c]);
    else if (typeof c.unique === 'string') groups.set(c.unique, [...(groups.get(c.unique) ?? []), c]);
  }
  for (const group of groups.values()) add(group);
  return keys;
}

/**
 * A single-table subclass's upsert must not touch a row of another class: the conflict would
 * update it as if it were one of this class's. One SELECT per chunk finds the rows that share
 * a unique key with the given ones and have a discriminator outside the class; any found
 * refuses the whole call before anything is written. After a guarded write (`lock`), the same
 * look finds the rows the guard left alone, reading the latest rows rather than a snapshot.
 */
async function refuseOtherClassRows(
  meta: EntityMetadata, dialect: SqlDialect, tx: Transaction, rows: readonly Row[], keys: readonly ColumnProperty[][], own: readonly string[], lock: boolean,
): Promise<void> {
  const table = meta.table;
  const root = meta.inheritance!.root;
  const discriminator = meta.inheritance!.discriminatorColumn;
  const shown = [...new Set([...meta.primaryKey, ...keys[0]!])];
  const width = keys.reduce((n, k) => n + k.length, 0);
  const per = Math.max(1, Math.floor((dialect.adapter.maxParameters - own.length) / Math.max(1, width)));
  const found: Record<string, unknown>[] = [];
  for (let i = 0; i < rows.length && found.length === 0; i += per) {
    const chunk = rows.slice(i, i + per);
    const matches = keys.flatMap((key) => {
      // NULL never equals NULL: a row with a NULL in a unique key cannot conflict on it.
      const complete = chunk.filter((row) => key.every((c) => row[c.name] !== null && row[c.name] !== undefined));
      if (complete.length === 0) return [];
      if (key.length === 1) return [table.$column(key[0]!.name).in(complete.map((row) => row[key[0]!.name]))];
      return complete.map((row) => and(...key.map((c) => table.$column(c.name).eq(row[c.name]))));
    });
    if (matches.length === 0) continue;
    const selection = Object.fromEntries([...shown, discriminator].map((c, k) => [`c${k}`, table.$column(c.name)]));
    const stmt = select(selection).from(table).where(and(or(...matches), table.$column(discriminator.name).notIn(own))).limit(5);
    found.push(...((await tx.execute(lock ? stmt.forShare() : stmt)) as Record<string, unknown>[]));
  }
  if (found.length === 0) return;
  const described = found.map((row) => {
    const key = shown.map((c, k) => `${c.name} = ${show(row[`c${k}`])}`).join(', ');
    const value = row[`c${shown.length}`];
    const cls = root.inheritance!.byValue.get(value as string)?.name ?? root.name;
    return `${key} is a ${cls} row (${discriminator.name} ${show(value)})`;
  });
  throw new InvalidArgumentError(
    `upsert(): ${meta.name} rows conflict with rows of another class: ${described.join('; ')}${found.length === 5 ? '; …' : ''}. ` +
      `A ${meta.name} upsert never changes another class's row; upsert those rows through their own class or ${root.name}, or give them other keys. Nothing was written.`,
  );
}

function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}
