import type { Engine } from '../../engine/engine';
import type { StreamOptions } from '../../engine/queryable';
import type { Transaction } from '../../engine/transaction';
import { InvalidArgumentError, NotFoundError } from '../../errors/errors';
import type { Compilable, CompiledQuery, SqlDialect } from '../../sql/dialect';
import type { HydrationTarget } from '../hydration/hydrator';
import { keepExemplar } from '../../runtime/exemplars';
import { IdentityMap } from '../identity/identity-map';
import { type InstanceState, stateOf } from '../identity/instance-state';
import type { EntityClass } from '../metadata/entity-metadata';
import { EntityQuery, type EntityQueryRunner } from '../query/entity-query';
import { EMPTY_SPEC } from '../query/entity-select';
import type { FindOptions, StreamEntityOptions, Where } from '../query/filter-types';
import * as loader from './entity-loader';
import { EngineConnection, type SessionConnection, TransactionConnection } from './session-connection';
import { type AutoflushOption, type PrimaryKeyInput, ReadOnlySessionError, SessionClosedError, SessionFailedError, type SessionOptions } from './session-options';
import { UnitOfWork } from '../unit-of-work/unit-of-work';
import { SessionTransactions } from '../unit-of-work/session-transactions';
import { cascadeReach, dropFromCollections, keysWhere, refreshReached } from '../unit-of-work/cascade';

let exemplarMade = false;
const FIND_OPTIONS = new Set(['where', 'orderBy', 'limit', 'offset', 'load', 'batchSize', 'autoflush']);

/**
 * A unit of work's read side: one object per row (the identity map), typed queries that
 * hydrate entities, key reads that skip SQL when they can. Obtain one with `engine.session()`
 * (close it, or `await using`) or `engine.session(async (s) => …)` (a transaction, committed
 * when the function resolves). A thin facade: the identity map, instance states, hydration
 * and query building are modules of their own; loading lives in `entity-loader`.
 */
export class Session implements EntityQueryRunner, AsyncDisposable {
  readonly engine: Engine;
  readonly readOnly: boolean;
  /** The options the session was opened with. */
  readonly options: SessionOptions;
  /** One object per row: the most recently loaded held strongly, older unchanged ones weakly (see IdentityMap). */
  readonly identityMap: IdentityMap;
  /** @internal Where statements run (the engine, or a transaction). */
  connection: SessionConnection;
  /** @internal */
  readonly dialect: SqlDialect;
  /** @internal Where hydrated objects go. */
  readonly target: HydrationTarget;
  /** @internal */
  readonly keyReaders = new Map<loader.EntityPlan, (rows: unknown[][]) => object | null>();
  /** @internal The writer: new, changed and deleted objects, and the flush (see session-writes.ts for the API). */
  readonly unitOfWork: UnitOfWork;
  /** @internal The session's transaction and savepoints. */
  readonly transactions: SessionTransactions;
  /** Whether queries flush pending changes first (SessionOptions.autoflush). */
  autoflush: boolean;
  /** @internal Entity queries that do not autoflush. */
  readonly withoutAutoflush: EntityQueryRunner;
  private readonly streamBatchSize: number;
  private closed = false;

  /** @internal Use `engine.session()`. */
  constructor(engine: Engine, options: SessionOptions = {}, connection?: SessionConnection) {
    this.engine = engine;
    this.dialect = engine.dialect;
    this.options = options;
    this.readOnly = options.readOnly ?? false;
    this.identityMap = new IdentityMap(options.identityMap);
    this.streamBatchSize = options.streamBatchSize ?? loader.DEFAULT_STREAM_BATCH;
    this.connection = connection ?? new EngineConnection(engine);
    this.target = { map: this.identityMap, session: this };
    this.autoflush = options.autoflush ?? true;
    this.unitOfWork = new UnitOfWork(this);
    const outside = this.connection;
    this.transactions = new SessionTransactions(engine, this.unitOfWork, this.readOnly, (tx) => {
      this.connection = tx === undefined ? outside : new TransactionConnection(tx);
      if (tx !== undefined) outside.markWrite();
    }, connection?.transaction);
    this.withoutAutoflush = {
      queryEntities: (q) => this.queryEntities(q, false),
      queryCount: (q) => this.queryCount(q, false),
      queryExists: (q) => this.queryExists(q, false),
      streamEntities: (q, batchSize) => this.streamEntities(q, batchSize, false),
    };
    // See runtime/exemplars.ts: one session that outlives the others keeps the class of all of them.
    if (!exemplarMade) {
      exemplarMade = true;
      keepExemplar(new Session({ dialect: engine.dialect } as Engine));
    }
  }

