import type { ResultRow } from '../../../engine/row-builder';
import { DataError } from '../../../errors/errors';
import type { SqlDialect } from '../../../sql/dialect';
import type { AnyColumn } from '../../../sql/schema/column';
import type { AnyTable } from '../../../sql/schema/table';
import type { SqlType } from '../../../sql/types/sql-type';
import { resultColumnsOf } from '../../hydration/result-columns';
import { identityOf } from '../../identity/identity-key';
import type { FlushContext } from './flush-context';
import { RawBuilder, textElement } from './raw-builder';
import { decoderOf, encoderOf, passThrough } from './row-values';
import { castTo, ident, insertShape, typed } from './shapes';

/**
 * Rows into one table, in as few statements as the dialect's write plan allows, with what the
 * database generated read back per row, in input order. Entities and many-to-many links both
 * go through here.
 */
export interface InsertBatch {
  readonly table: AnyTable;
  /** Columns written; may be empty (a row of defaults). */
  readonly columns: readonly AnyColumn[];
  /** JavaScript values aligned with `columns`, or with `slots` when given. */
  readonly rows: readonly (readonly unknown[])[];
  /** Where each of `columns` is in a row, when rows are wider (an entity's values with generated columns left out). */
  readonly slots?: readonly number[];
  /** Columns to read back. A generated key, when there is one, comes first. */
  readonly returning: readonly AnyColumn[];
  /** The key the database generates for every row of the batch (an auto-increment column). */
  readonly generated?: AnyColumn;
  /** Without a generated key: where the key is in `columns` and in `returning`, to match rows read back. */
  readonly keyMatch?: { readonly written: readonly number[]; readonly returned: readonly number[] };
  /**
   * When the generated key is all that is read back and comes from the last insert id: the slot
   * of `rows` it is written into (rows are then the flush's own values arrays), instead of one
   * small array per row; those rows' read-back entries are undefined.
   */
  readonly keyInto?: number;
}

/** Per input row, the values read back (aligned with `returning`; undefined where unread). */
export type ReadBack = (readonly unknown[] | undefined)[];

const TEXT: SqlType = Object.freeze({ kind: 'text' });

export async function insertRows(ctx: FlushContext, batch: InsertBatch): Promise<ReadBack> {
  const strategy = batch.columns.length === 0 ? 'row' : ctx.plan.insert;
  if (strategy === 'row') return insertOneByOne(ctx, batch);
  if (strategy === 'values') return insertValues(ctx, batch, Math.max(1, Math.min(ctx.plan.insertRows, Math.floor(ctx.plan.maxParameters / batch.columns.length))));
  const out: ReadBack = [];
  const per = ctx.plan.arrayRows;
  for (let start = 0; start < batch.rows.length; start += per) {
    // All rows in one statement (the usual case): no copy, and the read-back is the result.
    const whole = start === 0 && per >= batch.rows.length;
    const chunk = whole ? batch.rows : batch.rows.slice(start, start + per);
    const back = await insertArrays(ctx, batch, chunk);
    if (whole) return back;
    for (let i = 0; i < back.length; i++) out.push(back[i]);
  }
  return out;
}

function slotsOf(batch: InsertBatch): readonly number[] {
  return batch.slots ?? batch.columns.map((_c, i) => i);
}

function encoders(dialect: SqlDialect, columns: readonly AnyColumn[]): ((v: unknown) => unknown)[] {
  return columns.map((c) => encoderOf(dialect, c.config.type));
}

/**
 * RETURNING when something besides the generated key must be read back (and the database has
 * it), or when the plan reads keys that way; otherwise keys come from the last insert id.
 */
function readsWithReturning(ctx: FlushContext, batch: InsertBatch): boolean {
  if (batch.returning.length === 0 || !ctx.plan.insertReturning) return false;
  const onlyKey = batch.generated !== undefined && batch.returning.length === 1;
  return !onlyKey || ctx.plan.insertKeys === 'returning';
}

/** One prepared statement, run per row (dialects without multi-row VALUES, rows of defaults only). */
async function insertOneByOne(ctx: FlushContext, batch: InsertBatch): Promise<ReadBack> {
  const { columns, returning, generated } = batch;
  const useReturning = readsWithReturning(ctx, batch);
  const shape = insertShape(ctx.dialect, batch.table, columns, 1, useReturning ? returning : []);
  const encode = encoders(ctx.dialect, columns);
  const decodeKey = generated ? decoderOf(ctx.dialect, generated.config.type) : undefined;
  const values = new Array<unknown>(columns.length);
  const slots = slotsOf(batch);
  const out: ReadBack = new Array(batch.rows.length);
  for (let r = 0; r < batch.rows.length; r++) {
    const row = batch.rows[r]!;
    for (let i = 0; i < values.length; i++) values[i] = encode[i]!(row[slots[i]!]);
    const result = await ctx.run(shape.bind(values));
    if (useReturning) out[r] = returning.map((c) => (result.rows[0] as ResultRow)[c.key]);
    else if (decodeKey !== undefined) {
      if (result.lastInsertId === undefined) throw noKey(batch, 'the driver reported no generated key');
      out[r] = [decodeKey(result.lastInsertId), ...returning.slice(1).map(() => undefined)];
    }
  }
  return out;
}

