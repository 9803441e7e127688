import { CommitOutcomeUnknownError, ConfigurationError, TransactionStateError } from '../errors/errors';
import type { Compilable, CompiledQuery } from '../sql/dialect';
import { type ArrayQueryable, decodeRows } from './array-results';
import type { BeginOptions, Dialect, DriverResult } from './driver';
import type { PoolEntry } from './pool';
import { batchSizeOf, type Queryable, type RunResult, type StreamOptions, type TransactionOptions } from './queryable';
import { buildBatch, buildRows, type ResultRow } from './row-builder';
import { classificationOf, NO_PARAMS, type StatementRunner } from './statement-runner';
import { keepExemplar } from '../runtime/exemplars';

type TxState = 'active' | 'committed' | 'rolled back' | 'ended (outcome unknown)';

/** Shared by a transaction and its savepoints: they all live on one connection. */
interface TreeState {
  savepoints: number;
  /** The database aborted the transaction after this error (abortsTransactionOnError). */
  aborted: unknown;
  /** The connection died after this error; the server has rolled everything back. */
  broken: unknown;
}

/**
 * A transaction on one pooled connection, or a savepoint nested in one. Obtained from
 * `engine.transaction(fn)` / `connection.begin()`; nested blocks via `tx.transaction(fn)`.
 */
export class Transaction implements Queryable, ArrayQueryable {
  private state: TxState = 'active';
  private child: Transaction | undefined = undefined;

  private constructor(
    private readonly runner: StatementRunner,
    private readonly entry: PoolEntry,
    private readonly parent: Transaction | undefined,
    /** The savepoint name, for nested transactions. */
    readonly savepoint: string | undefined,
    private readonly tree: TreeState,
  ) {}

  /** @internal Open a top-level transaction on a checked-out connection. */
  static async start(runner: StatementRunner, entry: PoolEntry, options: BeginOptions): Promise<Transaction> {
    const statements = runner.dialect.beginStatements(options);
    // From here on a ROLLBACK on return is due if we never reach COMMIT or ROLLBACK.
    entry.dirty = true;
    for (const sql of statements) await runner.execute(entry, sql, NO_PARAMS);
    return new Transaction(runner, entry, undefined, undefined, { savepoints: 0, aborted: undefined, broken: undefined });
  }

  get active(): boolean {
    return this.state === 'active';
  }

  /** 0 for the outermost transaction, n for the n-th nested savepoint. */
  get depth(): number {
    return this.parent === undefined ? 0 : this.parent.depth + 1;
  }

  get connectionId(): number {
    return this.entry.id;
  }

  async execute<R>(stmt: Compilable<R>): Promise<R[]> {
    this.ensureUsable();
    const compiled = stmt.compile(this.runner.dialect);
    const result = await this.send(compiled.sql, compiled.params);
    return buildRows(compiled, result) as R[];
  }

  async run<R>(stmt: Compilable<R>): Promise<RunResult<R>> {
    this.ensureUsable();
    const compiled = stmt.compile(this.runner.dialect);
    const result = await this.send(compiled.sql, compiled.params);
    return toRunResult<R>(buildRows(compiled, result) as R[], result);
  }

  async *stream<R>(stmt: Compilable<R>, options?: StreamOptions): AsyncGenerator<R, void, undefined> {
    this.ensureUsable();
    const batchSize = batchSizeOf(options);
    const compiled = stmt.compile(this.runner.dialect);
    try {
      for await (const batch of this.runner.stream(this.entry, compiled.sql, compiled.params, batchSize)) {
        if (batch.length === 0) continue;
        yield* buildBatch(compiled, batch) as R[];
      }
    } catch (error) {
      this.noteFailure(error);
      throw error;
    }
  }

  /** A compiled statement's rows as decoded arrays (see Engine.executeArrays). */
  async executeArrays(compiled: CompiledQuery): Promise<unknown[][]> {
    this.ensureUsable();
    return decodeRows((await this.send(compiled.sql, compiled.params)).rows, compiled.columns);
  }

  /** A compiled statement's rows in batches of decoded arrays. */
  async *streamArrays(compiled: CompiledQuery, batchSize: number): AsyncGenerator<unknown[][], void, undefined> {
    this.ensureUsable();
    try {
      for await (const batch of this.runner.stream(this.entry, compiled.sql, compiled.params, batchSize)) {
        if (batch.length !== 0) yield decodeRows(batch, compiled.columns);
      }
    } catch (error) {
      this.noteFailure(error);
      throw error;
    }
  }

