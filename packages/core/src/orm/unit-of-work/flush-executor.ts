import { StaleDataError } from '../../errors/errors';
import type { SqlDialect } from '../../sql/dialect';
import type { ChangeSet, FlushStep } from './change-set';
import { commitOrder } from './commit-order';
import { FlushOutcome } from './flush-result';
import { persistAssociations, persistDeletes } from './persister/delete-persister';
import { FlushContext, type FlushQueryable } from './persister/flush-context';
import { persistInserts } from './persister/insert-persister';
import { describeRow, keyOf } from './persister/row-values';
import { persistPostUpdates, persistUpdates } from './persister/update-persister';
import type { WritePlan } from './persister/write-plan';

/**
 * Runs a flush plan's steps in order inside a transaction the caller opened, and returns what
 * was written (FlushOutcome) without touching instances, states or the session: the caller
 * applies the outcome once the statements succeeded, or discards it and rolls back.
 *
 *     const outcome = await executeFlush(engine.dialect, tx, commitOrder(changes));
 *     const undo = outcome.apply({ onInserted: …, onUpdated: …, onDeleted: … });
 *
 * A failing step's error is rethrown as it came (IntegrityError, StaleDataError…), its message
 * saying which step failed; `flushFailureOf(error)` gives the step and its rows.
 */
export interface FlushOptions {
  /** Replace the dialect's write strategies (tests and measurements). */
  readonly plan?: WritePlan;
  /** The flush's time, for `@CreatedAt`/`@UpdatedAt` (default: now). */
  readonly now?: Date;
}

export async function executeFlush(dialect: SqlDialect, db: FlushQueryable, steps: readonly FlushStep[], options: FlushOptions = {}): Promise<FlushOutcome> {
  const ctx = new FlushContext(dialect, db, options);
  for (const step of steps) {
    try {
      await runStep(ctx, step);
    } catch (error) {
      throw annotate(ctx, error, step);
    }
  }
  return new FlushOutcome(ctx);
}

/** Order a change set (commitOrder) and execute it. */
export function flushChanges(dialect: SqlDialect, db: FlushQueryable, changes: ChangeSet, options?: FlushOptions): Promise<FlushOutcome> {
  return executeFlush(dialect, db, commitOrder(changes), options);
}

function runStep(ctx: FlushContext, step: FlushStep): Promise<void> {
  switch (step.kind) {
    case 'insert':
      return persistInserts(ctx, step.meta, step.changes, step.deferred);
    case 'postUpdate':
      return persistPostUpdates(ctx, step.meta, step.changes);
    case 'update':
      return persistUpdates(ctx, step.meta, step.changes);
    case 'associations':
      return persistAssociations(ctx, step.relation, step.changes);
    case 'delete':
      return persistDeletes(ctx, step.meta, step.changes);
  }
}

/** Which step of a flush failed, and the instances it was writing. */
export interface FlushFailure {
  readonly step: FlushStep;
  /** `INSERT of 2 Post rows (Post#(new), Post#(new))`. */
  readonly description: string;
  readonly instances: readonly object[];
}

const failures = new WeakMap<object, FlushFailure>();

/** The flush step an error came from, when it came from a flush. */
export function flushFailureOf(error: unknown): FlushFailure | undefined {
  return typeof error === 'object' && error !== null ? failures.get(error) : undefined;
}

function annotate(ctx: FlushContext, error: unknown, step: FlushStep): unknown {
  if (typeof error !== 'object' || error === null || failures.has(error)) return error;
  const instances = step.kind === 'associations' ? step.changes.map((c) => c.owner) : step.changes.map((c) => c.instance);
  const description = describeStep(ctx, step);
  failures.set(error, { step, description, instances });
  // A StaleDataError already names its rows.
  if (error instanceof Error && !(error instanceof StaleDataError)) {
    try {
      error.message = `${error.message} (flush step: ${description})`;
    } catch {
      // A frozen error keeps its message; flushFailureOf still tells.
    }
  }
  return error;
}

function describeStep(ctx: FlushContext, step: FlushStep): string {
  if (step.kind === 'associations') return `many-to-many changes of ${step.relation.name} (${step.changes.length})`;
  const verb = step.kind === 'insert' ? 'INSERT' : step.kind === 'update' ? 'UPDATE' : step.kind === 'delete' ? 'DELETE' : 'post-update (foreign key of a cycle)';
  const rows = step.changes.slice(0, 5).map((c) => describeRow(step.meta, step.kind === 'insert' ? undefined : keyOf(ctx, c.instance, step.meta)));
  const more = step.changes.length > 5 ? `, … ${step.changes.length - 5} more` : '';
  return `${verb} of ${step.changes.length} ${step.meta.name} row${step.changes.length === 1 ? '' : 's'}: ${rows.join(', ')}${more}`;
}
