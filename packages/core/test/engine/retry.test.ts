import { backoffDelay, ConfigurationError, DEFAULT_RETRY, normalizeRetry, retrying } from '@athanor/core';

describe('normalizeRetry', () => {
  it('maps true to the defaults and false/undefined to no retry', () => {
    expect(normalizeRetry(true)).toEqual({ attempts: 3, baseMs: 20, maxMs: 1000 });
    expect(normalizeRetry(false)).toBeUndefined();
    expect(normalizeRetry(undefined)).toBeUndefined();
    expect(normalizeRetry({ attempts: 5 })).toEqual({ attempts: 5, baseMs: 20, maxMs: 1000 });
  });

  it('rejects nonsense with a ConfigurationError naming the option', () => {
    expect(() => normalizeRetry({ attempts: 0 })).toThrow(ConfigurationError);
    expect(() => normalizeRetry({ attempts: 1.5 }, 'connectRetry')).toThrow(/connectRetry\.attempts/);
    expect(() => normalizeRetry({ baseMs: -1 })).toThrow(/retry\.baseMs/);
    expect(() => normalizeRetry({ maxMs: Infinity })).toThrow(/retry\.maxMs/);
  });
});

describe('backoffDelay', () => {
  const policy = { attempts: 10, baseMs: 10, maxMs: 100 };

  it('grows exponentially up to the cap (random = 1 gives the ceiling)', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n, () => 1))).toEqual([10, 20, 40, 80, 100, 100]);
  });

  it('is full jitter: uniformly between 0 and the ceiling', () => {
    expect(backoffDelay(policy, 3, () => 0)).toBe(0);
    expect(backoffDelay(policy, 3, () => 0.5)).toBe(20);
    for (let i = 0; i < 200; i++) {
      const d = backoffDelay(DEFAULT_RETRY, 4);
      expect(d).toBeGreaterThanOrEqual(0);
      expect(d).toBeLessThan(160);
    }
  });
});

describe('retrying', () => {
  const transient = new Error('transient');
  const fatal = new Error('fatal');

  it('re-runs until success, sleeping the backoff between attempts', async () => {
    const sleeps: number[] = [];
    const retried: number[] = [];
    let runs = 0;
    const result = await retrying(
      { attempts: 4, baseMs: 10, maxMs: 1000 },
      async (attempt) => {
        runs++;
        expect(attempt).toBe(runs);
        if (runs < 3) throw transient;
        return 'done';
      },
      (e) => e === transient,
      { sleep: async (ms) => void sleeps.push(ms), random: () => 1, onRetry: (_e, n) => retried.push(n) },
    );
    expect(result).toBe('done');
    expect(runs).toBe(3);
    expect(sleeps).toEqual([10, 20]);
    expect(retried).toEqual([1, 2]);
  });

  it('rethrows the last error once attempts run out', async () => {
    let runs = 0;
    const run = retrying({ attempts: 3, baseMs: 0, maxMs: 0 }, async () => {
      runs++;
      throw transient;
    }, () => true);
    await expect(run).rejects.toBe(transient);
    expect(runs).toBe(3);
  });

  it('does not retry errors the predicate refuses', async () => {
    let runs = 0;
    const run = retrying({ attempts: 5, baseMs: 0, maxMs: 0 }, async () => {
      runs++;
      throw runs === 1 ? transient : fatal;
    }, (e) => e === transient);
    await expect(run).rejects.toBe(fatal);
    expect(runs).toBe(2);
  });

  it('runs once without a policy', async () => {
    let runs = 0;
    await expect(retrying(undefined, async () => {
      runs++;
      throw transient;
    }, () => true)).rejects.toBe(transient);
    expect(runs).toBe(1);
  });
});
