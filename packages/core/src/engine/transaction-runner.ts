import { CommitOutcomeUnknownError, IntegrityError } from '../errors/errors';
import type { PoolEntry } from './pool';
import type { TransactionOptions } from './queryable';
import { normalizeRetry, retrying } from './retry';
import { classificationOf, type StatementRunner } from './statement-runner';
import { checkBeginOptions, runBlock, Transaction } from './transaction';

/** Where a transaction gets its connection: the pool, or one connection the caller holds. */
export interface Lease {
  acquire(): Promise<PoolEntry>;
  release(entry: PoolEntry): Promise<void> | undefined;
  /** Every attempt runs on the same connection, so none can follow once it died. */
  readonly pinned: boolean;
}

/**
 * Whether re-running a whole transaction may succeed: the dialect classified the error (or
 * one it wraps) as transient or as a lost connection. Never for integrity errors, and never
 * when COMMIT's outcome is unknown (the work may already be committed).
 */
export function isRetryable(error: unknown): boolean {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current !== null && typeof current === 'object'; depth++) {
    if (current instanceof CommitOutcomeUnknownError || current instanceof IntegrityError) return false;
    const classification = classificationOf(current);
    if (classification !== undefined) return classification.transient || classification.disconnect;
    current = (current as { cause?: unknown }).cause;
  }
  return false;
}

/** BEGIN … fn(tx) … COMMIT, rolled back on failure, the whole of it retried when allowed. */
export async function runTransaction<T>(
  runner: StatementRunner,
  lease: Lease,
  fn: (tx: Transaction) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const begin = checkBeginOptions(runner.dialect, options);
  const policy = normalizeRetry(options.retry);
  let entry: PoolEntry | undefined;
  return retrying(
    policy,
    async () => {
      entry = await lease.acquire();
      try {
        let tx: Transaction;
        try {
          tx = await Transaction.start(runner, entry, begin);
        } catch (error) {
          await rollbackAfterFailedBegin(entry);
          throw error;
        }
        // runBlock rolls back explicitly before rethrowing, so a retry never inherits a
        // half-done transaction (MariaDB's lock wait timeout undoes only the statement).
        return await runBlock(tx, fn);
      } finally {
        const releasing = lease.release(entry);
        if (releasing !== undefined) await releasing;
      }
    },
    (error) => isRetryable(error) && !(lease.pinned && entry?.dead),
    {
      onRetry: (error, attempt, delayMs) => {
        runner.logger.debug(
          `Transaction attempt ${attempt} failed (${(error as Error)?.name ?? 'error'}: ${(error as Error)?.message ?? error}); ` +
            `retrying in ${delayMs.toFixed(0)} ms`,
        );
        if (runner.events.listeners.retry !== undefined) runner.events.emit('retry', { attempt, delayMs, error });
      },
    },
  );
}

/** A BEGIN sequence may fail half way (SET TRANSACTION ran, BEGIN was refused as busy). */
async function rollbackAfterFailedBegin(entry: PoolEntry): Promise<void> {
  if (entry.dead) return;
  try {
    await entry.conn.execute('ROLLBACK', []);
    entry.dirty = false;
  } catch {
    // Usually "no transaction is active"; the pool rolls back again on return if needed.
  }
}
