import type { AthanorError } from '../errors/errors';
import type { CompiledQuery, ResultColumn } from '../sql/dialect';
import type { DriverResult } from './driver';
import type { Pool, PoolEntry } from './pool';
import type { StatementRunner } from './statement-runner';

/**
 * Results as row arrays in select-list order, for callers that build their own objects (the
 * ORM's hydrators): no row objects are made, and values are decoded in place by the
 * statement's result columns. The ORM compiles its statements once and passes the same
 * `columns` array every time, with decoders built once.
 */
export interface ArrayQueryable {
  /** Run a compiled statement; its rows as decoded arrays. */
  executeArrays(compiled: CompiledQuery): Promise<unknown[][]>;
  /** Stream a compiled statement's rows in batches of decoded arrays. */
  streamArrays(compiled: CompiledQuery, batchSize: number): AsyncGenerator<unknown[][], void, undefined>;
}

/** Decodes rows in place; made once per result-column list. */
type RowsDecoder = (rows: unknown[][]) => void;

const NOTHING_TO_DECODE: RowsDecoder = () => {};
/** Decoders per result-column list: the ORM passes the same list for every execution of a statement. */
const plans = new WeakMap<readonly ResultColumn[], RowsDecoder>();

/** The last list decoded: a run of one statement (key reads) skips the WeakMap. */
let lastColumns: readonly ResultColumn[] | undefined;
let lastPlan: RowsDecoder = NOTHING_TO_DECODE;

let codegenAvailable = true;

/** The columns that have a decoder: where they are, and their decoders. */
function decodedColumns(columns: readonly ResultColumn[]): { slots: number[]; decoders: ((value: unknown) => unknown)[] } {
  const slots: number[] = [];
  const decoders: ((value: unknown) => unknown)[] = [];
  for (let c = 0; c < columns.length; c++) {
    const decode = columns[c]!.decode;
    if (decode === undefined) continue;
    slots.push(c);
    decoders.push(decode);
  }
  return { slots, decoders };
}

function planOf(columns: readonly ResultColumn[]): RowsDecoder {
  if (columns === lastColumns) return lastPlan;
  let plan = plans.get(columns);
  if (plan === undefined) {
    const { slots, decoders } = decodedColumns(columns);
    plan = slots.length === 0 ? NOTHING_TO_DECODE : generated(slots, decoders);
    plans.set(columns, plan);
  }
  lastColumns = columns;
  lastPlan = plan;
  return plan;
}

/**
 * One function per column list with each column's decoder at its own call site: a shared loop
 * calls every decoder from one site, which V8 then cannot inline (measured: the ORM's 50,000-row
 * read decoded about three times as fast). The loop stays for where `new Function` is forbidden.
 */
function generated(slots: readonly number[], decoders: readonly ((value: unknown) => unknown)[]): RowsDecoder {
  const source = `return function decodeRows(rows) {\n  for (let i = 0; i < rows.length; i++) {\n    const r = rows[i];\n    let v;\n    ${decodeStatements(slots, '    ')}\n  }\n};`;
  const made = compiled<RowsDecoder>(decoders, source);
  if (made !== undefined) return made;
  const decodeRow = looped(slots, decoders);
  return (rows) => {
    for (let i = 0; i < rows.length; i++) decodeRow(rows[i]!);
  };
}

/** Each decoded column of row `r` decoded in place; SQL NULL stays null: decoders only ever see real values. */
function decodeStatements(slots: readonly number[], indent: string): string {
  return slots.map((c, k) => `v = r[${c}];\n${indent}if (v !== null && v !== undefined) r[${c}] = d${k}(v);`).join(`\n${indent}`);
}

/** `source` compiled with the decoders as d0, d1…; undefined where a Content-Security-Policy forbids it. */
function compiled<T>(decoders: readonly ((value: unknown) => unknown)[], source: string): T | undefined {
  if (!codegenAvailable) return undefined;
  try {
    // eslint-disable-next-line @typescript-eslint/no-implied-eval
    return new Function(...decoders.map((_, k) => `d${k}`), source)(...decoders) as T;
  } catch {
    codegenAvailable = false;
    return undefined;
  }
}

/** The decoding of one row as a loop (no code generation). */
function looped(slots: readonly number[], decoders: readonly ((value: unknown) => unknown)[]): RowDecoder {
  const width = slots.length;
  return (row) => {
    for (let k = 0; k < width; k++) {
      const c = slots[k]!;
      const value = row[c];
      if (value !== null && value !== undefined) row[c] = decoders[k]!(value);
    }
  };
}

/** Decodes one row in place; made once per result-column list. */
export type RowDecoder = (row: unknown[]) => void;

const rowPlans = new WeakMap<readonly ResultColumn[], RowDecoder | null>();

/**
 * The decoder of one row by `columns`, or undefined when no column has a decoder. For callers
 * that visit each row anyway (the ORM's hydrator): decoding there saves a second pass over a
 * result too large for the caches (measured on 50,000 posts from MariaDB: about 4 ms of 50).
 */
