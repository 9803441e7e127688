/**
 * The warm-up: `warmups` rounds at least, then more for each contender until it has spent
 * `warmupMs` warming up; the rounds stop at 50 whatever the time. A workload made for the test
 * counts the runs of two contenders, one slow and one fast (SQLite target, no statements).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, DEFAULT_WARMUP_MS, SMOKE } from '../src/cli-options';
import { contenderById } from '../src/contenders';
import type { Contender, Implementation, Workload } from '../src/model';
import { runBench } from '../src/runner';
import { testTargets } from './test-targets';

const contender = (id: string): Contender => {
  const c = contenderById(id);
  if (c === undefined) throw new Error(`no ${id}`);
  return c;
};

interface Counter {
  runs: number;
  /** Each run's own duration: on a loaded machine a 40 ms timer takes longer. */
  readonly durations: number[];
}

/** Runs that each take `ms` at least, counted and timed. */
function counted(ms: number, counter: Counter): Implementation {
  return async () => ({
    async run(): Promise<number> {
      counter.runs++;
      const start = performance.now();
      await new Promise((resolve) => setTimeout(resolve, ms));
      counter.durations.push(performance.now() - start);
      return 1;
    },
    inspect: () => ({ check: 'same' }),
    teardown: async () => undefined,
  });
}

describe('bench warm-up', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'athanor-bench-warmup-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('--warmup-ms: 500 by default, 0 in smoke mode, a whole number ≥ 0', () => {
    expect(parseArgs([]).warmupMs).toBe(DEFAULT_WARMUP_MS);
    expect(parseArgs(['--smoke']).warmupMs).toBe(SMOKE.warmupMs);
    expect(parseArgs(['--warmup-ms', '0']).warmupMs).toBe(0);
    expect(() => parseArgs(['--warmup-ms', '-5'])).toThrow("--warmup-ms takes a whole number ≥ 0 (got '-5')");
  });

  test('each contender warms up until it has spent warmupMs, the slow one for fewer rounds', async () => {
    const slow: Counter = { runs: 0, durations: [] };
    const fast: Counter = { runs: 0, durations: [] };
    const workload: Workload = {
      id: 'WARM',
      title: 'warm-up counting',
      implementations: { raw: counted(40, slow), athanor: counted(2, fast) },
    };
    await runBench({
      dbs: ['sqlite'],
      workloads: [workload],
      contenders: [contender('raw'), contender('athanor')],
      runs: 1,
      warmups: 1,
      warmupMs: 200,
      scale: 0.01,
      targets: testTargets(dir, 'unused'),
    });
    // Counting run + warm-ups + 1 timed run. Slow: 200 ms at 40 ms a run is 5 warm-ups (6 when
    // timers measure a hair under 40 ms; fewer when the machine is loaded and its timers run
    // late). Its warm-ups stopped only once they had taken 200 ms: all but the last took less
    // (the bench's own clock, around each round, reads at least what the run measured itself).
    // Fast: 2 ms a run, so it warms up for more rounds, stopping at 200 ms or at the 50-round cap.
    const slowWarmups = slow.durations.slice(1, -1);
    expect(slowWarmups).toHaveLength(slow.runs - 2);
    expect(slowWarmups.length).toBeGreaterThanOrEqual(1);
    expect(slowWarmups.length).toBeLessThanOrEqual(6);
    expect(slowWarmups.slice(0, -1).reduce((a, b) => a + b, 0)).toBeLessThan(200);
    expect(fast.runs - 2).toBeGreaterThan(slow.runs - 2);
    expect(fast.runs - 2).toBeLessThanOrEqual(50);
  }, 60_000);
});