/**
 * Multi-row VALUES (SQLite, MySQL, MariaDB), `per` rows a statement: keys by RETURNING or from
 * the last insert id. Chunks are read in place (no copy of the rows) into one parameter array
 * refilled per chunk: each statement is done with it before the next chunk is written. The
 * read-back is allocated only when something is read back (keys written straight into the
 * rows through `keyInto` are not).
 */
async function insertValues(ctx: FlushContext, batch: InsertBatch, per: number): Promise<ReadBack> {
  const { columns, returning, generated, rows } = batch;
  const useReturning = readsWithReturning(ctx, batch);
  const encode = encoders(ctx.dialect, columns);
  const width = columns.length;
  const slots = slotsOf(batch);
  let out: ReadBack | undefined;
  let flat: unknown[] = [];
  for (let start = 0; start < rows.length; start += per) {
    const count = Math.min(per, rows.length - start);
    if (flat.length !== count * width) flat = new Array<unknown>(count * width);
    for (let i = 0; i < width; i++) {
      const e = encode[i]!;
      const slot = slots[i]!;
      if (e === passThrough) {
        for (let r = 0; r < count; r++) {
          const v = rows[start + r]![slot];
          flat[r * width + i] = v === undefined ? null : v;
        }
      } else for (let r = 0; r < count; r++) flat[r * width + i] = e(rows[start + r]![slot]);
    }
    const shape = insertShape(ctx.dialect, batch.table, columns, count, useReturning ? returning : []);
    const result = await ctx.run(shape.bind(flat));
    let back: ReadBack | undefined;
    if (useReturning) back = matchReturned(batch, rows.slice(start, start + count), result.rows as ResultRow[]);
    else if (generated !== undefined) back = await consecutiveKeys(ctx, batch, count, result.lastInsertId, result.rowCount, start);
    if (back === undefined) continue;
    out ??= new Array(rows.length);
    for (let i = 0; i < back.length; i++) out[start + i] = back[i];
  }
  return out ?? [];
}

/**
 * Keys without RETURNING, from the driver's last insert id and the row count (undefined when
 * they went straight into the rows, `keyInto`).
 *
 * MySQL (`first-id`), its documented way: a multi-row INSERT whose row count is known in
 * advance ("simple insert") has its AUTO_INCREMENT values allocated together, so they are
 * LAST_INSERT_ID() (the first one), then one `@@auto_increment_increment` apart — in every
 * InnoDB lock mode: modes 0 and 1 hold the AUTO-INC lock or mutex for the whole allocation,
 * and mode 2 ("interleaved") interleaves only bulk inserts (INSERT … SELECT, LOAD DATA) whose
 * row count is unknown. A statement mixing explicit keys with generated ones ("mixed-mode")
 * may waste values; the persister never sends one: rows with an explicit key form their own
 * statement (another column set).
 *
 * SQLite (`last-id`): each row gets one more than the largest rowid so far, one after another
 * (one writer at a time), and last_insert_rowid() is the last row's. (Only a table whose
 * rowids reached 2^63-1 gets random ones; an AUTOINCREMENT table fails instead.)
 *
 * Both: the affected-row count is checked against the rows sent.
 */
async function consecutiveKeys(ctx: FlushContext, batch: InsertBatch, count: number, lastId: number | bigint | undefined, affected: number, start: number): Promise<ReadBack | undefined> {
  if (lastId === undefined) throw noKey(batch, 'the driver reported no last insert id');
  if (affected !== count) throw noKey(batch, `${count} rows were sent but ${affected} inserted`);
  const fromLast = ctx.plan.insertKeys === 'last-id';
  const step = count > 1 && !fromLast ? await autoIncrementStep(ctx) : 1;
  const first = fromLast ? (typeof lastId === 'bigint' ? lastId - BigInt(count - 1) : lastId - (count - 1)) : lastId;
  if (typeof first === 'number' && !Number.isSafeInteger(first + (count - 1) * step)) throw noKey(batch, 'the keys are past 2^53');
  const decode = decoderOf(ctx.dialect, batch.generated!.config.type);
  const width = batch.returning.length;
  const into = width === 1 ? batch.keyInto : undefined;
  if (into !== undefined) {
    for (let i = 0; i < count; i++) (batch.rows[start + i] as unknown[])[into] = decode(typeof first === 'bigint' ? first + BigInt(i * step) : first + i * step);
    return undefined;
  }
  const out: ReadBack = new Array(count);
  for (let i = 0; i < count; i++) {
    const key = typeof first === 'bigint' ? first + BigInt(i * step) : first + i * step;
    const back = new Array<unknown>(width);
    back[0] = decode(key);
    out[i] = back;
  }
  return out;
}

