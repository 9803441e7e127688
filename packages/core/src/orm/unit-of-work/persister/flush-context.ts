import type { RunResult } from '../../../engine/queryable';
import type { ResultRow } from '../../../engine/row-builder';
import type { Compilable, CompiledQuery, SqlDialect } from '../../../sql/dialect';
import type { InstanceState } from '../../identity/instance-state';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import type { KeySource, PendingRow } from './row-values';
import { type WritePlan, writePlanOf } from './write-plan';

/**
 * Where a flush runs: a transaction (or any queryable with `run`) the caller opened. A Core
 * `Transaction` fits; its `connectionId` lets per-connection facts be cached.
 */
export interface FlushQueryable {
  run<R>(stmt: Compilable<R>): Promise<RunResult<R>>;
  readonly connectionId?: number;
}

/** A row's new values after an UPDATE (its next snapshot), or a deleted row. */
export interface UpdatedRow extends PendingRow {
  /** The snapshot the row had before this flush (undo restores it). */
  readonly before: readonly unknown[] | undefined;
}

/**
 * The state of one flush while it runs: what was written so far, kept here and not on the
 * instances (the session applies it once the flush has succeeded; see FlushOutcome).
 */
export class FlushContext implements KeySource {
  readonly plan: WritePlan;
  /** `@CreatedAt`/`@UpdatedAt` of every row this flush writes. */
  readonly now: Date;
  readonly inserted = new Map<object, PendingRow>();
  readonly updated = new Map<object, UpdatedRow>();
  readonly deleted: { state: InstanceState; instance: object; meta: EntityMetadata }[] = [];
  links = 0;
  unlinks = 0;
  /** Statements sent. */
  statements = 0;

  constructor(
    readonly dialect: SqlDialect,
    readonly db: FlushQueryable,
    options: { readonly plan?: WritePlan; readonly now?: Date } = {},
  ) {
    this.plan = options.plan ?? writePlanOf(dialect.adapter);
    this.now = options.now ?? new Date();
  }

  insertedRow(instance: object): PendingRow | undefined {
    return this.inserted.get(instance);
  }

  /** Handed to `run` for every statement: queryables compile synchronously, before their first await. */
  private readonly holder = {
    compiled: undefined as CompiledQuery | undefined,
    compile(): CompiledQuery {
      return this.compiled!;
    },
  };

  /** Run a compiled statement in the flush's transaction. */
  run(compiled: CompiledQuery): Promise<RunResult<ResultRow>> {
    this.statements++;
    this.holder.compiled = compiled;
    return this.db.run<ResultRow>(this.holder);
  }

  /** Compile and run a statement node. */
  runNode(root: unknown): Promise<RunResult<ResultRow>> {
    return this.run(this.dialect.compile(root));
  }

  /** A copy of `now` for one row (Dates are mutable; rows must not share one). */
  timestamp(): Date {
    return new Date(this.now.getTime());
  }
}
