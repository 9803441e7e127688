import type { Connection } from '../../engine/connection';
import type { Engine } from '../../engine/engine';
import type { IsolationLevel } from '../../sql/dialect';
import type { Transaction } from '../../engine/transaction';
import { TransactionStateError } from '../../errors/errors';
import { Epoch, revertEpoch } from './flush-journal';
import type { UnitOfWork } from './unit-of-work';
import { keepExemplar } from '../../runtime/exemplars';

/**
 * A session's transactions. Without one, reads run on the engine (autocommit); the first flush
 * (or `begin()`) checks out a connection and begins one, held until `commit()` or `rollback()`
 * (SQLAlchemy's autobegin). `transaction(fn)` nests SAVEPOINTs. The scoped form
 * (`engine.session(fn)`) runs on the engine's transaction, which the scope commits.
 *
 * Each level has an epoch of the journal (flush-journal.ts): a released savepoint's merges into
 * its parent's, a rolled-back one is reverted, and so is everything at a rollback.
 */

export interface BeginOptions {
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
}

interface Level {
  readonly tx: Transaction;
  /** The connection of a transaction the session began (released when it ends). */
  readonly connection?: Connection;
  readonly epoch: Epoch;
}

export class SessionTransactions {
  private readonly levels: Level[] = [];
  private readonly scoped: boolean;

  constructor(
    private readonly engine: Engine,
    private readonly uow: UnitOfWork,
    private readonly readOnly: boolean,
    /** Called whenever the innermost transaction changes (the session routes its statements there). */
    private readonly onChange: (tx: Transaction | undefined) => void,
    scope?: Transaction,
  ) {
    this.scoped = scope !== undefined;
    if (scope !== undefined) this.levels.push({ tx: scope, epoch: uow.epoch });
  }

  /** The session runs in an engine.session(fn) scope's transaction. */
  get isScoped(): boolean {
    return this.scoped;
  }

  /** The innermost open transaction (or savepoint). */
  get current(): Transaction | undefined {
    return this.levels.at(-1)?.tx;
  }

  /** Open levels: 0 outside a transaction, 1 in one, more inside savepoints. */
  get depth(): number {
    return this.levels.length;
  }

  /** Begin the session's transaction. */
  async begin(options: BeginOptions = {}): Promise<void> {
    if (this.levels.length > 0) {
      throw new TransactionStateError('This session is already in a transaction; nest one with session.transaction(fn) (a SAVEPOINT), or commit() first.');
    }
    if (this.scoped) throw this.scopeEnded();
    const connection = await this.engine.connect();
    let tx: Transaction;
    try {
      tx = await connection.begin({ isolation: options.isolation, readOnly: options.readOnly ?? (this.readOnly || undefined) });
    } catch (error) {
      await connection.release();
      throw error;
    }
    this.levels.push({ tx, connection, epoch: this.uow.epoch });
    this.onChange(tx);
  }

  /** The transaction a flush runs in: the current one, or one begun now. */
  async forFlush(): Promise<Transaction> {
    if (this.levels.length === 0) await this.begin();
    return this.current!;
  }

  /** Commit the outermost transaction (the caller flushed). */
  async commit(): Promise<boolean> {
    if (this.scoped) {
      throw new TransactionStateError('engine.session(fn) commits when fn resolves; call flush() to write now, or use engine.session() without a function to commit yourself.');
    }
    if (this.levels.length === 0) return false;
    if (this.levels.length > 1) throw new TransactionStateError('commit(): a nested transaction(fn) is still running; commit when it has returned.');
    const level = this.levels[0]!;
    try {
      await level.tx.commit();
    } catch (error) {
      this.uow.failure ??= error;
      await this.end(level);
      throw error;
    }
    await this.end(level);
    return true;
  }

  /** Roll back everything (every level) and revert the objects. */
  async rollback(): Promise<void> {
    const outer = this.levels[0];
    try {
      if (outer !== undefined) await outer.tx.rollback();
    } finally {
      while (this.levels.length > 0) {
        const level = this.levels.pop()!;
        if (level.connection !== undefined) await level.connection.release().catch(() => undefined);
      }
      this.onChange(undefined);
      this.revertTo(undefined);
      this.uow.failure = undefined;
    }
  }

