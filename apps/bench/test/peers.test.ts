/**
 * The peer ORMs (MikroORM, TypeORM, Drizzle) in the bench, on all three databases at the smoke
 * scale: each runs the ORM workloads next to raw, the runner checks that they did the same work
 * (it stops on a disagreement), and their statement counts, taken from each ORM's own query
 * hook, are the ones their documented write and load strategies imply. A database of its own
 * (`athanor_bench_peers`), so the smoke test running alongside is left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SMOKE } from '../src/cli-options';
import { CONTENDERS } from '../src/contenders';
import { sizesFor } from '../src/dataset';
import type { BenchRecord, DbId } from '../src/model';
import { runBench, type BenchResult } from '../src/runner';
import { StatementCounter } from '../src/statement-counter';
import { DB_IDS } from '../src/targets';
import { WORKLOADS } from '../src/workloads';
import { requireAllServers, testTargets } from './test-targets';

const PEERS = ['mikro-orm', 'typeorm', 'drizzle'] as const;
const ORM_WORKLOADS = ['W1', 'W2', 'W3', 'W4', 'W5', 'N1'];
const DATABASE = 'athanor_bench_peers';

// Smoke sizes: W1 writes 100 users + 500 posts, W3 loads 10 users, W4 reads 50 keys, W5 changes 100 users.
const users = 100;
type Counts = Readonly<Record<string, number>>;
const EXPECTED: Readonly<Record<(typeof PEERS)[number], Readonly<Record<DbId, Counts>>>> = {
  // BEGIN, one INSERT per 300 rows (its default batch size), COMMIT; W5: SELECT, BEGIN, one
  // UPDATE … CASE, COMMIT; N1: BEGIN, UPDATE, COMMIT. On MySQL each flush that inserts or
  // updates also asks for `auto_increment_increment`. W3: one joined SELECT (its default strategy).
  'mikro-orm': {
    sqlite: { W1: 5, W2: 1, W3: 1, W4: 50, W5: 4, N1: 3 },
    postgres: { W1: 5, W2: 1, W3: 1, W4: 50, W5: 4, N1: 3 },
    mysql: { W1: 6, W2: 1, W3: 1, W4: 50, W5: 5, N1: 3 },
  },
  // W1: BEGIN, one INSERT per table, COMMIT. W3: the page of user keys, then users joined to
  // posts. W5: `save` reloads the users by key, then BEGIN, an UPDATE per user, COMMIT.
  typeorm: {
    sqlite: { W1: 4, W2: 1, W3: 2, W4: 50, W5: 2 + users + 2 },
    postgres: { W1: 4, W2: 1, W3: 2, W4: 50, W5: 2 + users + 2 },
    mysql: { W1: 4, W2: 1, W3: 2, W4: 50, W5: 2 + users + 2 },
  },
  // better-sqlite3 transactions are the driver's own (no BEGIN/COMMIT through Drizzle's logger).
  // W3: one relational query. W5: the SELECT, then on SQLite a prepared UPDATE per user, on the
  // servers BEGIN, one UPDATE … CASE per 1,000 users, COMMIT.
  drizzle: {
    sqlite: { W1: 2, W2: 1, W3: 1, W4: 50, W5: 1 + users },
    postgres: { W1: 4, W2: 1, W3: 1, W4: 50, W5: 4 },
    mysql: { W1: 4, W2: 1, W3: 1, W4: 50, W5: 4 },
  },
};

describe('peer ORMs in the bench, on SQLite, PostgreSQL and MariaDB', () => {
  let dir: string;
  let result: BenchResult;
  const record = (db: DbId, workload: string, contender: string): BenchRecord | undefined =>
    result.records.find((r) => r.db === db && r.workload === workload && r.contender === contender);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'athanor-bench-peers-'));
    result = await runBench({
      dbs: DB_IDS,
      workloads: WORKLOADS.filter((w) => ORM_WORKLOADS.includes(w.id)),
      contenders: CONTENDERS.filter((c) => c.id === 'raw' || (PEERS as readonly string[]).includes(c.id)),
      runs: 1,
      warmups: 0,
      scale: SMOKE.scale,
      targets: testTargets(dir, DATABASE),
      requireAll: requireAllServers(),
    });
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the smoke sizes are the ones the expected counts assume', () => {
    expect(sizesFor(SMOKE.scale)).toMatchObject({ users, w1Users: users, w3Users: 10, w4Reads: 50 });
  });

  test('the contenders run in the documented order', () => {
    expect(CONTENDERS.map((c) => c.id)).toEqual(['raw', 'athanor', ...PEERS]);
  });

  test('every peer runs every ORM workload next to raw; TypeORM and Drizzle say why N1 does not apply', () => {
    expect(result.databases.map((d) => d.db)).toContain('sqlite');
    for (const { db } of result.databases) {
      for (const workload of ORM_WORKLOADS) {
        expect(record(db, workload, 'raw')).toBeDefined();
        for (const peer of PEERS) {
          if (workload === 'N1' && peer !== 'mikro-orm') {
            expect(record(db, workload, peer)).toBeUndefined();
            const skip = result.skipped.find((s) => s.db === db && s.workload === workload && s.contender === peer);
            expect(skip?.reason).toMatch(/^no unit of work: /);
            continue;
          }
          const r = record(db, workload, peer);
          expect({ pair: `${db} ${workload}/${peer}`, ran: r !== undefined }).toEqual({ pair: `${db} ${workload}/${peer}`, ran: true });
          expect(r!.medianMs).toBeGreaterThan(0);
          expect(r!.ratio).toBeGreaterThan(0);
        }
      }
    }
    expect(result.warnings).toEqual([]);
  });

  test("statement counts come from each ORM's own query hook and match its documented strategy", () => {
    for (const { db } of result.databases) {
      for (const peer of PEERS) {
        const expected = EXPECTED[peer][db];
        const measured: Record<string, number> = {};
        for (const workload of Object.keys(expected)) measured[workload] = record(db, workload, peer)?.statements ?? -1;
        expect({ db, peer, statements: measured }).toEqual({ db, peer, statements: expected });
      }
    }
  });
});

describe('StatementCounter.active', () => {
  test('is true only between start() and stop(), so query hooks count the counting run alone', () => {
    const counter = new StatementCounter();
    expect(counter.active).toBe(false);
    counter.start();
    expect(counter.active).toBe(true);
    counter.add(2);
    expect(counter.stop()).toBe(2);
    expect(counter.active).toBe(false);
  });
});