export function rowDecoderOf(columns: readonly ResultColumn[]): RowDecoder | undefined {
  let plan = rowPlans.get(columns);
  if (plan === undefined) {
    const { slots, decoders } = decodedColumns(columns);
    plan = slots.length === 0 ? null : generatedRow(slots, decoders);
    rowPlans.set(columns, plan);
  }
  return plan ?? undefined;
}

function generatedRow(slots: readonly number[], decoders: readonly ((value: unknown) => unknown)[]): RowDecoder {
  const source = `return function decodeRow(r) {\n  let v;\n  ${decodeStatements(slots, '  ')}\n};`;
  return compiled<RowDecoder>(decoders, source) ?? looped(slots, decoders);
}

/** Decode `rows` in place by `columns` (a column without a decoder passes through); returns `rows`. */
export function decodeRows(rows: unknown[][], columns: readonly ResultColumn[] | undefined): unknown[][] {
  if (columns === undefined || rows.length === 0) return rows;
  planOf(columns)(rows);
  return rows;
}

/**
 * The quiet fast path of `executeArrays` (no replicas, no listeners, no logging): the driver
 * called directly with `then` callbacks rather than an async function, which allocates about
 * half as much per statement (an async function's suspended frame outweighs two closures).
 */
export function executeArraysQuiet(pool: Pool, runner: StatementRunner, compiled: CompiledQuery): Promise<unknown[][]> {
  const entry = pool.tryTake();
  if (entry === undefined) return pool.acquire().then((e) => executeOn(pool, runner, compiled, e));
  return executeOn(pool, runner, compiled, entry);
}

function executeOn(pool: Pool, runner: StatementRunner, compiled: CompiledQuery, entry: PoolEntry): Promise<unknown[][]> {
  const start = performance.now();
  if (entry.conn.executeSync !== undefined) return executeSyncOn(pool, runner, compiled, entry, start);
  let pending: Promise<DriverResult>;
  try {
    pending = entry.conn.execute(compiled.sql, compiled.params);
  } catch (error) {
    return Promise.reject(releaseFailed(pool, runner, entry, compiled, error, start));
  }
  return pending.then(
    (result) => {
      releaseDone(pool, runner, entry, start);
      return decodeRows(result.rows, compiled.columns);
    },
    (error: unknown) => {
      throw releaseFailed(pool, runner, entry, compiled, error, start);
    },
  );
}

/**
 * The statement run and decoded right now, when that needs no waiting: the quiet path (see
 * `executeArraysQuiet`), an idle connection and a driver that answers synchronously. Having
 * run nothing, returns undefined when no connection is idle and null when the driver is
 * asynchronous (the caller then goes the async way); a failed statement throws its
 * translated error. For a caller that can finish its work
 * in the same tick (the ORM's key read: a settled promise instead of a chain).
 */
export function executeArraysNow(pool: Pool, runner: StatementRunner, compiled: CompiledQuery, firstRowOnly: boolean): unknown[][] | null | undefined {
  const entry = pool.tryTake();
  if (entry === undefined) return undefined;
  const conn = entry.conn;
  if (conn.executeSync === undefined) {
    void pool.release(entry);
    return null;
  }
  const start = performance.now();
  let result: DriverResult;
  try {
    result = conn.executeSync(compiled.sql, compiled.params, firstRowOnly);
  } catch (error) {
    throw releaseFailed(pool, runner, entry, compiled, error, start);
  }
  releaseDone(pool, runner, entry, start);
  return decodeRows(result.rows, compiled.columns);
}

/** A driver that answers synchronously: one settled promise instead of a chain. */
function executeSyncOn(pool: Pool, runner: StatementRunner, compiled: CompiledQuery, entry: PoolEntry, start: number): Promise<unknown[][]> {
  let result: DriverResult;
  try {
    result = entry.conn.executeSync!(compiled.sql, compiled.params);
  } catch (error) {
    return Promise.reject(releaseFailed(pool, runner, entry, compiled, error, start));
  }
  releaseDone(pool, runner, entry, start);
  try {
    return Promise.resolve(decodeRows(result.rows, compiled.columns));
  } catch (error) {
    return Promise.reject(error);
  }
}

/** A statement on a taken connection failed: the connection goes back to the pool; returns the translated error to raise. */
export function releaseFailed(pool: Pool, runner: StatementRunner, entry: PoolEntry, compiled: CompiledQuery, error: unknown, start: number): AthanorError {
  const failure = runner.failed(entry, compiled.sql, compiled.params, error, start);
  void pool.release(entry);
  return failure;
}

/** A statement on a taken connection succeeded: its time is recorded and the connection goes back to the pool. */
export function releaseDone(pool: Pool, runner: StatementRunner, entry: PoolEntry, start: number): void {
  runner.stats.record(performance.now() - start);
  void pool.release(entry);
}
