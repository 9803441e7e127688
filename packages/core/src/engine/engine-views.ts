import type { Compilable, CompiledQuery } from '../sql/dialect';
import type { Connection } from './connection';
import type { Engine, Route } from './engine';
import { batchSizeOf, type Queryable, type RunResult, type StreamOptions, type TransactionOptions } from './queryable';
import { isReadOnly } from './replicas';
import { buildRows } from './row-builder';
import { toRunResult, type Transaction } from './transaction';

/** The engine's statement API with a fixed routing rule (`engine.primary()`). */
export class EngineView implements Queryable {
  /** @internal Use `engine.primary()` or `engine.readScope()`. */
  constructor(
    protected readonly engine: Engine,
    private readonly route: Route,
  ) {}

  async execute<R>(stmt: Compilable<R>): Promise<R[]> {
    const compiled = stmt.compile(this.engine.dialect);
    return buildRows(compiled, await this.engine.executeRouted(compiled, this.routeFor(compiled))) as R[];
  }

  async run<R>(stmt: Compilable<R>): Promise<RunResult<R>> {
    const compiled = stmt.compile(this.engine.dialect);
    const result = await this.engine.executeRouted(compiled, this.routeFor(compiled));
    return toRunResult(buildRows(compiled, result) as R[], result);
  }

  async *stream<R>(stmt: Compilable<R>, options?: StreamOptions): AsyncGenerator<R, void, undefined> {
    const compiled = stmt.compile(this.engine.dialect);
    yield* this.engine.streamRouted<R>(compiled, this.routeFor(compiled), batchSizeOf(options));
  }

  executeMany(stmts: Iterable<Compilable>): Promise<RunResult[]> {
    return this.engine.executeMany(stmts);
  }

  /** Transactions always run on the primary. */
  transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.engine.transaction(fn, options);
  }

  /** A primary connection. */
  connect(): Promise<Connection> {
    return this.engine.connect();
  }

  protected routeFor(_compiled: CompiledQuery): Route {
    return this.route;
  }
}

/**
 * Read-your-writes routing for one unit of work (the ORM Session holds one): reads go to
 * replicas until the scope writes anything, then everything goes to the primary, so the
 * scope never reads data older than its own writes from a lagging replica.
 */
export class ReadScope extends EngineView {
  private wrote = false;

  /** @internal Use `engine.readScope()`. */
  constructor(engine: Engine) {
    super(engine, 'auto');
  }

  get hasWritten(): boolean {
    return this.wrote;
  }

  /** Send later reads to the primary (for writes made outside this scope's methods). */
  markWrite(): void {
    this.wrote = true;
  }

  override executeMany(stmts: Iterable<Compilable>): Promise<RunResult[]> {
    this.wrote = true;
    return super.executeMany(stmts);
  }

  override transaction<T>(fn: (tx: Transaction) => Promise<T>, options?: TransactionOptions): Promise<T> {
    if (!options?.readOnly) this.wrote = true;
    return super.transaction(fn, options);
  }

  override connect(): Promise<Connection> {
    this.wrote = true;
    return super.connect();
  }

  protected override routeFor(compiled: CompiledQuery): Route {
    if (this.wrote) return 'primary';
    if (isReadOnly(compiled)) return 'auto';
    this.wrote = true;
    return 'primary';
  }
}
