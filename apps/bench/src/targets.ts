/**
 * The databases the bench runs on, where they are, and how to make sure the bench database
 * exists. Only `athanor_bench` (or the database the URLs name) is ever created; nothing is
 * ever dropped but the bench's own tables inside it.
 */
import { mkdirSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { Client } from 'pg';
import { createConnection as createMysqlConnection } from 'mysql2/promise';

export type DbId = 'sqlite' | 'postgres' | 'mysql';
export const DB_IDS: readonly DbId[] = ['sqlite', 'postgres', 'mysql'];

/** Host, port, user and database of a server, as the raw drivers take them. */
export interface ServerConfig {
  readonly host: string;
  readonly port: number;
  readonly user: string;
  readonly password: string | undefined;
  readonly database: string;
}

export interface Target {
  readonly id: DbId;
  /** The URL Athanor's `createEngine` gets. */
  readonly url: string;
  /** SQLite: the database file. */
  readonly file?: string;
  /** PostgreSQL / MariaDB: where the raw drivers connect. */
  readonly server?: ServerConfig;
}

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/athanor_bench';
export const DEFAULT_MYSQL_URL = 'mariadb://root@127.0.0.1:3306/athanor_bench';
export const DEFAULT_SQLITE_FILE = resolve(__dirname, '..', '.work', 'athanor_bench.sqlite');

function serverConfig(url: string, defaultPort: number): ServerConfig {
  const u = new URL(url);
  return {
    host: decodeURIComponent(u.hostname) || '127.0.0.1',
    port: u.port ? Number(u.port) : defaultPort,
    user: decodeURIComponent(u.username),
    password: u.password ? decodeURIComponent(u.password) : undefined,
    database: decodeURIComponent(u.pathname.replace(/^\//, '')),
  };
}

export interface TargetOverrides {
  readonly sqliteFile?: string;
  readonly pgUrl?: string;
  readonly mysqlUrl?: string;
}

/** Targets from overrides, else ATHANOR_BENCH_PG_URL / ATHANOR_BENCH_MYSQL_URL, else the local servers. */
export function resolveTarget(id: DbId, overrides: TargetOverrides = {}): Target {
  switch (id) {
    case 'sqlite': {
      const file = resolve(overrides.sqliteFile ?? process.env.ATHANOR_BENCH_SQLITE_FILE ?? DEFAULT_SQLITE_FILE);
      return { id, url: `sqlite://${file}`, file };
    }
    case 'postgres': {
      const url = overrides.pgUrl ?? process.env.ATHANOR_BENCH_PG_URL ?? DEFAULT_PG_URL;
      return { id, url, server: serverConfig(url, 5432) };
    }
    case 'mysql': {
      const url = overrides.mysqlUrl ?? process.env.ATHANOR_BENCH_MYSQL_URL ?? DEFAULT_MYSQL_URL;
      return { id, url, server: serverConfig(url, 3306) };
    }
  }
}

const SAFE_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function checkedName(name: string): string {
  if (!SAFE_NAME.test(name)) throw new Error(`Bench database name '${name}' must be a plain identifier`);
  return name;
}

/** Create the bench database when it is missing (SQLite: its folder). */
export async function ensureDatabase(target: Target): Promise<void> {
  if (target.id === 'sqlite') {
    mkdirSync(dirname(target.file!), { recursive: true });
    return;
  }
  const server = target.server!;
  const name = checkedName(server.database);
  if (target.id === 'postgres') {
    const client = new Client({ ...server, database: 'postgres' });
    client.on('error', () => {});
    await client.connect();
    try {
      const found = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
      if (found.rowCount === 0) await client.query(`CREATE DATABASE "${name}"`);
    } finally {
      await client.end();
    }
    return;
  }
  const conn = await createMysqlConnection({ ...server, database: undefined });
  try {
    await conn.query(`CREATE DATABASE IF NOT EXISTS \`${name}\` CHARACTER SET utf8mb4`);
  } finally {
    await conn.end();
  }
}
