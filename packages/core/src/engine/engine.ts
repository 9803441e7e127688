import { ConfigurationError } from '../errors/errors';
import { type ArrayQueryable, decodeRows, executeArraysNow, executeArraysQuiet, releaseDone, releaseFailed } from './array-results';
import type { Compilable, CompiledQuery } from '../sql/dialect';
import { Connection } from './connection';
import { makeConnector } from './connector';
import type { ConnectionConfig, Dialect, DriverResult, DriverRowBatch } from './driver';
import type { EngineOptions } from './engine-options';
import { EngineView, ReadScope } from './engine-views';
import { type EngineEventName, type EngineListener, EventHub } from './events';
import { checkPool, type HealthCheckResult } from './health';
import { consoleLogger, type Logger } from './logger';
import { Pool, type PoolOptions } from './pool';
import { batchSizeOf, type Queryable, type RunResult, type StreamOptions, type TransactionOptions } from './queryable';
import { isReadOnly, type Replica, ReplicaSet } from './replicas';
import { normalizeRetry, type RetryPolicy } from './retry';
import { buildBatch, buildRows } from './row-builder';
import { classificationOf, classify, StatementRunner } from './statement-runner';
import { type EngineStats, StatsCollector } from './stats';
import { toRunResult, type Transaction } from './transaction';
import { type Lease, runTransaction } from './transaction-runner';
import { redactUrl } from './url';

/** Where a statement may go: anywhere suitable (reads to replicas), or the primary only. */
export type Route = 'auto' | 'primary';

/**
 * The entry point to a database: a pool of connections (plus optional read replicas), and
 * the statements, transactions, events and stats on top of it. Create with `createEngine`.
 */
export class Engine implements Queryable, ArrayQueryable, AsyncDisposable {
  readonly dialect: Dialect;
  readonly pool: Pool;
  /** The URL with its password hidden. */
  readonly url: string;
  /** The options the engine was created with (layers above read their own settings here). */
  readonly options: EngineOptions;
  private readonly runner: StatementRunner;
  private readonly hub: EventHub;
  private readonly collector: StatsCollector;
  private readonly replicas: ReplicaSet | undefined;
  private readonly primaryLease: Lease;
  private primaryView: EngineView | undefined;
  /** False once a connection turned out to answer asynchronously only (then `executeArraysNow` never tries). */
  private syncDriver = true;

  constructor(
    config: ConnectionConfig,
    dialect: Dialect,
    options: EngineOptions = {},
    replicaConfigs: readonly ConnectionConfig[] = [],
  ) {
    this.dialect = dialect;
    this.url = redactUrl(config.url);
    this.options = options;
    const logger = options.logger ?? consoleLogger;
    const slowQueryMs = options.slowQueryMs ?? Infinity;
    if (!(slowQueryMs >= 0)) throw new ConfigurationError(`slowQueryMs must be ≥ 0 (got ${options.slowQueryMs})`);
    this.hub = new EventHub((event, error) =>
      logger.error(`An engine '${event}' listener threw: ${error instanceof Error ? error.stack : String(error)}`),
    );
    this.collector = new StatsCollector(options.statsWindow ?? 1024);
    this.runner = new StatementRunner(dialect, this.hub, this.collector, {
      logger,
      echo: options.echo ?? false,
      slowQueryMs,
      redactParams: options.redactParams ?? false,
    });
    const connectRetry = normalizeRetry(options.connectRetry, 'connectRetry');
    this.pool = this.createPool('primary', config, options.pool, connectRetry);
    if (replicaConfigs.length > 0) {
      const members = replicaConfigs.map(
        (c, i): Replica => ({
          url: redactUrl(c.url),
          pool: this.createPool(`replica[${i}]`, c, options.replicaPool ?? options.pool, connectRetry),
          healthy: true,
          lastError: undefined,
          lastCheck: 0,
          checking: false,
        }),
      );
      this.replicas = new ReplicaSet(members, options.replicaRecheckMs ?? 5_000, 5_000);
    }
    const pool = this.pool;
    this.primaryLease = { acquire: () => pool.acquire(), release: (entry) => pool.release(entry), pinned: false };
  }

  /** Where the engine logs (echo, slow queries, warnings of the layers above). */
  get logger(): Logger {
    return this.runner.logger;
  }

