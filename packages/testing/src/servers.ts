import { Client } from 'pg';
import { createConnection } from 'mysql2';
import type { Connection } from 'mysql2';

/**
 * Where the test servers are and whether they answer. Used by the jest global setup (which
 * probes once per run) and by workers. Talks to pg and mysql2 directly: the global setup runs
 * outside jest's module mapping, so it cannot load the @athanor packages.
 */

export type DialectName = 'sqlite' | 'postgres' | 'mysql';
export const DIALECT_NAMES: readonly DialectName[] = ['sqlite', 'postgres', 'mysql'];

export interface DialectStatus {
  readonly name: DialectName;
  readonly available: boolean;
  /** The shared test database's URL (SQLite: none; each test block gets a temp file). */
  readonly url: string;
  /** Why the dialect is skipped. */
  readonly reason?: string;
}

export const DEFAULT_PG_URL = 'postgres://postgres@127.0.0.1:5432/athanor_test';
export const DEFAULT_MYSQL_URL = 'mariadb://root@127.0.0.1:3306/athanor_test';
/** Set by the global setup for the workers: JSON of DialectStatus[]. */
export const STATUS_ENV = 'ATHANOR_TEST_DIALECTS';
const PROBE_TIMEOUT_MS = 3_000;

export const pgUrl = (): string => process.env.ATHANOR_PG_URL || DEFAULT_PG_URL;
export const mysqlUrl = (): string => process.env.ATHANOR_MYSQL_URL || DEFAULT_MYSQL_URL;
export const requireAll = (): boolean => /^(1|true|yes)$/i.test(process.env.ATHANOR_REQUIRE_ALL ?? '');

/** Test databases and schemas are named `athanor_t_<epoch seconds>_…` so stale ones can be found. */
export const ISOLATED_PREFIX = 'athanor_t_';

export function quotePg(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

export function quoteMysql(name: string): string {
  return `\`${name.replace(/`/g, '``')}\``;
}

function messageOf(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: unknown[] } | null;
  // Node's happy-eyeballs connect throws an AggregateError with an empty message.
  if (e && !e.message && Array.isArray(e.errors) && e.errors.length > 0) return messageOf(e.errors[0]);
  return e?.message || e?.code || String(error);
}

export async function withPg<T>(url: string, fn: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: PROBE_TIMEOUT_MS });
  client.on('error', () => {});
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end().catch(() => {});
  }
}

export function mysqlQuery(conn: Connection, sql: string, values: unknown[] = []): Promise<unknown> {
  return new Promise((resolve, reject) => conn.query(sql, values, (err, rows) => (err ? reject(err) : resolve(rows))));
}

export async function withMysql<T>(url: string, fn: (conn: Connection) => Promise<T>): Promise<T> {
  const conn = createConnection({ uri: url, connectTimeout: PROBE_TIMEOUT_MS });
  conn.on('error', () => {});
  await new Promise<void>((resolve, reject) => conn.connect((err) => (err ? reject(err) : resolve())));
  try {
    return await fn(conn);
  } finally {
    await new Promise<void>((resolve) => conn.end(() => resolve()));
  }
}

function databaseOf(url: string): string {
  return decodeURIComponent(new URL(url).pathname.replace(/^\//, ''));
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${encodeURIComponent(database)}`;
  return u.toString();
}

/** Connect to the test database, creating it first when the server answers but it is missing. */
async function probePg(url: string): Promise<void> {
  try {
    await withPg(url, (c) => c.query('SELECT 1'));
  } catch (error) {
    if ((error as { code?: string }).code !== '3D000') throw error;
    await withPg(withDatabase(url, 'postgres'), (c) => c.query(`CREATE DATABASE ${quotePg(databaseOf(url))}`));
    await withPg(url, (c) => c.query('SELECT 1'));
  }
}

async function probeMysql(url: string): Promise<void> {
  const database = databaseOf(url);
  await withMysql(withDatabase(url, ''), (c) => mysqlQuery(c, `CREATE DATABASE IF NOT EXISTS ${quoteMysql(database)}`));
  await withMysql(url, (c) => mysqlQuery(c, 'SELECT 1'));
}

async function status(name: DialectName, url: string, probe: (url: string) => Promise<void>): Promise<DialectStatus> {
  try {
    await probe(url);
    return { name, available: true, url };
  } catch (error) {
    return { name, available: false, url, reason: messageOf(error) };
  }
}

export async function probeDialects(): Promise<DialectStatus[]> {
  const [pg, mysql] = await Promise.all([status('postgres', pgUrl(), probePg), status('mysql', mysqlUrl(), probeMysql)]);
  return [{ name: 'sqlite', available: true, url: 'sqlite::memory:' }, pg, mysql];
}

/** The statuses the global setup recorded, or a fresh probe when running without it. */
let cached: Promise<DialectStatus[]> | undefined;
export function dialectStatuses(): Promise<DialectStatus[]> {
  const recorded = process.env[STATUS_ENV];
  if (recorded) return Promise.resolve(JSON.parse(recorded) as DialectStatus[]);
  return (cached ??= probeDialects());
}

export function describeStatuses(statuses: readonly DialectStatus[]): string {
  const parts = statuses.map((s) =>
    s.available ? `${s.name}: runs${s.name === 'sqlite' ? '' : ` (${redact(s.url)})`}` : `${s.name}: SKIPPED (${redact(s.url)}: ${s.reason})`,
  );
  return `Athanor dialect matrix — ${parts.join('; ')}`;
}

function redact(url: string): string {
  return url.replace(/^([a-z0-9+.-]+:\/\/[^:/?#@]*:)[^@/?#]*@/i, '$1***@');
}

/**
 * Drop test schemas/databases left behind by runs that crashed. Only old ones: other jest
 * runs on this machine may be using theirs right now.
 */
export async function dropStaleIsolated(statuses: readonly DialectStatus[], maxAgeSeconds = 6 * 3600): Promise<void> {
  const cutoff = Math.floor(Date.now() / 1000) - maxAgeSeconds;
  const stale = (name: string): boolean => {
    const m = /^athanor_t_(\d+)_/.exec(name);
    return m !== null && Number(m[1]) < cutoff;
  };
  for (const s of statuses) {
    if (!s.available) continue;
    try {
      if (s.name === 'postgres') {
        await withPg(s.url, async (c) => {
          const { rows } = await c.query<{ name: string }>(
            `SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE '${ISOLATED_PREFIX}%'`,
          );
          for (const { name } of rows.filter((r) => stale(r.name))) await c.query(`DROP SCHEMA IF EXISTS ${quotePg(name)} CASCADE`);
        });
      } else if (s.name === 'mysql') {
        await withMysql(s.url, async (c) => {
          const rows = (await mysqlQuery(c, 'SHOW DATABASES')) as Record<string, string>[];
          for (const name of rows.map((r) => Object.values(r)[0]).filter(stale)) {
            await mysqlQuery(c, `DROP DATABASE IF EXISTS ${quoteMysql(name)}`);
          }
        });
      }
    } catch {
      // Housekeeping only: a failure here must not fail the run.
    }
  }
}
