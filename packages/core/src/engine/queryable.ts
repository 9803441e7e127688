import { InvalidArgumentError } from '../errors/errors';
import type { Compilable, IsolationLevel } from '../sql/dialect';
import type { RetryOptions } from './retry';
import type { ResultRow } from './row-builder';
import type { Transaction } from './transaction';

export interface RunResult<R = ResultRow> {
  readonly rows: R[];
  /** Rows affected (INSERT/UPDATE/DELETE) as the driver reports them. */
  readonly rowCount: number;
  /** The generated key of a single-row INSERT where the database reports one (SQLite, MySQL). */
  readonly lastInsertId?: number | bigint;
}

export interface StreamOptions {
  /** Rows fetched per round trip (default 500). */
  readonly batchSize?: number;
}

export interface TransactionOptions {
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
  /**
   * Re-run the whole function on transient errors (deadlock, serialization failure, lock
   * timeout, busy, connection lost before COMMIT). `true` = 3 attempts, 20 ms base, 1 s cap.
   * Outermost transactions only.
   */
  readonly retry?: RetryOptions | boolean;
}

/** What an engine, a connection, a transaction and the routing views all offer. */
export interface Queryable {
  /** Run a statement and return its rows. */
  execute<R>(stmt: Compilable<R>): Promise<R[]>;
  /** Run a statement and return its rows plus the affected-row count and generated key. */
  run<R>(stmt: Compilable<R>): Promise<RunResult<R>>;
  /** Iterate over a large result without holding all of it in memory. */
  stream<R>(stmt: Compilable<R>, options?: StreamOptions): AsyncGenerator<R, void, undefined>;
  /** Run statements in order, in one transaction, on one connection. */
  executeMany(stmts: Iterable<Compilable>): Promise<RunResult[]>;
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T>;
}

export const DEFAULT_BATCH_SIZE = 500;

export function batchSizeOf(options: StreamOptions | undefined): number {
  const size = options?.batchSize ?? DEFAULT_BATCH_SIZE;
  if (!Number.isInteger(size) || size < 1) throw new InvalidArgumentError(`batchSize must be an integer ≥ 1 (got ${size})`);
  return size;
}
