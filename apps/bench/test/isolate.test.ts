/**
 * `--isolate`: each contender runs in a child process of its own, and the runner still gets
 * every phase's answer from it (statements counted in the child, checks compared across
 * processes, one timed run). SQLite only: the process plumbing is the same for every database.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contenderById } from '../src/contenders';
import type { Contender, Workload } from '../src/model';
import { runBench } from '../src/runner';
import { workloadById } from '../src/workloads';
import { testTargets } from './test-targets';

const pick = <T>(value: T | undefined, what: string): T => {
  if (value === undefined) throw new Error(`no ${what}`);
  return value;
};

describe('bench --isolate', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'athanor-bench-isolate-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('raw and Athanor each in their own process: W4 and W1 counted, checked and timed', async () => {
    const workloads: Workload[] = [pick(workloadById('W4'), 'W4'), pick(workloadById('W1'), 'W1')];
    const contenders: Contender[] = [pick(contenderById('raw'), 'raw'), pick(contenderById('athanor'), 'athanor')];
    const result = await runBench({
      dbs: ['sqlite'],
      workloads,
      contenders,
      runs: 1,
      warmups: 0,
      scale: 0.01,
      targets: testTargets(dir, 'unused'),
      isolate: true,
    });
    expect(result.warnings).toEqual([]);
    const byKey = new Map(result.records.map((r) => [`${r.workload}/${r.contender}`, r]));
    expect([...byKey.keys()].sort()).toEqual(['W1/athanor', 'W1/raw', 'W4/athanor', 'W4/raw']);
    // 50 key reads at scale 0.01, one statement each, counted inside each child.
    expect(byKey.get('W4/raw')!.statements).toBe(50);
    expect(byKey.get('W4/athanor')!.statements).toBe(50);
    // W1 raw on SQLite: BEGIN, 100 users, 500 posts, COMMIT — its reset ran in the child first.
    expect(byKey.get('W1/raw')!.statements).toBe(602);
    for (const record of result.records) {
      expect(record.runs).toBe(1);
      expect(record.medianMs).toBeGreaterThan(0);
    }
  }, 120_000);
});