  /** Statements in order inside this transaction (no extra savepoint). */
  async executeMany(stmts: Iterable<Compilable>): Promise<RunResult[]> {
    const results: RunResult[] = [];
    for (const stmt of stmts) results.push(await this.run(stmt as Compilable<ResultRow>));
    return results;
  }

  /**
   * A nested block in a SAVEPOINT: released when `fn` resolves; rolled back to the savepoint
   * when it throws, and the error is rethrown so the outer block can catch it and go on.
   */
  async transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (options && (options.isolation !== undefined || options.readOnly !== undefined || options.retry)) {
      throw new ConfigurationError(
        'isolation, readOnly and retry apply to the outermost transaction only; a nested transaction is a SAVEPOINT',
      );
    }
    return runBlock(await this.begin(), fn);
  }

  /** Open a nested transaction (SAVEPOINT) to commit or roll back by hand. */
  async begin(): Promise<Transaction> {
    this.ensureUsable();
    if (this.child !== undefined) {
      throw new TransactionStateError('This transaction already has an open nested transaction; finish that one first');
    }
    const name = `sp_${++this.tree.savepoints}`;
    const child = new Transaction(this.runner, this.entry, this, name, this.tree);
    this.child = child; // before the await, so a concurrent begin() is refused
    try {
      await this.send(`SAVEPOINT ${name}`, NO_PARAMS);
    } catch (error) {
      this.child = undefined;
      child.state = 'rolled back';
      throw error;
    }
    return child;
  }

  async commit(): Promise<void> {
    this.ensureOpen('commit');
    if (this.child !== undefined) {
      throw new TransactionStateError('Cannot commit while a nested transaction is open; commit or roll it back first');
    }
    if (this.tree.broken !== undefined) {
      this.end('rolled back');
      throw new TransactionStateError('The connection was lost during this transaction; nothing was committed', {
        cause: this.tree.broken,
      });
    }
    if (this.tree.aborted !== undefined) {
      const cause = this.tree.aborted;
      await this.rollback();
      throw new TransactionStateError(
        'A statement failed and the database aborted the transaction, so it was rolled back, not committed',
        { cause },
      );
    }
    if (this.savepoint !== undefined) {
      await this.send(`RELEASE SAVEPOINT ${this.savepoint}`, NO_PARAMS);
      this.end('committed');
      return;
    }
    try {
      await this.runner.execute(this.entry, 'COMMIT', NO_PARAMS);
    } catch (error) {
      if (this.entry.dead) {
        this.tree.broken = error;
        this.end('ended (outcome unknown)');
        throw new CommitOutcomeUnknownError(
          'The connection was lost while COMMIT was in flight: the transaction may or may not have been ' +
            'committed. It is not retried; check the data before repeating the work.',
          { sql: 'COMMIT', cause: error },
        );
      }
      // The database refused to commit (deferred constraint, serialization failure, busy).
      await this.rollbackQuietly();
      throw error;
    }
    this.end('committed');
    this.entry.dirty = false;
  }

  /** Roll back (to the savepoint, when nested). A no-op once the transaction has ended. */
  async rollback(): Promise<void> {
    if (this.state !== 'active') return;
    for (let t = this.child; t !== undefined; t = t.child) t.state = 'rolled back';
    this.child = undefined;
    if (this.tree.broken !== undefined || this.entry.dead) {
      this.end('rolled back');
      return;
    }
    const sql = this.savepoint === undefined ? 'ROLLBACK' : `ROLLBACK TO SAVEPOINT ${this.savepoint}`;
    try {
      await this.runner.execute(this.entry, sql, NO_PARAMS);
    } catch (error) {
      if (this.savepoint === undefined) {
        this.end('rolled back');
        // Whatever state the connection is in, nobody else may inherit it.
        if (!this.entry.dead) this.entry.pool.invalidate(this.entry, error, 'discard');
      } else {
        this.tree.aborted ??= error;
        this.end('rolled back');
      }
      throw error;
    }
    this.tree.aborted = undefined;
    this.end('rolled back');
    if (this.savepoint === undefined) this.entry.dirty = false;
  }

  /** @internal Roll back after a failure without hiding the failure behind a rollback error. */
  async rollbackQuietly(): Promise<void> {
    try {
      await this.rollback();
    } catch (error) {
      this.runner.logger.warn(`ROLLBACK failed on connection #${this.entry.id}: ${String(error)}`);
    }
  }

  /** @internal The connection is being returned: this transaction can no longer be used. */
  abandon(): void {
    for (let t: Transaction | undefined = this; t !== undefined; t = t.child) {
      if (t.state === 'active') t.state = 'rolled back';
    }
  }

  private async send(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    try {
      return await this.runner.execute(this.entry, sql, params);
    } catch (error) {
      this.noteFailure(error);
      throw error;
    }
  }

  private noteFailure(error: unknown): void {
    // Only failures the database saw change the transaction's state.
    if (classificationOf(error) === undefined) return;
    if (this.entry.dead) this.tree.broken ??= error;
    else if (this.runner.dialect.abortsTransactionOnError) this.tree.aborted ??= error;
  }

  private ensureOpen(action: string): void {
    if (this.state !== 'active') {
      throw new TransactionStateError(`Cannot ${action}: this transaction has already ${describe(this.state)}`);
    }
  }

  private ensureUsable(): void {
    if (this.state !== 'active') {
      throw new TransactionStateError(
        `This transaction has already ${describe(this.state)}; it cannot run more statements`,
      );
    }
    if (this.tree.broken !== undefined) {
      throw new TransactionStateError(
        'The connection was lost during this transaction; roll it back and start a new one',
        { cause: this.tree.broken },
      );
    }
    if (this.tree.aborted !== undefined) {
      throw new TransactionStateError(
        'A statement failed and the database aborted this transaction; roll back (or roll back to a ' +
          'savepoint, e.g. by catching the error outside a nested tx.transaction()) before running more statements',
        { cause: this.tree.aborted },
      );
    }
  }

  private end(state: TxState): void {
    this.state = state;
    if (this.parent !== undefined && this.parent.child === this) this.parent.child = undefined;
  }
}

