/**
 * The raw drivers, opened the way their own docs teach: one better-sqlite3 handle, a pg
 * Client or Pool, a mysql2 (promise API) connection or pool. Settings mirror what Athanor's
 * adapters use where it matters for speed (SQLite: WAL and foreign keys on).
 */
import Database from 'better-sqlite3';
import { Client, Pool } from 'pg';
import { createConnection as createMysqlConnection, createPool as createMysqlPool } from 'mysql2/promise';
import type { Connection as MysqlConnection, Pool as MysqlPool } from 'mysql2/promise';
import { pgPlaceholders } from './schema';
import type { Target } from './targets';

export function openSqlite(target: Target): Database.Database {
  const db = new Database(target.file!);
  db.pragma('journal_mode = WAL');
  db.pragma('foreign_keys = ON');
  return db;
}

export async function pgClient(target: Target): Promise<Client> {
  const client = new Client({ ...target.server!, application_name: 'athanor-bench-raw' });
  await client.connect();
  return client;
}

/** pg's Pool has no overflow: `max` is the most connections it opens (kept until idle 10 s). */
export function pgPool(target: Target, max: number): Pool {
  return new Pool({ ...target.server!, max, application_name: 'athanor-bench-raw' });
}

export function mysqlConnection(target: Target): Promise<MysqlConnection> {
  return createMysqlConnection({ ...target.server! });
}

/** mysql2's pool: `connectionLimit` connections at most, kept open; callers beyond wait in a queue. */
export function mysqlPool(target: Target, connectionLimit: number): MysqlPool {
  return createMysqlPool({ ...target.server!, connectionLimit, waitForConnections: true, queueLimit: 0 });
}

/** The server's version line, for RESULTS.md. */
export async function serverVersion(target: Target): Promise<string> {
  switch (target.id) {
    case 'sqlite': {
      const db = new Database(':memory:');
      try {
        const row = db.prepare('SELECT sqlite_version() AS v').get() as { v: string };
        return `SQLite ${row.v}`;
      } finally {
        db.close();
      }
    }
    case 'postgres': {
      const client = await pgClient(target);
      try {
        const { rows } = await client.query<{ server_version: string }>('SHOW server_version');
        return `PostgreSQL ${rows[0]!.server_version}`;
      } finally {
        await client.end();
      }
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      try {
        const [rows] = await conn.query('SELECT VERSION() AS v');
        return `MySQL/MariaDB ${(rows as { v: string }[])[0]!.v}`;
      } finally {
        await conn.end();
      }
    }
  }
}

/** Untimed housekeeping SQL (W1's reset) on a connection of its own; `?` placeholders. */
export interface RawStatements {
  run(sql: string, params: readonly (string | number | null)[]): Promise<void>;
  close(): Promise<void>;
}

export async function rawStatements(target: Target): Promise<RawStatements> {
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      return { run: async (sql, params) => void db.prepare(sql).run(...params), close: async () => void db.close() };
    }
    case 'postgres': {
      const client = await pgClient(target);
      return { run: async (sql, params) => void (await client.query(pgPlaceholders(sql), [...params])), close: () => client.end() };
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      return { run: async (sql, params) => void (await conn.execute(sql, [...params])), close: () => conn.end() };
    }
  }
}