  async execute<R>(stmt: Compilable<R>): Promise<R[]> {
    const compiled = stmt.compile(this.dialect);
    const runner = this.runner;
    if (this.replicas !== undefined || !runner.quiet) {
      return buildRows(compiled, await this.executeRouted(compiled, 'auto')) as R[];
    }
    // The common case, measured against raw drivers: no closures, no event objects, and the
    // driver awaited right here rather than through the runner (each async layer costs).
    const pool = this.pool;
    const entry = pool.tryTake() ?? (await pool.acquire());
    const start = performance.now();
    let result: DriverResult;
    try {
      result = await entry.conn.execute(compiled.sql, compiled.params);
    } catch (error) {
      throw releaseFailed(pool, runner, entry, compiled, error, start);
    }
    releaseDone(pool, runner, entry, start);
    return buildRows(compiled, result) as R[];
  }

  async run<R>(stmt: Compilable<R>): Promise<RunResult<R>> {
    const compiled = stmt.compile(this.dialect);
    const result = await this.executeRouted(compiled, 'auto');
    return toRunResult(buildRows(compiled, result) as R[], result);
  }

  async *stream<R>(stmt: Compilable<R>, options?: StreamOptions): AsyncGenerator<R, void, undefined> {
    yield* this.streamRouted<R>(stmt.compile(this.dialect), 'auto', batchSizeOf(options));
  }

  /**
   * A compiled statement's rows as arrays in select-list order, decoded in place by
   * `compiled.columns`: the lower-level read the ORM hydrates entities from.
   */
  executeArrays(compiled: CompiledQuery, route: Route = 'auto'): Promise<unknown[][]> {
    // Without replicas every route is the primary pool.
    if (this.replicas === undefined && this.runner.quiet) return executeArraysQuiet(this.pool, this.runner, compiled);
    return this.executeRouted(compiled, route).then((result) => decodeRows(result.rows, compiled.columns));
  }

  /**
   * `executeArrays` answered in the same tick where it can be: no replicas (so no routing to
   * decide), nothing listening or logging, an idle connection and a synchronous driver
   * (SQLite). Undefined, having run nothing, otherwise: then use `executeArrays`. A failed
   * statement throws. `firstRowOnly`: no row past the first is wanted (a key read); the
   * driver may return only that one.
   */
  executeArraysNow(compiled: CompiledQuery, firstRowOnly = false): unknown[][] | undefined {
    if (!this.syncDriver || this.replicas !== undefined || !this.runner.quiet) return undefined;
    const rows = executeArraysNow(this.pool, this.runner, compiled, firstRowOnly);
    if (rows !== null) return rows;
    this.syncDriver = false;
    return undefined;
  }

  /** A compiled statement's rows in batches of decoded arrays (server-side cursors where the driver has them). */
  async *streamArrays(compiled: CompiledQuery, batchSize: number, route: Route = 'auto'): AsyncGenerator<unknown[][], void, undefined> {
    for await (const batch of this.streamBatches(compiled, route, batchSize)) yield decodeRows(batch, compiled.columns);
  }

  /** Run statements in order in one transaction on one connection; all or nothing. */
  executeMany(stmts: Iterable<Compilable>): Promise<RunResult[]> {
    return this.transaction((tx) => tx.executeMany(stmts));
  }

