import { AthanorError, DatabaseError } from '../errors/errors';
import type { Dialect, DriverResult, DriverRowBatch, ErrorClassification } from './driver';
import type { EventHub } from './events';
import { formatStatement, type Logger } from './logger';
import type { PoolEntry } from './pool';
import type { StatsCollector } from './stats';

export interface RunnerSettings {
  readonly logger: Logger;
  readonly echo: boolean;
  /** Statements at least this slow are logged at warn; Infinity turns it off. */
  readonly slowQueryMs: number;
  readonly redactParams: boolean;
}

const NO_CLASSIFICATION: ErrorClassification = Object.freeze({ disconnect: false, transient: false });

/**
 * How the dialect classified each error the engine raised, keyed by the translated error, so
 * retry decisions can be made later without the driver's original error at hand.
 */
const classifications = new WeakMap<object, ErrorClassification>();

export function classificationOf(error: unknown): ErrorClassification | undefined {
  return typeof error === 'object' && error !== null ? classifications.get(error) : undefined;
}

export function rememberClassification(error: AthanorError, classification: ErrorClassification): void {
  classifications.set(error, classification);
}

export function classify(dialect: Dialect, error: unknown): ErrorClassification {
  try {
    return dialect.classifyError(error) ?? NO_CLASSIFICATION;
  } catch {
    return NO_CLASSIFICATION;
  }
}

export function translate(dialect: Dialect, error: unknown, sql?: string, params?: readonly unknown[]): AthanorError {
  if (error instanceof AthanorError) return error;
  try {
    return dialect.translateError(error, sql, params);
  } catch {
    const message = error instanceof Error ? error.message : String(error);
    return new DatabaseError(message, { sql, params, cause: error });
  }
}

export const NO_PARAMS: readonly unknown[] = Object.freeze([]);

/**
 * Runs SQL on a pooled connection and does everything around it: events, echo and slow
 * logging, stats, error translation, and invalidating connections that died. Every statement
 * (transaction control included) goes through here, so events and stats see all of them.
 */
export class StatementRunner {
  readonly logger: Logger;
  private readonly echo: boolean;
  private readonly slowQueryMs: number;
  private readonly redactParams: boolean;

  constructor(
    readonly dialect: Dialect,
    readonly events: EventHub,
    readonly stats: StatsCollector,
    settings: RunnerSettings,
  ) {
    this.logger = settings.logger;
    this.echo = settings.echo;
    this.slowQueryMs = settings.slowQueryMs;
    this.redactParams = settings.redactParams;
  }

  /**
   * Nothing to log and nobody listening before or after a statement: callers on the hot path
   * may then run the driver directly (one async layer less) and only call `record`/`failed`.
   */
  get quiet(): boolean {
    return (
      !this.echo &&
      this.slowQueryMs === Infinity &&
      this.events.listeners.beforeExecute === undefined &&
      this.events.listeners.afterExecute === undefined
    );
  }

  async execute(entry: PoolEntry, sql: string, params: readonly unknown[]): Promise<DriverResult> {
    if (this.echo || this.events.listeners.beforeExecute !== undefined) this.before(entry, sql, params);
    const start = performance.now();
    let result: DriverResult;
    try {
      result = await entry.conn.execute(sql, params);
    } catch (error) {
      throw this.failed(entry, sql, params, error, start);
    }
    const durationMs = performance.now() - start;
    this.stats.record(durationMs);
    if (durationMs >= this.slowQueryMs || this.events.listeners.afterExecute !== undefined) {
      this.after(entry, sql, params, durationMs, result.rows.length || result.rowCount);
    }
    return result;
  }

  /** Batches of driver rows; the connection stays busy until the caller stops iterating. */
  async *stream(entry: PoolEntry, sql: string, params: readonly unknown[], batchSize: number): AsyncGenerator<DriverRowBatch> {
    if (this.echo || this.events.listeners.beforeExecute !== undefined) this.before(entry, sql, params);
    const start = performance.now();
    let rowCount = 0;
    try {
      for await (const batch of entry.conn.stream(sql, params, batchSize)) {
        rowCount += batch.length;
        yield batch;
      }
    } catch (error) {
      throw this.failed(entry, sql, params, error, start);
    }
    const durationMs = performance.now() - start;
    this.stats.record(durationMs);
    if (durationMs >= this.slowQueryMs || this.events.listeners.afterExecute !== undefined) {
      this.after(entry, sql, params, durationMs, rowCount);
    }
  }

  private before(entry: PoolEntry, sql: string, params: readonly unknown[]): void {
    if (this.echo) this.logger.info(formatStatement(sql, params, this.redactParams));
    if (this.events.listeners.beforeExecute !== undefined) {
      this.events.emit('beforeExecute', { sql, params, connectionId: entry.id, pool: entry.pool.label });
    }
  }

  private after(entry: PoolEntry, sql: string, params: readonly unknown[], durationMs: number, rowCount: number): void {
    if (durationMs >= this.slowQueryMs) {
      this.logger.warn(
        `Slow query (${durationMs.toFixed(1)} ms, threshold ${this.slowQueryMs} ms): ` +
          formatStatement(sql, params, this.redactParams),
      );
    }
    if (this.events.listeners.afterExecute !== undefined) {
      this.events.emit('afterExecute', {
        sql,
        params,
        connectionId: entry.id,
        pool: entry.pool.label,
        durationMs,
        rowCount,
      });
    }
  }

  /** @internal Translate, classify and report a failed statement; returns the error to throw. */
  failed(entry: PoolEntry, sql: string, params: readonly unknown[], error: unknown, start: number): AthanorError {
    const durationMs = performance.now() - start;
    const translated = translate(this.dialect, error, sql, params);
    let classification = classify(this.dialect, error);
    // The driver may have reported the death separately (onDead) with a vaguer statement error.
    if (entry.dead && !classification.disconnect) classification = { disconnect: true, transient: classification.transient };
    classifications.set(translated, classification);
    if (classification.disconnect) entry.pool.invalidate(entry, translated, 'disconnect');
    this.stats.recordError(translated.name, durationMs);
    if (this.events.listeners.error !== undefined) {
      this.events.emit('error', { sql, params, connectionId: entry.id, pool: entry.pool.label, error: translated });
    }
    return translated;
  }
}
