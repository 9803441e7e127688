import type { RunResult } from '../../../engine/queryable';
import type { ResultRow } from '../../../engine/row-builder';
import type { Compilable, CompiledQuery, SqlDialect } from '../../../sql/dialect';
import type { IdentityKey } from '../../identity/identity-key';
import { keepExemplar } from '../../../runtime/exemplars';
import type { InstanceState } from '../../identity/instance-state';
import type { EntityMetadata } from '../../metadata/entity-metadata';
import { rootOf } from '../row-links';
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
  /** The row's identity after the update, set when the flush's outcome is built. */
  key?: IdentityKey;
  /** The snapshot the row had before this flush (undo restores it). */
  readonly before: readonly unknown[] | undefined;
  /** The columns the UPDATE set (slots in `meta.columns`). */
  readonly slots: readonly number[];
}

/**
 * The state of one flush while it runs: what was written so far, kept here and not on the
 * instances (the session applies it once the flush has succeeded; see FlushOutcome).
 */
export class FlushContext implements KeySource {
  readonly plan: WritePlan;
  /** `@CreatedAt`/`@UpdatedAt` of every row this flush writes. */
  readonly now: Date;
  /** New rows written so far, per table (a single-table hierarchy is one), in order. */
  readonly inserted = new Map<EntityMetadata, PendingRow[]>();
  /** Index of `inserted` by instance, per table, built when a child first looks a parent up. */
  private readonly insertedIndex = new Map<EntityMetadata, { size: number; byInstance: Map<object, PendingRow> }>();
  readonly updated: UpdatedRow[] = [];
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

  /** Record a new row (its values as written; keys land in them once read back). */
  addInserted(row: PendingRow): void {
    const root = rootOf(row.meta);
    const list = this.inserted.get(root);
    if (list) list.push(row);
    else this.inserted.set(root, [row]);
  }

  /**
   * The row this flush inserted for `instance` (of `meta`'s table), if any. Only rows some
   * other row points at are ever looked up, so the index is built on demand, per table.
   */
  insertedRow(instance: object, meta: EntityMetadata): PendingRow | undefined {
    const root = rootOf(meta);
    const rows = this.inserted.get(root);
    if (rows === undefined) return undefined;
    let index = this.insertedIndex.get(root);
    if (index === undefined) this.insertedIndex.set(root, (index = { size: 0, byInstance: new Map() }));
    for (; index.size < rows.length; index.size++) index.byInstance.set(rows[index.size]!.instance, rows[index.size]!);
    return index.byInstance.get(instance);
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

// See runtime/exemplars.ts: one context lives on, so the classes of a flush's context (and the code using them) outlive its flushes.
export const FLUSH_CONTEXT_EXEMPLAR = keepExemplar(new FlushContext({} as SqlDialect, { run: () => Promise.reject(new Error('exemplar')) }, { plan: {} as WritePlan, now: new Date(0) }));
