import { join } from 'node:path';
import type { TargetOverrides } from '../src/targets';

/**
 * Where a bench test runs: a SQLite file in its temporary folder, and the test servers
 * (ATHANOR_PG_URL / ATHANOR_MYSQL_URL, else the local ones) in a database of its own, so bench
 * tests running side by side, or a bench on `athanor_bench`, leave each other alone.
 */
export function testTargets(dir: string, database: string): TargetOverrides {
  const onServer = (env: string | undefined, fallback: string): string => {
    const url = new URL(env || fallback);
    url.pathname = `/${database}`;
    return url.toString();
  };
  return {
    sqliteFile: join(dir, 'bench.sqlite'),
    pgUrl: onServer(process.env.ATHANOR_PG_URL, 'postgres://postgres@127.0.0.1:5432/'),
    mysqlUrl: onServer(process.env.ATHANOR_MYSQL_URL, 'mariadb://root@127.0.0.1:3306/'),
  };
}

/** ATHANOR_REQUIRE_ALL=1 (as in CI): a server that does not answer fails the test instead of being skipped. */
export function requireAllServers(): boolean {
  return /^(1|true|yes)$/i.test(process.env.ATHANOR_REQUIRE_ALL ?? '');
}
