import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ISOLATED_PREFIX, mysqlQuery, quoteMysql, quotePg, withMysql, withPg } from './servers';
import type { DialectStatus } from './servers';

/**
 * A database of its own for one test block, so the jest workers (and other runs on the same
 * machine) never see each other's tables: a schema on PostgreSQL (reached through
 * search_path), a database on MySQL/MariaDB, a temporary file on SQLite (a file rather than
 * :memory: so every connection and engine of the block sees the same data).
 */
export interface IsolatedDatabase {
  /** The schema, database or file name. */
  readonly name: string;
  /** A URL for createEngine that lands in the isolated database. */
  readonly url: string;
  drop(): Promise<void>;
}

let counter = 0;

/** athanor_t_<epoch seconds>_<pid>_<n>_<random>: unique, and old ones can be recognised. */
export function isolatedName(): string {
  const random = Math.random().toString(36).slice(2, 8);
  return `${ISOLATED_PREFIX}${Math.floor(Date.now() / 1000)}_${process.pid}_${++counter}_${random}`;
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

function withOption(url: string, key: string, value: string): string {
  const u = new URL(url);
  u.searchParams.set(key, value);
  return u.toString();
}

async function sqlite(name: string): Promise<IsolatedDatabase> {
  const file = join(tmpdir(), `${name}.db`);
  return {
    name: file,
    url: `sqlite:${file}`,
    async drop() {
      for (const suffix of ['', '-wal', '-shm', '-journal']) rmSync(`${file}${suffix}`, { force: true });
    },
  };
}

async function postgres(status: DialectStatus, name: string): Promise<IsolatedDatabase> {
  await withPg(status.url, (c) => c.query(`CREATE SCHEMA ${quotePg(name)}`));
  return {
    name,
    url: withOption(status.url, 'search_path', name),
    async drop() {
      await withPg(status.url, async (c) => {
        // A connection left open by a test would hold locks; do not wait for it forever.
        await c.query("SET lock_timeout = '10s'");
        await c.query(`DROP SCHEMA IF EXISTS ${quotePg(name)} CASCADE`);
      });
    },
  };
}

async function mysql(status: DialectStatus, name: string): Promise<IsolatedDatabase> {
  await withMysql(status.url, (c) => mysqlQuery(c, `CREATE DATABASE ${quoteMysql(name)} CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci`));
  return {
    name,
    url: withDatabase(status.url, name),
    async drop() {
      await withMysql(status.url, async (c) => {
        await mysqlQuery(c, 'SET SESSION lock_wait_timeout = 10');
        await mysqlQuery(c, `DROP DATABASE IF EXISTS ${quoteMysql(name)}`);
      });
    },
  };
}

export async function createIsolatedDatabase(status: DialectStatus): Promise<IsolatedDatabase> {
  if (!status.available) throw new Error(`${status.name} is not available: ${status.reason}`);
  const name = isolatedName();
  switch (status.name) {
    case 'sqlite':
      return sqlite(name);
    case 'postgres':
      return postgres(status, name);
    case 'mysql':
      return mysql(status, name);
  }
}
