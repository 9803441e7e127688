/**
 * The bench's smoke mode, in-process on SQLite only (no servers needed): every workload and
 * contender runs once at the smoke scale, and the records are complete, timed, and issue the
 * statements each workload implies.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, SMOKE } from '../src/cli-options';
import { CONTENDERS } from '../src/contenders';
import { runBench, type BenchResult } from '../src/runner';
import { formatReport } from '../src/table-printer';
import { WORKLOADS } from '../src/workloads';

// At the smoke scale (0.01): 100 users, 500 posts; W4 reads 50 keys; P1 runs 200 workers × 1 task.
const EXPECTED_STATEMENTS: Record<string, number> = { 'W2-core': 1, 'W4-core': 50, P1: 200, POOL: 0 };

describe('bench smoke mode on SQLite', () => {
  let dir: string;
  let result: BenchResult;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'athanor-bench-'));
    const options = parseArgs(['--smoke', '--db', 'sqlite']);
    expect(options).toMatchObject({ scale: SMOKE.scale, runs: 1, warmups: 0, dbs: ['sqlite'] });
    result = await runBench({
      dbs: options.dbs,
      workloads: options.workloads,
      contenders: options.contenders,
      runs: options.runs,
      warmups: options.warmups,
      scale: options.scale,
      targets: { sqliteFile: join(dir, 'bench.sqlite') },
    });
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('runs every workload for every contender, except raw POOL (better-sqlite3 has no pool)', () => {
    const ran = result.records.map((r) => `${r.workload}/${r.contender}`).sort();
    const all = WORKLOADS.flatMap((w) => CONTENDERS.map((c) => `${w.id}/${c.id}`));
    expect(ran).toEqual(all.filter((k) => k !== 'POOL/raw').sort());
    expect(result.skipped).toEqual([{ db: 'sqlite', workload: 'POOL', contender: 'raw', reason: expect.stringMatching(/no pool/) }]);
    expect(result.databases).toEqual([{ db: 'sqlite', server: expect.stringMatching(/^SQLite 3\./), notes: expect.any(Array) }]);
  });

  test('every record has the JSON fields, one run and a positive time', () => {
    for (const r of result.records) {
      expect(r).toEqual(
        expect.objectContaining({
          db: 'sqlite',
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
      expect(r.minMs).toBeGreaterThan(0);
      expect(r.minMs).toBeLessThanOrEqual(r.medianMs);
      expect(r.maxMs).toBeGreaterThanOrEqual(r.medianMs);
      expect(r.rssMb).toBeGreaterThan(0);
      // A ratio to raw wherever raw ran.
      if (r.workload !== 'POOL') expect(r.ratio).toBeGreaterThan(0);
    }
  });

  test('statement counts are what each workload implies, for raw (own count) and Athanor (beforeExecute)', () => {
    for (const r of result.records) {
      expect({ key: `${r.workload}/${r.contender}`, statements: r.statements }).toEqual({
        key: `${r.workload}/${r.contender}`,
        statements: EXPECTED_STATEMENTS[r.workload],
      });
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
    expect(text.split('\n').filter((line) => /^(W2-core|W4-core|P1|POOL)\s/.test(line))).toHaveLength(result.records.length);
  });
});
