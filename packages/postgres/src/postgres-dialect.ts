import { InvalidArgumentError } from '@athanor/core';
import type { AthanorError, BeginOptions, CompiledQuery, ConnectionConfig, Dialect, ErrorClassification } from '@athanor/core';
import { postgresAdapter } from './postgres-adapter';
import { postgresCodecs } from './postgres-codecs';
import { PostgresCompiler } from './postgres-compiler';
import { PostgresDriver } from './postgres-driver';
import { classifyPostgresError, translatePostgresError } from './postgres-errors';

/** PostgreSQL through pg: compiler, driver, codecs and error semantics in one object. */
export class PostgresDialect implements Dialect {
  readonly name = 'postgres';
  readonly adapter = postgresAdapter;
  readonly codecs = postgresCodecs;
  readonly defaultPoolSize = 5;
  /** After an error PostgreSQL refuses every statement until ROLLBACK (25P02). */
  readonly abortsTransactionOnError = true;
  private compiler?: PostgresCompiler;

  compile(node: unknown): CompiledQuery {
    // One compiler per dialect: compiling is synchronous, and its decoder and column caches stay warm.
    return (this.compiler ??= new PostgresCompiler(this)).compile(node as Parameters<PostgresCompiler['compile']>[0]);
  }

  quoteIdentifier(name: string): string {
    return (this.compiler ??= new PostgresCompiler(this)).quoteIdentifier(name);
  }

  createDriver(config: ConnectionConfig): PostgresDriver {
    return new PostgresDriver(config);
  }

  translateError(error: unknown, sql?: string, params?: readonly unknown[]): AthanorError {
    return translatePostgresError(error, sql, params);
  }

  classifyError(error: unknown): ErrorClassification {
    return classifyPostgresError(error);
  }

  /** One statement: BEGIN takes the isolation level and access mode itself. */
  beginStatements(options: BeginOptions): string[] {
    const modes: string[] = [];
    if (options.isolation !== undefined) {
      if (!this.adapter.isolationLevels.includes(options.isolation)) {
        throw new InvalidArgumentError(`Unknown isolation level '${String(options.isolation)}'; use one of ${this.adapter.isolationLevels.join(', ')}.`);
      }
      modes.push(`ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
    }
    if (options.readOnly) modes.push('READ ONLY');
    return [modes.length === 0 ? 'BEGIN' : `BEGIN ${modes.join(', ')}`];
  }
}

export const postgresDialect = new PostgresDialect();
