/**
 * One TypeORM DataSource per workload setup, on the bench target, with a custom Logger that
 * counts every statement TypeORM runs (transaction control included) while the runner counts.
 */
import 'reflect-metadata';
import { DataSource, type DataSourceOptions, type Logger } from 'typeorm';
import type { SetupContext } from '../../model';
import type { StatementCounter } from '../../statement-counter';
import { Post, User } from './entities';

/** TypeORM calls `logQuery` for each statement whatever the `logging` option says. */
class CountingLogger implements Logger {
  constructor(private readonly counter: StatementCounter) {}

  logQuery(): void {
    if (this.counter.active) this.counter.add();
  }
  logQueryError(error: string | Error, query: string): void {
    process.stderr.write(`[typeorm] ${String(error)} in ${query}\n`);
  }
  logQuerySlow(): void {}
  logSchemaBuild(): void {}
  logMigration(): void {}
  log(level: 'log' | 'info' | 'warn', message: unknown): void {
    if (level === 'warn') process.stderr.write(`[typeorm] ${String(message)}\n`);
  }
}

export async function openDataSource(ctx: SetupContext): Promise<DataSource> {
  const { target, counter } = ctx;
  const common = { entities: [User, Post], synchronize: false, logger: new CountingLogger(counter) };
  let options: DataSourceOptions;
  switch (target.id) {
    case 'sqlite':
      // WAL as the raw driver and Athanor open it.
      options = { ...common, type: 'better-sqlite3', database: target.file!, enableWAL: true };
      break;
    case 'postgres':
    case 'mysql': {
      const server = target.server!;
      const connection = {
        host: server.host,
        port: server.port,
        username: server.user,
        ...(server.password === undefined ? {} : { password: server.password }),
        database: server.database,
      };
      if (target.id === 'postgres') options = { ...common, ...connection, type: 'postgres' };
      else {
        // 'mariadb' lets TypeORM use INSERT … RETURNING on MariaDB servers.
        const type = target.url.startsWith('mariadb:') ? 'mariadb' : 'mysql';
        options = { ...common, ...connection, type, connectorPackage: 'mysql2' };
      }
      break;
    }
  }
  return new DataSource(options).initialize();
}