  /**
   * Run `fn` in a transaction on the primary: committed when it resolves, rolled back (and
   * the error rethrown) when it throws. With `retry`, transient failures re-run all of `fn`.
   */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return runTransaction(this.runner, this.primaryLease, fn, options);
  }

  /** Check out a primary connection; `release()` it (or `await using`) when done. */
  async connect(): Promise<Connection> {
    const entry = this.pool.tryTake() ?? (await this.pool.acquire());
    return new Connection(this.runner, entry);
  }

  /** The same API, always on the primary (reads included). */
  primary(): EngineView {
    return (this.primaryView ??= new EngineView(this, 'primary'));
  }

  /** Reads go to replicas until the scope writes; from then on everything goes to the primary. */
  readScope(): ReadScope {
    return new ReadScope(this);
  }

  stats(): EngineStats {
    const c = this.collector;
    const stats: EngineStats = {
      pool: this.pool.status(),
      statements: c.statements,
      errors: c.errorCounts(),
      latency: c.latency(),
    };
    if (this.replicas === undefined) return stats;
    const replicas = this.replicas.members.map((r) => ({ url: r.url, healthy: r.healthy, pool: r.pool.status() }));
    return { ...stats, replicas };
  }

  /** Check out a connection and ping it (replicas too). Never throws. */
  async healthCheck(options: { readonly timeoutMs?: number } = {}): Promise<HealthCheckResult> {
    const timeoutMs = options.timeoutMs ?? 5_000;
    const replicas = this.replicas;
    const [primary, replicaStatus] = await Promise.all([
      checkPool(this.pool, timeoutMs),
      replicas === undefined
        ? undefined
        : Promise.all(replicas.members.map(async (r) => ({ url: r.url, ...(await replicas.check(r, timeoutMs)) }))),
    ]);
    return replicaStatus === undefined ? primary : { ...primary, replicas: replicaStatus };
  }

  on<K extends EngineEventName>(event: K, listener: EngineListener<K>): this {
    this.hub.on(event, listener);
    return this;
  }

  off<K extends EngineEventName>(event: K, listener: EngineListener<K>): this {
    this.hub.off(event, listener);
    return this;
  }

  /** Close every connection; later checkouts raise PoolClosedError. */
  async dispose(): Promise<void> {
    await Promise.all([this.pool.dispose(), ...(this.replicas?.members.map((r) => r.pool.dispose()) ?? [])]);
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.dispose();
  }

  /** @internal Run a compiled statement, reads on a replica when `route` allows. */
  async executeRouted(compiled: CompiledQuery, route: Route): Promise<DriverResult> {
    const replicas = this.replicas;
    if (replicas !== undefined && route === 'auto' && isReadOnly(compiled)) {
      const replica = replicas.pick();
      if (replica !== undefined) {
        try {
          return await this.executeOn(replica.pool, compiled);
        } catch (error) {
          if (!classificationOf(error)?.disconnect) throw error;
          // A read is safe to repeat: answer it from the primary and skip the replica for now.
          this.replicaDown(replicas, replica, error);
        }
      }
    }
    return this.executeOn(this.pool, compiled);
  }

  /** @internal */
  async *streamRouted<R>(compiled: CompiledQuery, route: Route, batchSize: number): AsyncGenerator<R, void, undefined> {
    for await (const batch of this.streamBatches(compiled, route, batchSize)) yield* buildBatch(compiled, batch) as R[];
  }

  /** Non-empty driver batches, on a replica when `route` allows. */
  private async *streamBatches(compiled: CompiledQuery, route: Route, batchSize: number): AsyncGenerator<DriverRowBatch, void, undefined> {
    const replica =
      this.replicas !== undefined && route === 'auto' && isReadOnly(compiled) ? this.replicas.pick() : undefined;
    const pool = replica?.pool ?? this.pool;
    const entry = pool.tryTake() ?? (await pool.acquire());
    try {
      for await (const batch of this.runner.stream(entry, compiled.sql, compiled.params, batchSize)) {
        if (batch.length !== 0) yield batch;
      }
    } catch (error) {
      if (replica !== undefined && classificationOf(error)?.disconnect) this.replicaDown(this.replicas!, replica, error);
      throw error;
    } finally {
      void pool.release(entry);
    }
  }

  private async executeOn(pool: Pool, compiled: CompiledQuery): Promise<DriverResult> {
    const entry = pool.tryTake() ?? (await pool.acquire());
    try {
      return await this.runner.execute(entry, compiled.sql, compiled.params);
    } finally {
      void pool.release(entry);
    }
  }

  private replicaDown(replicas: ReplicaSet, replica: Replica, error: unknown): void {
    replicas.markDown(replica, error);
    this.runner.logger.warn(
      `Replica ${replica.url} failed (${(error as Error)?.message ?? error}); ` +
        'reading from the primary until a health check passes',
    );
  }

  private createPool(
    label: string,
    config: ConnectionConfig,
    options: PoolOptions | undefined,
    connectRetry: RetryPolicy | undefined,
  ): Pool {
    const dialect = this.dialect;
    // Every connection to ':memory:' is a separate, empty database: share exactly one.
    const memory = config.database === ':memory:';
    const size = options?.size ?? (memory ? 1 : dialect.defaultPoolSize);
    const maxOverflow = options?.maxOverflow ?? (memory ? 0 : (dialect.defaultMaxOverflow ?? 10));
    const driverConfig =
      options?.connectTimeoutMs !== undefined ? { ...config, connectTimeoutMs: options.connectTimeoutMs } : config;
    const driver = dialect.createDriver(driverConfig);
    return new Pool(
      { ...options, size, maxOverflow },
      {
        label,
        connect: makeConnector(dialect, driver, connectRetry, this.runner.logger, label),
        events: this.hub,
        logger: this.runner.logger,
        isDisconnect: (error) => classify(dialect, error).disconnect,
      },
    );
  }
}