const steps = new WeakMap<SqlDialect, Map<number, number>>();

/** `@@auto_increment_increment`, read once per connection (or once per flush when the connection is unknown). */
async function autoIncrementStep(ctx: FlushContext): Promise<number> {
  const id = ctx.db.connectionId;
  let byConnection = steps.get(ctx.dialect);
  if (byConnection === undefined) steps.set(ctx.dialect, (byConnection = new Map()));
  const known = id === undefined ? undefined : byConnection.get(id);
  if (known !== undefined) return known;
  const result = await ctx.run({ sql: 'SELECT @@auto_increment_increment', params: [] });
  const value = Number(Object.values((result.rows[0] ?? {}) as ResultRow)[0] ?? 1);
  if (id !== undefined) {
    if (byConnection.size >= 1000) byConnection.clear();
    byConnection.set(id, value);
  }
  return value;
}

/**
 * PostgreSQL: every row in one statement of array parameters (one per column, whatever the
 * row count, so the text never changes): `INSERT INTO t (a, b) SELECT CAST(v.c0 AS …), …
 * FROM unnest(CAST($1 AS text[]), …) WITH ORDINALITY AS v(c0, …, n) ORDER BY v.n RETURNING …`.
 * Values travel as text and are cast to the column types by the dialect's CAST.
 */
async function insertArrays(ctx: FlushContext, batch: InsertBatch, chunk: readonly (readonly unknown[])[]): Promise<ReadBack> {
  const { columns, returning } = batch;
  const encode = encoders(ctx.dialect, columns);
  const slots = slotsOf(batch);
  const arrays = columns.map((_c, i) => chunk.map((row) => textElement(encode[i]!(row[slots[i]!]))));
  const alias = columns.map((_c, i) => `c${i}`);
  const b = new RawBuilder().text('INSERT INTO ').add(tableIdent(batch.table)).text(' (');
  b.list(columns.map((c) => ident(c.name))).text(') SELECT ');
  b.list(columns.map((c, i) => castTo(ident('_v', alias[i]!), c.config.type)));
  b.text(' FROM ');
  unnestArrays(b, arrays);
  b.text(' WITH ORDINALITY AS ').add(ident('_v')).text(' (').list([...alias, 'n'].map((a) => ident(a))).text(') ORDER BY ').add(ident('_v', 'n'));
  if (returning.length > 0) b.text(' RETURNING ').list(returning.map((c) => ident(c.name)));
  const compiled = ctx.dialect.compile(b.build());
  const result = await ctx.run(returning.length > 0 ? { ...compiled, columns: resultColumnsOf(returning, ctx.dialect) } : compiled);
  return returning.length > 0 ? matchReturned(batch, chunk, result.rows as ResultRow[]) : chunk.map(() => undefined);
}

/** `unnest(CAST(? AS text[]), …)`: the array type is the parameters' own, not a column's, so it is written out. */
export function unnestArrays(b: RawBuilder, arrays: readonly (readonly (string | null)[])[]): void {
  b.text('unnest(');
  arrays.forEach((a, i) => {
    if (i > 0) b.text(', ');
    b.text('CAST(').add(typed(a, TEXT)).text(' AS text[])');
  });
  b.text(')');
}

export function tableIdent(table: AnyTable): ReturnType<typeof ident> {
  return table.$schema ? ident(table.$schema, table.$name) : ident(table.$name);
}

/** Returned rows in input order: by ascending generated key, or matched on the key written. */
function matchReturned(batch: InsertBatch, chunk: readonly (readonly unknown[])[], rows: readonly ResultRow[]): ReadBack {
  if (rows.length !== chunk.length) throw noKey(batch, `${chunk.length} rows were sent but ${rows.length} returned`);
  const returned = rows.map((r) => batch.returning.map((c) => r[c.key]));
  if (batch.generated !== undefined) return returned.sort((a, b) => compareKeys(a[0], b[0]));
  const match = batch.keyMatch;
  if (match === undefined) return returned;
  const byKey = new Map(returned.map((r) => [identityOf(match.returned.map((i) => r[i])), r]));
  const slots = slotsOf(batch);
  return chunk.map((row) => byKey.get(identityOf(match.written.map((i) => row[slots[i]!]))));
}

function compareKeys(a: unknown, b: unknown): number {
  return (a as number) < (b as number) ? -1 : (a as number) > (b as number) ? 1 : 0;
}

function noKey(batch: InsertBatch, why: string): DataError {
  return new DataError(`INSERT into ${batch.table.$name}: cannot read back the generated keys (${why}).`);
}
