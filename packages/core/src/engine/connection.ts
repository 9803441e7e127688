import { InvalidArgumentError, TransactionStateError } from '../errors/errors';
import type { Compilable } from '../sql/dialect';
import type { PoolEntry } from './pool';
import { batchSizeOf, type Queryable, type RunResult, type StreamOptions, type TransactionOptions } from './queryable';
import { buildBatch, buildRows } from './row-builder';
import type { StatementRunner } from './statement-runner';
import { checkBeginOptions, toRunResult, Transaction } from './transaction';
import { type Lease, runTransaction } from './transaction-runner';
import { keepExemplar } from '../runtime/exemplars';

/**
 * A connection checked out of the pool with `engine.connect()`. Statements run on this one
 * connection until `release()` (or `await using`) returns it.
 */
export class Connection implements Queryable, AsyncDisposable {
  private entry: PoolEntry | undefined;
  private openTx: Transaction | undefined = undefined;
  private readonly lease: Lease;

  /** @internal Use `engine.connect()`. */
  constructor(
    private readonly runner: StatementRunner,
    entry: PoolEntry,
  ) {
    this.entry = entry;
    this.id = entry.id;
    this.lease = { acquire: async () => this.use(), release: () => undefined, pinned: true };
  }

  /** The driver connection's id (still readable after release, for logs). */
  readonly id: number;

  get released(): boolean {
    return this.entry === undefined;
  }

  /** The connection failed with a disconnect and will be discarded when released. */
  get invalidated(): boolean {
    return this.use().dead;
  }

  async execute<R>(stmt: Compilable<R>): Promise<R[]> {
    const entry = this.use();
    const compiled = stmt.compile(this.runner.dialect);
    entry.dirty = true; // raw SQL may open a transaction: reset on return
    return buildRows(compiled, await this.runner.execute(entry, compiled.sql, compiled.params)) as R[];
  }

  async run<R>(stmt: Compilable<R>): Promise<RunResult<R>> {
    const entry = this.use();
    const compiled = stmt.compile(this.runner.dialect);
    entry.dirty = true;
    const result = await this.runner.execute(entry, compiled.sql, compiled.params);
    return toRunResult(buildRows(compiled, result) as R[], result);
  }

  async *stream<R>(stmt: Compilable<R>, options?: StreamOptions): AsyncGenerator<R, void, undefined> {
    const entry = this.use();
    const batchSize = batchSizeOf(options);
    const compiled = stmt.compile(this.runner.dialect);
    entry.dirty = true;
    for await (const batch of this.runner.stream(entry, compiled.sql, compiled.params, batchSize)) {
      if (batch.length !== 0) yield* buildBatch(compiled, batch) as R[];
    }
  }

  executeMany(stmts: Iterable<Compilable>): Promise<RunResult[]> {
    return this.transaction((tx) => tx.executeMany(stmts));
  }

  /** A transaction on this connection; with `retry`, re-run here while the connection lives. */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    this.ensureNoOpenTransaction();
    return runTransaction(this.runner, this.lease, fn, options);
  }

  /** Begin a transaction to commit or roll back by hand (the ORM Session's way). */
  async begin(options: Omit<TransactionOptions, 'retry'> = {}): Promise<Transaction> {
    const entry = this.use();
    this.ensureNoOpenTransaction();
    const tx = await Transaction.start(this.runner, entry, checkBeginOptions(this.runner.dialect, options));
    this.openTx = tx;
    return tx;
  }

  /**
   * Return the connection to the pool. An open transaction is rolled back (reset on return).
   * Releasing twice throws.
   */
  async release(): Promise<void> {
    const entry = this.entry;
    if (entry === undefined) throw new InvalidArgumentError('This connection was already released');
    this.entry = undefined;
    this.openTx?.abandon();
    this.openTx = undefined;
    await entry.pool.release(entry);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    if (this.entry !== undefined) await this.release();
  }

  private use(): PoolEntry {
    if (this.entry === undefined) {
      throw new InvalidArgumentError('This connection was released to the pool; check out another with engine.connect()');
    }
    return this.entry;
  }

  private ensureNoOpenTransaction(): void {
    if (this.openTx?.active) {
      throw new TransactionStateError('A transaction begun with begin() is still open on this connection; commit or roll it back first');
    }
  }
}

// See runtime/exemplars.ts: every checked-out connection dies when released; this keeps their class.
keepExemplar(new Connection({} as StatementRunner, { id: 0 } as PoolEntry));
