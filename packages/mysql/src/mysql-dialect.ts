import { InvalidArgumentError } from '@athanor/core';
import type { AthanorError, BeginOptions, CompiledQuery, ConnectionConfig, Dialect, DialectAdapter, ErrorClassification } from '@athanor/core';
import { mariadbAdapter, mysqlAdapter } from './mysql-adapter';
import { mysqlCodecs } from './mysql-codecs';
import { MysqlCompiler } from './mysql-compiler';
import { MysqlDriver } from './mysql-driver';
import type { MysqlFlavor } from './mysql-driver';
import { classifyMysqlError, translateMysqlError } from './mysql-errors';

/**
 * MySQL and MariaDB through mysql2. The 'mysql' flavor (mysql:// URLs) uses only what both
 * servers have. The 'mariadb' flavor (mariadb:// URLs) adds MariaDB 10.5's INSERT/DELETE …
 * RETURNING and checks the server at connect. Capabilities are fixed per dialect object
 * because statements are compiled before any connection exists.
 */
export class MysqlDialect implements Dialect {
  readonly name: string;
  readonly adapter: DialectAdapter;
  readonly codecs = mysqlCodecs;
  readonly defaultPoolSize = 5;
  private compiler?: MysqlCompiler;

  constructor(readonly flavor: MysqlFlavor = 'mysql') {
    this.adapter = flavor === 'mariadb' ? mariadbAdapter : mysqlAdapter;
    this.name = this.adapter.name;
  }

  compile(node: unknown): CompiledQuery {
    // One compiler per dialect: compiling is synchronous, and its decoder and column caches stay warm.
    return (this.compiler ??= new MysqlCompiler(this)).compile(node as Parameters<MysqlCompiler['compile']>[0]);
  }

  quoteIdentifier(name: string): string {
    return (this.compiler ??= new MysqlCompiler(this)).quoteIdentifier(name);
  }

  createDriver(config: ConnectionConfig): MysqlDriver {
    return new MysqlDriver(config, this.flavor);
  }

  translateError(error: unknown, sql?: string, params?: readonly unknown[]): AthanorError {
    return translateMysqlError(error, sql, params);
  }

  classifyError(error: unknown): ErrorClassification {
    return classifyMysqlError(error);
  }

  /** SET TRANSACTION applies to the next transaction only, so it goes right before it. */
  beginStatements(options: BeginOptions): string[] {
    const statements: string[] = [];
    if (options.isolation !== undefined) {
      if (!this.adapter.isolationLevels.includes(options.isolation)) {
        throw new InvalidArgumentError(`Unknown isolation level '${String(options.isolation)}'; use one of ${this.adapter.isolationLevels.join(', ')}.`);
      }
      statements.push(`SET TRANSACTION ISOLATION LEVEL ${options.isolation.toUpperCase()}`);
    }
    statements.push(options.readOnly ? 'START TRANSACTION READ ONLY' : 'START TRANSACTION');
    return statements;
  }
}

export const mysqlDialect = new MysqlDialect('mysql');
export const mariadbDialect = new MysqlDialect('mariadb');