  /**
   * The transaction the session's statements run in, if any (the innermost savepoint inside
   * `transaction(fn)`). `transaction(fn)` itself runs a function in a nested transaction.
   */
  get currentTransaction(): Transaction | undefined {
    return this.connection.transaction;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The entity with this primary key: from the identity map without SQL when held, else one key read. */
  get<E extends object>(entity: EntityClass<E>, id: NoInfer<PrimaryKeyInput<E>>): Promise<E | null> {
    // Not an async function: one promise less on the hottest path. Errors still reject.
    if (this.closed) return Promise.reject(closedError());
    if (this.unitOfWork.failure !== undefined) return Promise.reject(this.failedError());
    if (this.autoflush && this.unitOfWork.hasChanges && !this.readOnly) return this.unitOfWork.autoflush().then(() => loader.getByKey(this, entity, id));
    return loader.getByKey(this, entity, id);
  }

  async find<E extends object>(entity: EntityClass<E>, options?: NoInfer<FindOptions<E> & AutoflushOption>): Promise<E[]> {
    return this.queryWith(entity, options, 'find').all();
  }

  /** The first match (LIMIT 1), or null. */
  async findOne<E extends object>(entity: EntityClass<E>, options?: NoInfer<FindOptions<E> & AutoflushOption>): Promise<E | null> {
    return this.queryWith(entity, options, 'findOne').first();
  }

  /** The first match, or `NotFoundError` naming the entity and the filter. */
  async findOneOrFail<E extends object>(entity: EntityClass<E>, options?: NoInfer<FindOptions<E> & AutoflushOption>): Promise<E> {
    return this.queryWith(entity, options, 'findOneOrFail').firstOrFail();
  }

  async count<E extends object>(entity: EntityClass<E>, where?: NoInfer<Where<E>>): Promise<number> {
    const q = this.query(entity);
    return (where === undefined ? q : q.where(where)).count();
  }

  async exists<E extends object>(entity: EntityClass<E>, where?: NoInfer<Where<E>>): Promise<boolean> {
    const q = this.query(entity);
    return (where === undefined ? q : q.where(where)).exists();
  }

  /** A query builder for entities: `s.query(User).where({ … }).orderBy({ … }).all()`. */
  query<E extends object>(entity: EntityClass<E>, options?: AutoflushOption): EntityQuery<E> {
    this.ensureOpen();
    return new EntityQuery<E>(options?.autoflush === false ? this.withoutAutoflush : this, loader.planOf(entity).meta, EMPTY_SPEC);
  }

  /** Run a Core statement in the session (its transaction, if any); rows as Core returns them. */
  async execute<R>(statement: Compilable<R>, options?: AutoflushOption): Promise<R[]> {
    await this.autoflushBefore(options?.autoflush);
    return this.connection.execute<R>(this.compile(statement));
  }

  /** The first column of every row. */
  async scalars<R>(statement: Compilable<R>, options?: AutoflushOption): Promise<R[keyof R][]> {
    await this.autoflushBefore(options?.autoflush);
    const rows = await this.connection.executeArrays(this.compile(statement));
    return rows.map((r) => r[0] as R[keyof R]);
  }

  /**
   * Iterate over a large result without holding it: entities (`stream(User, { where, batchSize })`),
   * hydrated a batch at a time, or a Core statement's rows. Server-side cursors on PostgreSQL
   * and MySQL; the connection stays busy until the iteration ends.
   */
  stream<E extends object>(entity: EntityClass<E>, options?: NoInfer<StreamEntityOptions<E> & AutoflushOption>): AsyncGenerator<E, void, undefined>;
  stream<R>(statement: Compilable<R>, options?: StreamOptions & AutoflushOption): AsyncGenerator<R, void, undefined>;
  stream(source: EntityClass | Compilable, options: StreamEntityOptions<object> & AutoflushOption = {}): AsyncGenerator<unknown, void, undefined> {
    if (typeof source === 'function') return this.streamOf(() => this.queryWith(source, options, 'stream').stream({ batchSize: options.batchSize }));
    return this.streamOf(async () => {
      await this.autoflushBefore(options.autoflush);
      return this.connection.stream(this.compile(source), { batchSize: options.batchSize ?? this.streamBatchSize });
    });
  }

  /** Errors in setting up a stream surface on the first `next()`, like the stream's own. */
  private async *streamOf<T>(open: () => AsyncGenerator<T, void, undefined> | Promise<AsyncGenerator<T, void, undefined>>): AsyncGenerator<T, void, undefined> {
    yield* await open();
  }

  /**
   * @internal Flush first when pending changes could change what a read sees (autoflush),
   * unless `override` says not to. Loaders call it too: a lazy load reads the database.
   */
  autoflushBefore(override?: boolean): Promise<void> | undefined {
    this.ensureOpen();
    if (override === false || (override === undefined && !this.autoflush) || this.readOnly || !this.unitOfWork.hasChanges) return undefined;
    return this.unitOfWork.autoflush();
  }

  /**
   * Reload an instance's row, overwriting its values; `NotFoundError` when the row is gone.
   * Relationships cascading `refresh` (`cascade: ['all']`) reload the objects they hold too;
   * one of them whose row is gone (deleted by another connection) is treated as deleted: it
   * leaves the session, detached, and the loaded collections that held it (as SQLAlchemy
   * does with a vanished row), rather than staying expired with nothing to reload it from.
   */
  async refresh<E extends object>(instance: E): Promise<E> {
    const state = this.stateIn(instance, 'refresh');
    const plan = loader.planOf(state.meta.class);
    // Before the reload, which leaves its collections unloaded.
    const reached = cascadeReach(this.unitOfWork, instance, 'refresh');
    if (!(await loader.reloadByKey(this, plan, instance, state))) {
      throw new NotFoundError(`refresh(${state}): the ${state.meta.name} row no longer exists.`);
    }
    // Its unflushed changes are overwritten: nothing of it is left to write.
    this.unitOfWork.discardWrites(instance);
    const vanished = await refreshReached(this.unitOfWork, reached, (meta, keys) => this.query(meta.class, { autoflush: false }).where(keysWhere(meta, keys)).all());
    for (const o of vanished) this.dropVanished(o, stateOf(o)!);
    return instance;
  }

  /** An object whose row is gone leaves the session and the loaded collections of its parents. */
  private dropVanished(instance: object, state: InstanceState): void {
    dropFromCollections(instance, state);
    this.identityMap.remove(instance, state);
    this.unitOfWork.forget(instance);
    detach(state);
  }

  /**
   * Mark an instance stale: the next `get` or query that loads its row overwrites its values.
   * Its unflushed changes are discarded (as in SQLAlchemy): nothing of it is flushed meanwhile.
   */
  expire(instance: object): void {
    const state = this.stateIn(instance, 'expire');
    state.expired = true;
    this.unitOfWork.discardWrites(instance);
  }

  /**
   * Remove an instance from the session; it keeps its values, detached. Relationships
   * cascading `expunge` (`cascade: ['all']`) detach the objects they hold too.
   */
  expunge(instance: object): void {
    const state = this.stateIn(instance, 'expunge');
    const reached = cascadeReach(this.unitOfWork, instance, 'expunge');
    for (const o of [instance, ...reached]) {
      const s = o === instance ? state : stateOf(o)!;
      this.identityMap.remove(o, s);
      this.unitOfWork.forget(o);
      detach(s);
    }
  }

  /** Whether the instance belongs to this session. */
  contains(instance: object): boolean {
    const state = stateOf(instance);
    return state !== undefined && state.session === this && state.status !== 'detached' && !this.closed;
  }

  /** Detach every instance and release the session; using it afterwards raises `SessionClosedError`. */
  async close(): Promise<void> {
    if (this.closed) return;
    // States see the session closed and report themselves detached: nothing to visit.
    this.closed = true;
    this.identityMap.clear();
    this.unitOfWork.clear();
    // A transaction the session began (not a scope's) is rolled back and its connection returned.
    await this.transactions.abandon();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** @internal Raise if the session may not write (read-only) or is closed; the unit of work calls it before a flush. */
  assertWritable(what: string): void {
    this.ensureOpen();
    if (this.readOnly) throw new ReadOnlySessionError(`${what}: this session is read-only (engine.session({ readOnly: true })).`);
  }

  // ---- EntityQueryRunner ----

  /** @internal */
  async queryEntities<E extends object>(query: EntityQuery<E>, autoflush?: boolean): Promise<E[]> {
    await this.autoflushBefore(autoflush);
    return loader.queryEntities(this, query);
  }

  /** @internal */
  async queryCount(query: EntityQuery<object>, autoflush?: boolean): Promise<number> {
    await this.autoflushBefore(autoflush);
    return loader.queryCount(this, query);
  }

  /** @internal */
  async queryExists(query: EntityQuery<object>, autoflush?: boolean): Promise<boolean> {
    await this.autoflushBefore(autoflush);
    return loader.queryExists(this, query);
  }

  /** @internal */
  async *streamEntities<E extends object>(query: EntityQuery<E>, batchSize?: number, autoflush?: boolean): AsyncGenerator<E, void, undefined> {
    await this.autoflushBefore(autoflush);
    yield* loader.streamEntities(this, query, batchSize ?? this.streamBatchSize);
  }

  // ---- helpers ----

  private queryWith<E extends object>(entity: EntityClass<E>, options: (StreamEntityOptions<E> & AutoflushOption) | undefined, method: string): EntityQuery<E> {
    let q = this.query(entity, options);
    if (options === undefined) return q;
    if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${method}(${q.meta.name}, options): options must be an object.`);
    for (const key of Object.keys(options)) {
      if (!FIND_OPTIONS.has(key) || (key === 'batchSize' && method !== 'stream')) {
        throw new InvalidArgumentError(`${method}(${q.meta.name}): unknown option ${JSON.stringify(key)}; the options are where, orderBy, limit, offset, load, autoflush${method === 'stream' ? ', batchSize' : ''}.`);
      }
    }
    if ('where' in options && options.where === undefined) {
      throw new InvalidArgumentError(`${method}(${q.meta.name}): where is undefined; an undefined condition would match every row. Pass a condition, or leave where out.`);
    }
    if (options.where !== undefined) q = q.where(options.where);
    if (options.orderBy !== undefined) q = q.orderBy(options.orderBy);
    if (options.limit !== undefined) q = q.limit(options.limit);
    if (options.offset !== undefined) q = q.offset(options.offset);
    if (options.load !== undefined) q = q.load(options.load);
    return q;
  }

  private compile(statement: Compilable<unknown>): CompiledQuery {
    this.ensureOpen();
    if (statement === null || typeof statement !== 'object' || typeof statement.compile !== 'function') {
      throw new InvalidArgumentError('Expected a Core statement (select(…), insert(…), sql`…`); for entities use query(), find() or get().');
    }
    const compiled = statement.compile(this.dialect);
    if (this.readOnly && compiled.readOnly !== true) {
      throw new ReadOnlySessionError(
        'This session is read-only and the statement may write (only SELECTs built with select() and without row locks are known not to; raw SQL never is).',
        { sql: compiled.sql },
      );
    }
    return compiled;
  }

  private stateIn(instance: object, method: string): InstanceState {
    this.ensureOpen();
    const state = stateOf(instance);
    if (state === undefined || state.session !== this || state.status === 'detached') {
      const what = state === undefined ? `a ${describeInstance(instance)} this session does not know` : `${state} (not in this session)`;
      throw new InvalidArgumentError(`${method}(): ${what}; load it through this session first.`);
    }
    return state;
  }

  /** @internal Raise if the session is closed, or failed (a flush failed and it was not rolled back). */
  ensureOpen(): void {
    if (this.closed) throw closedError();
    if (this.unitOfWork.failure !== undefined) throw this.failedError();
  }

  private failedError(): SessionFailedError {
    const f = this.unitOfWork.failure;
    const what = f instanceof Error ? `${f.name}: ${f.message}` : String(f);
    return new SessionFailedError(`This session's flush failed (${what}) and its transaction was rolled back; call session.rollback() before using the session again.`, { cause: f });
  }
}

function closedError(): SessionClosedError {
  return new SessionClosedError('This session is closed; start another with engine.session().');
}

function detach(state: InstanceState): void {
  state.status = 'detached';
  state.session = undefined;
}

function describeInstance(value: unknown): string {
  if (value === null || typeof value !== 'object') return String(value);
  return (value as object).constructor?.name ?? 'object';
}
