import type { ConnectionConfig, Dialect, DialectAdapter, Driver } from '@athanor/core';
import { sqliteDialect, type SqliteConnection } from '@athanor/sqlite';

export interface RecordingSqlite {
  readonly dialect: Dialect;
  /** Every connection the driver opened, in order. */
  readonly connections: SqliteConnection[];
  byId(id: number): SqliteConnection;
  /** Close the database under the connection, as a crash or a killed backend would. */
  breakConnection(id: number): void;
  /** Break it and have the driver report the death (what pg/mysql2 adapters do on their own). */
  kill(id: number): void;
}

export interface DialectOverrides {
  readonly adapter?: Partial<DialectAdapter>;
  readonly beginStatements?: Dialect['beginStatements'];
  readonly abortsTransactionOnError?: boolean;
  readonly defaultPoolSize?: number;
}

/**
 * The real SQLite dialect with its driver wrapped so tests can reach the better-sqlite3 handle
 * of each pooled connection. Statements still run on real databases.
 */
export function recordingSqlite(overrides: DialectOverrides = {}): RecordingSqlite {
  const connections: SqliteConnection[] = [];
  const deathListeners = new Map<number, (error: unknown) => void>();
  const props: PropertyDescriptorMap = {
    createDriver: {
      value(config: ConnectionConfig): Driver {
        const driver = sqliteDialect.createDriver(config);
        return {
          async connect() {
            const conn = await driver.connect();
            connections.push(conn);
            const register = conn.onDead.bind(conn);
            conn.onDead = (listener) => {
              deathListeners.set(conn.id, listener);
              register(listener);
            };
            return conn;
          },
        };
      },
    },
  };
  if (overrides.adapter) props.adapter = { value: { ...sqliteDialect.adapter, ...overrides.adapter } };
  if (overrides.beginStatements) props.beginStatements = { value: overrides.beginStatements };
  if (overrides.abortsTransactionOnError !== undefined) props.abortsTransactionOnError = { value: overrides.abortsTransactionOnError };
  if (overrides.defaultPoolSize !== undefined) props.defaultPoolSize = { value: overrides.defaultPoolSize };
  const dialect = Object.create(sqliteDialect, props) as Dialect;
  const byId = (id: number): SqliteConnection => {
    const conn = connections.find((c) => c.id === id);
    if (!conn) throw new Error(`no connection #${id}`);
    return conn;
  };
  return {
    dialect,
    connections,
    byId,
    breakConnection: (id) => byId(id).db.close(),
    kill: (id) => {
      byId(id).db.close();
      deathListeners.get(id)?.(new Error(`connection #${id} was killed`));
    },
  };
}