  /** A flush failed: roll back the innermost level (a savepoint, or the whole transaction). */
  async afterFailure(): Promise<void> {
    const level = this.levels.at(-1);
    if (level === undefined) return;
    if (this.levels.length > 1) {
      try {
        await level.tx.rollback();
        return;
      } catch {
        // The savepoint cannot be rolled back (the connection is gone): the whole transaction goes.
      }
    }
    const outer = this.levels[0]!;
    await outer.tx.rollbackQuietly();
    this.levels.length = 0;
    if (outer.connection !== undefined) await outer.connection.release().catch(() => undefined);
    this.onChange(undefined);
  }

  /**
   * `fn` in a nested transaction: a SAVEPOINT inside the current transaction (changes made so
   * far are flushed first, so they stay outside it), or the session's transaction when there
   * is none. Released (committed) when `fn` resolves; rolled back, objects included, when it
   * throws, and the error rethrown.
   */
  async run<T>(fn: () => Promise<T>, flush: () => Promise<void>, commit: () => Promise<void>): Promise<T> {
    if (this.levels.length === 0) {
      await this.begin();
      let result: T;
      try {
        result = await fn();
      } catch (error) {
        await this.rollback().catch(() => undefined);
        throw error;
      }
      await commit();
      return result;
    }
    await flush();
    const savepoint = await this.current!.begin();
    const epoch = new Epoch(this.uow.epoch);
    this.uow.epoch = epoch;
    const level: Level = { tx: savepoint, epoch };
    this.levels.push(level);
    this.onChange(savepoint);
    let result: T;
    try {
      result = await fn();
      if (this.uow.failure === undefined && this.levels.includes(level)) await flush();
    } catch (error) {
      await this.undoNested(level);
      throw error;
    }
    // session.rollback() inside fn ended every level already.
    if (!this.levels.includes(level)) return result;
    const failure = this.uow.failure;
    if (failure !== undefined) {
      await this.undoNested(level);
      throw new TransactionStateError(`A flush in this nested transaction failed (${describe(failure)}); it was rolled back to its savepoint.`, { cause: failure });
    }
    try {
      await savepoint.commit();
    } catch (error) {
      await this.undoNested(level);
      throw error;
    }
    this.levels.pop();
    this.onChange(this.current);
    epoch.mergeInto(epoch.parent!);
    this.uow.epoch = epoch.parent!;
    return result;
  }

  /** Roll back to a level's savepoint, revert its epoch, and leave it. */
  private async undoNested(level: Level): Promise<void> {
    const at = this.levels.indexOf(level);
    if (at >= 0) {
      await level.tx.rollback().catch(() => undefined);
      this.levels.length = at;
      this.onChange(this.current);
    }
    this.revertTo(level.epoch.parent);
    this.uow.failure = undefined;
  }

  /** Revert epochs, innermost first, until `parent` is current (undefined: all of them). */
  private revertTo(parent: Epoch | undefined): void {
    for (let guard = 0; guard < 1000 && this.uow.epoch !== parent; guard++) {
      const last = this.uow.epoch.parent === undefined;
      revertEpoch(this.uow);
      if (last) break;
    }
  }

  /** The outermost transaction ended: the connection goes back, the journal starts afresh. */
  private async end(level: Level): Promise<void> {
    this.levels.length = 0;
    if (level.connection !== undefined) await level.connection.release().catch(() => undefined);
    this.onChange(undefined);
  }

  /** The session closes: a transaction it began is rolled back and its connection returned (a scope's is the scope's). */
  async abandon(): Promise<void> {
    const outer = this.levels[0];
    if (outer === undefined || outer.connection === undefined) return;
    this.levels.length = 0;
    await outer.tx.rollbackQuietly();
    await outer.connection.release().catch(() => undefined);
  }

  private scopeEnded(): TransactionStateError {
    return new TransactionStateError("This scoped session's transaction has ended (rolled back); leave the engine.session(fn) function, or start another session.");
  }

  /** The transaction a flush would need, refused when a scoped session's has ended. */
  assertCanFlush(): void {
    if (this.scoped && this.levels.length === 0) throw this.scopeEnded();
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

// See runtime/exemplars.ts: a session's transaction levels die with it; one of each shape keeps their classes.
keepExemplar<Level>({ tx: {} as Transaction, connection: {} as Connection, epoch: {} as Epoch });
keepExemplar<Level>({ tx: {} as Transaction, epoch: {} as Epoch });