function describe(state: TxState): string {
  return state === 'ended (outcome unknown)' ? 'ended with an unknown outcome' : `been ${state}`;
}

export function toRunResult<R>(rows: R[], result: DriverResult): RunResult<R> {
  return result.lastInsertId === undefined
    ? { rows, rowCount: result.rowCount }
    : { rows, rowCount: result.rowCount, lastInsertId: result.lastInsertId };
}

/** Commit when `fn` resolves, roll back and rethrow when it throws. */
export async function runBlock<T>(tx: Transaction, fn: (tx: Transaction) => Promise<T>): Promise<T> {
  let result: T;
  try {
    result = await fn(tx);
  } catch (error) {
    await tx.rollbackQuietly();
    throw error;
  }
  try {
    if (tx.active) await tx.commit();
  } catch (error) {
    if (tx.active) await tx.rollbackQuietly();
    throw error;
  }
  return result;
}

/** Reject isolation levels the dialect does not have before touching a connection. */
export function checkBeginOptions(dialect: Dialect, options: TransactionOptions): BeginOptions {
  const { isolation, readOnly } = options;
  if (isolation !== undefined && !dialect.adapter.isolationLevels.includes(isolation)) {
    throw new ConfigurationError(
      `Isolation level '${isolation}' is not supported by ${dialect.name}; ` +
        `supported: ${dialect.adapter.isolationLevels.map((l) => `'${l}'`).join(', ') || 'none'}`,
    );
  }
  const begin: { isolation?: typeof isolation; readOnly?: boolean } = {};
  if (isolation !== undefined) begin.isolation = isolation;
  if (readOnly !== undefined) begin.readOnly = readOnly;
  return begin;
}

// See runtime/exemplars.ts: a transaction (and its savepoints) dies when it ends; these keep its classes.
const exemplarTree: TreeState = keepExemplar({ savepoints: 0, aborted: undefined, broken: undefined });
const exemplarTx = keepExemplar(Reflect.construct(Transaction, [{}, {}, undefined, undefined, exemplarTree]) as Transaction);
keepExemplar(Reflect.construct(Transaction, [{}, {}, exemplarTx, 'sp', exemplarTree]));
