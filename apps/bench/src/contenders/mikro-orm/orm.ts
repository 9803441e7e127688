/**
 * One MikroORM instance per workload setup, on the bench target, with a logger that counts
 * every statement MikroORM reports (transaction control included) while the runner counts.
 */
import type { Logger, LoggerNamespace, LogContext, Options } from '@mikro-orm/core';
import { MikroORM } from '@mikro-orm/core';
import { BetterSqliteDriver } from '@mikro-orm/better-sqlite';
import { MySqlDriver } from '@mikro-orm/mysql';
import { PostgreSqlDriver } from '@mikro-orm/postgresql';
import type { SetupContext } from '../../model';
import type { StatementCounter } from '../../statement-counter';
import { N1Item, Post, User } from './entities';

/** MikroORM's logger hook: each executed statement passes through `logQuery`. */
class CountingLogger implements Logger {
  constructor(private readonly counter: StatementCounter) {}

  logQuery(_context: LogContext): void {
    if (this.counter.active) this.counter.add();
  }

  log(): void {}
  error(namespace: string, message: string): void {
    process.stderr.write(`[mikro-orm ${namespace}] ${message}\n`);
  }
  warn(namespace: string, message: string): void {
    process.stderr.write(`[mikro-orm ${namespace}] ${message}\n`);
  }
  setDebugMode(_debugMode: boolean | LoggerNamespace[]): void {}
  isEnabled(): boolean {
    return false;
  }
}

function serverOptions({ target }: SetupContext): Options {
  const server = target.server!;
  return {
    host: server.host,
    port: server.port,
    user: server.user,
    ...(server.password === undefined ? {} : { password: server.password }),
    dbName: server.database,
  };
}

export async function openMikroOrm(ctx: SetupContext): Promise<MikroORM> {
  const { target, counter } = ctx;
  const common: Options = {
    entities: [User, Post, N1Item],
    // The runner created the database and its tables.
    ensureDatabase: false,
    loggerFactory: () => new CountingLogger(counter),
  };
  switch (target.id) {
    case 'sqlite':
      return MikroORM.init({ ...common, driver: BetterSqliteDriver, dbName: target.file! });
    case 'postgres':
      return MikroORM.init({ ...common, ...serverOptions(ctx), driver: PostgreSqlDriver });
    case 'mysql':
      return MikroORM.init({ ...common, ...serverOptions(ctx), driver: MySqlDriver });
  }
}
