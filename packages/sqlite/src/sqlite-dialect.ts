import { InvalidArgumentError } from '@athanor/core';
import type { AthanorError, BeginOptions, CompiledQuery, ConnectionConfig, Dialect, ErrorClassification } from '@athanor/core';
import { sqliteAdapter } from './sqlite-adapter';
import { sqliteCodecs } from './sqlite-codecs';
import { SqliteCompiler } from './sqlite-compiler';
import { SqliteDriver } from './sqlite-driver';
import { classifySqliteError, translateSqliteError } from './sqlite-errors';

/** SQLite through better-sqlite3: compiler, driver, codecs and error semantics in one object. */
export class SqliteDialect implements Dialect {
  readonly name = 'sqlite';
  readonly adapter = sqliteAdapter;
  readonly codecs = sqliteCodecs;
  /** One writer at a time: more connections would only queue on SQLite's lock. */
  readonly defaultPoolSize = 1;
  // better-sqlite3 blocks the event loop while it waits on a lock another connection holds, so
  // extra connections to one file would stall the process rather than add concurrency.
  readonly defaultMaxOverflow = 0;
  private compiler?: SqliteCompiler;

  compile(node: unknown): CompiledQuery {
    // One compiler per dialect: compiling is synchronous, and its decoder and column caches stay warm.
    return (this.compiler ??= new SqliteCompiler(this)).compile(node as Parameters<SqliteCompiler['compile']>[0]);
  }

  quoteIdentifier(name: string): string {
    return (this.compiler ??= new SqliteCompiler(this)).quoteIdentifier(name);
  }

  createDriver(config: ConnectionConfig): SqliteDriver {
    return new SqliteDriver(config);
  }

  translateError(error: unknown, sql?: string, params?: readonly unknown[]): AthanorError {
    return translateSqliteError(error, sql, params);
  }

  classifyError(error: unknown): ErrorClassification {
    return classifySqliteError(error);
  }

  /**
   * Write transactions start with BEGIN IMMEDIATE, taking the write lock up front. A deferred
   * BEGIN takes it at the first write instead; if another connection wrote meanwhile, that
   * upgrade fails with SQLITE_BUSY at once — the busy timeout cannot help, because waiting
   * while holding a read lock could deadlock — so the transaction fails half-way. IMMEDIATE
   * waits (busy_timeout) before doing anything, and a busy error there is safe to retry.
   * Read-only transactions stay deferred: they never take the write lock.
   *
   * Every isolation level is accepted and runs serializable, the only level SQLite has.
   */
  beginStatements(options: BeginOptions): string[] {
    if (options.isolation !== undefined && !this.adapter.isolationLevels.includes(options.isolation)) {
      throw new InvalidArgumentError(`Unknown isolation level '${String(options.isolation)}'; use one of ${this.adapter.isolationLevels.join(', ')}.`);
    }
    return [options.readOnly ? 'BEGIN DEFERRED' : 'BEGIN IMMEDIATE'];
  }
}

export const sqliteDialect = new SqliteDialect();
