import type { Engine } from '../../engine/engine';
import type { RunResult, StreamOptions } from '../../engine/queryable';
import type { Transaction } from '../../engine/transaction';
import type { Compilable, CompiledQuery } from '../../sql/dialect';
import { keepExemplar } from '../../runtime/exemplars';

/**
 * Where a session's statements run. Outside a transaction, on the engine: each statement on a
 * pooled connection, reads on a replica until the session has written (then everything goes
 * to the primary, so the session reads its own writes). In a transaction (the scoped
 * `engine.session(fn)`, or one the unit of work begins), on that transaction's connection.
 *
 * Statements arrive compiled (the session compiles once, to check them and to reuse the
 * result columns); `execute`/`run`/`stream` take them back as Compilables.
 */
export interface SessionConnection {
  /** The transaction statements run in, if any. */
  readonly transaction: Transaction | undefined;
  executeArrays(compiled: CompiledQuery): Promise<unknown[][]>;
  /**
   * `executeArrays` answered in the same tick where the engine can (see
   * Engine.executeArraysNow); undefined, having run nothing, where it cannot.
   * `firstRowOnly`: rows past the first are not wanted (a key read).
   */
  executeArraysNow?(compiled: CompiledQuery, firstRowOnly?: boolean): unknown[][] | undefined;
  streamArrays(compiled: CompiledQuery, batchSize: number): AsyncGenerator<unknown[][], void, undefined>;
  execute<R>(compiled: CompiledQuery): Promise<R[]>;
  run<R>(compiled: CompiledQuery): Promise<RunResult<R>>;
  stream<R>(compiled: CompiledQuery, options?: StreamOptions): AsyncGenerator<R, void, undefined>;
  /** Send every later statement to the primary (the session wrote, or is about to). */
  markWrite(): void;
}

/** A compiled statement handed back to an API that compiles: compiling it again is free. */
export function precompiled<R>(compiled: CompiledQuery): Compilable<R> {
  return { compile: () => compiled };
}

/** Statements on the engine, outside any transaction. */
export class EngineConnection implements SessionConnection {
  private wrote = false;

  constructor(private readonly engine: Engine) {}

  get transaction(): undefined {
    return undefined;
  }

  markWrite(): void {
    this.wrote = true;
  }

  executeArrays(compiled: CompiledQuery): Promise<unknown[][]> {
    return this.engine.executeArrays(compiled, this.route(compiled));
  }

  executeArraysNow(compiled: CompiledQuery, firstRowOnly?: boolean): unknown[][] | undefined {
    this.route(compiled); // only to note a write: the engine answers here only without replicas
    return this.engine.executeArraysNow(compiled, firstRowOnly);
  }

  streamArrays(compiled: CompiledQuery, batchSize: number): AsyncGenerator<unknown[][], void, undefined> {
    return this.engine.streamArrays(compiled, batchSize, this.route(compiled));
  }

  execute<R>(compiled: CompiledQuery): Promise<R[]> {
    return this.queryable(compiled).execute(precompiled<R>(compiled));
  }

  run<R>(compiled: CompiledQuery): Promise<RunResult<R>> {
    return this.queryable(compiled).run(precompiled<R>(compiled));
  }

  stream<R>(compiled: CompiledQuery, options?: StreamOptions): AsyncGenerator<R, void, undefined> {
    return this.queryable(compiled).stream(precompiled<R>(compiled), options);
  }

  private route(compiled: CompiledQuery): 'auto' | 'primary' {
    if (compiled.readOnly !== true) this.wrote = true;
    return this.wrote ? 'primary' : 'auto';
  }

  private queryable(compiled: CompiledQuery): Pick<Engine, 'execute' | 'run' | 'stream'> {
    return this.route(compiled) === 'auto' ? this.engine : this.engine.primary();
  }
}

/** Statements in a transaction. */
export class TransactionConnection implements SessionConnection {
  constructor(readonly transaction: Transaction) {}

  markWrite(): void {}

  executeArrays(compiled: CompiledQuery): Promise<unknown[][]> {
    return this.transaction.executeArrays(compiled);
  }

  streamArrays(compiled: CompiledQuery, batchSize: number): AsyncGenerator<unknown[][], void, undefined> {
    return this.transaction.streamArrays(compiled, batchSize);
  }

  execute<R>(compiled: CompiledQuery): Promise<R[]> {
    return this.transaction.execute(precompiled<R>(compiled));
  }

  run<R>(compiled: CompiledQuery): Promise<RunResult<R>> {
    return this.transaction.run(precompiled<R>(compiled));
  }

  stream<R>(compiled: CompiledQuery, options?: StreamOptions): AsyncGenerator<R, void, undefined> {
    return this.transaction.stream(precompiled<R>(compiled), options);
  }
}

// See runtime/exemplars.ts.
keepExemplar(new TransactionConnection({} as Transaction));
