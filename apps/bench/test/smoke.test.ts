/**
 * The bench's smoke mode, in-process on all three databases: every workload and contender runs
 * once at the smoke scale, and the records are complete, timed, agree on their results (the
 * runner stops on a disagreement) and issue the statements each workload implies. SQLite always
 * runs; PostgreSQL and MariaDB run where their servers answer (required with
 * ATHANOR_REQUIRE_ALL=1, as in CI), each in a database of the smoke test's own
 * (`athanor_bench_smoke`), so a bench running at the same time on `athanor_bench` is left alone.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, SMOKE } from '../src/cli-options';
import { CONTENDERS } from '../src/contenders';
import { sizesFor } from '../src/dataset';
import { implementationOf, type BenchRecord, type DbId } from '../src/model';
import { runBench, type BenchResult } from '../src/runner';
import { formatReport } from '../src/table-printer';
import { DB_IDS } from '../src/targets';
import { WORKLOADS } from '../src/workloads';
import { requireAllServers, testTargets } from './test-targets';

const SMOKE_DATABASE = 'athanor_bench_smoke';
// At the smoke scale (0.01): 100 users, 500 posts; W1 writes 100 users + 500 posts; W3 loads 10
// users; W4 reads 50 keys; W5 changes 100 users; N1 holds 1,000 rows; P1 runs 200 workers × 1 task.
const users = 100;
const posts = 500;
const ATHANOR: Record<string, number | undefined> = {
  W2: 1,
  W3: 2,
  'W3-joined': 1,
  'W3-lazy': 2,
  W4: 50,
  N1: 3,
  'W2-core': 1,
  'W4-core': 50,
  P1: 200,
  POOL: 0,
};
const RAW: Record<DbId, Record<string, number>> = {
  // W1 and W5 raw on SQLite: a prepared statement per row between BEGIN and COMMIT (W5: + the SELECT).
  sqlite: { W1: 2 + users + posts, W5: 3 + users },
  // PostgreSQL: BEGIN, two unnest INSERTs, COMMIT; W5: the SELECT and one unnest UPDATE.
  postgres: { W1: 4, W5: 2 },
  // MariaDB: BEGIN, one multi-row INSERT per table (under the chunk size), COMMIT; W5: SELECT, BEGIN, one UPDATE, COMMIT.
  mysql: { W1: 4, W5: 4 },
};
const rawStatements = (db: DbId, workload: string): number | undefined =>
  RAW[db][workload] ?? { W2: 1, W3: 2, 'W3-joined': 2, 'W3-lazy': 2, W4: 50, N1: 1, 'W2-core': 1, 'W4-core': 50, P1: 200 }[workload];

describe('bench smoke mode on SQLite, PostgreSQL and MariaDB', () => {
  let dir: string;
  let result: BenchResult;
  const ran = (db: DbId): BenchRecord[] => result.records.filter((r) => r.db === db);

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'athanor-bench-'));
    const options = parseArgs(['--smoke']);
    expect(options).toMatchObject({ scale: SMOKE.scale, runs: 1, warmups: 0, dbs: [...DB_IDS] });
    result = await runBench({
      dbs: options.dbs,
      workloads: options.workloads,
      contenders: options.contenders,
      runs: options.runs,
      warmups: options.warmups,
      scale: options.scale,
      targets: testTargets(dir, SMOKE_DATABASE),
      requireAll: requireAllServers(),
    });
  }, 180_000);

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('the smoke sizes are the ones the expected counts assume', () => {
    expect(sizesFor(SMOKE.scale)).toMatchObject({ users, posts, w1Users: users, w3Users: 10, w4Reads: 50, n1Rows: 1_000 });
  });

  test('SQLite always runs; a server that does not answer is skipped as a whole, with the reason', () => {
    expect(ran('sqlite').length).toBeGreaterThan(0);
    for (const db of DB_IDS) {
      if (ran(db).length > 0) continue;
      const skips = result.skipped.filter((s) => s.db === db);
      expect(skips).toHaveLength(WORKLOADS.length);
      for (const s of skips) expect(s.reason).toMatch(/^database unavailable: /);
    }
    for (const d of result.databases) {
      expect(d.server).toMatch({ sqlite: /^SQLite 3\./, postgres: /^PostgreSQL \d/, mysql: /^MySQL\/MariaDB \d/ }[d.db]);
    }
  });

  test('every workload runs for raw and Athanor on every database that answers (raw POOL: not on SQLite)', () => {
    for (const { db } of result.databases) {
      const keys = ran(db).map((r) => `${r.workload}/${r.contender}`);
      for (const w of WORKLOADS) {
        expect(keys).toContain(`${w.id}/athanor`);
        if (!(db === 'sqlite' && w.id === 'POOL')) expect(keys).toContain(`${w.id}/raw`);
      }
      // Every other pair either ran or says why not.
      for (const w of WORKLOADS) {
        for (const c of CONTENDERS) {
          if (keys.includes(`${w.id}/${c.id}`)) continue;
          const skip = result.skipped.find((s) => s.db === db && s.workload === w.id && s.contender === c.id);
          expect({ pair: `${db} ${w.id}/${c.id}`, reason: skip?.reason }).toEqual({ pair: `${db} ${w.id}/${c.id}`, reason: expect.any(String) });
          if (implementationOf(w, c) !== undefined) expect(skip!.reason).not.toMatch(/no implementation/);
        }
      }
    }
    expect(result.skipped.filter((s) => s.db === 'sqlite' && s.contender === 'raw')).toEqual([
      { db: 'sqlite', workload: 'POOL', contender: 'raw', reason: expect.stringMatching(/no pool/) },
    ]);
  });

  test('every record has the JSON fields, one run, a positive time and a ratio to raw', () => {
    for (const r of result.records) {
      expect(r).toEqual(
        expect.objectContaining({
          db: expect.any(String),
          workload: expect.any(String),
          contender: expect.any(String),
          medianMs: expect.any(Number),
          minMs: expect.any(Number),
          maxMs: expect.any(Number),
          runs: 1,
          statements: expect.any(Number),
          rssMb: expect.any(Number),
        }),
      );
      expect(r.medianMs).toBeGreaterThan(0);
      expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
      expect(r.maxMs).toBeGreaterThanOrEqual(r.medianMs);
      expect(r.rssMb).toBeGreaterThan(0);
      if (!(r.db === 'sqlite' && r.workload === 'POOL')) expect(r.ratio).toBeGreaterThan(0);
    }
  });

  test('statement counts: raw counts its driver calls, Athanor is counted by beforeExecute (BEGIN and COMMIT included)', () => {
    for (const r of result.records.filter((x) => x.contender === 'raw' || x.contender === 'athanor')) {
      const expected = r.contender === 'raw' ? rawStatements(r.db, r.workload) : ATHANOR[r.workload];
      if (expected === undefined) continue; // Athanor's W1/W5 batching is the ORM's choice, checked below
      expect({ key: `${r.db} ${r.workload}/${r.contender}`, statements: r.statements }).toEqual({
        key: `${r.db} ${r.workload}/${r.contender}`,
        statements: expected,
      });
    }
    for (const r of result.records.filter((x) => x.contender === 'athanor' && (x.workload === 'W1' || x.workload === 'W5'))) {
      // At least BEGIN, one INSERT per table (W5: the SELECT and one UPDATE) and COMMIT; batched, so far fewer than a row each.
      expect(r.statements).toBeGreaterThanOrEqual(4);
      expect(r.statements).toBeLessThan(r.workload === 'W1' ? users + posts : users);
    }
    expect(result.warnings).toEqual([]);
  });

  test('P1 and POOL report their metrics; the table prints every row', () => {
    for (const r of result.records.filter((x) => x.workload === 'P1')) {
      expect(r.metrics?.['tasks/s']).toBeGreaterThan(0);
      expect(r.metrics?.['p99 ms']).toBeGreaterThan(0);
    }
    expect(result.records.find((x) => x.workload === 'POOL')?.metrics?.['µs/cycle']).toBeGreaterThan(0);
    const text = formatReport(result);
    expect(text).toMatch(/^== sqlite \(SQLite 3\./);
    const ids = WORKLOADS.map((w) => w.id.replace('-', '\\-')).join('|');
    expect(text.split('\n').filter((line) => new RegExp(`^(${ids})\\s`).test(line))).toHaveLength(result.records.length);
  });
});
