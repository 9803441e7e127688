import { percentile, StatsCollector } from '../../src/engine/stats';

describe('StatsCollector', () => {
  it('computes nearest-rank percentiles', () => {
    const values = Float64Array.from({ length: 100 }, (_, i) => i + 1);
    expect(percentile(values, 0.5)).toBe(50);
    expect(percentile(values, 0.95)).toBe(95);
    expect(percentile(values, 0.99)).toBe(99);
    expect(percentile([7], 0.99)).toBe(7);
    expect(percentile([], 0.5)).toBe(0);
  });

  it('keeps only the most recent window of durations', () => {
    const stats = new StatsCollector(8);
    for (let i = 0; i < 8; i++) stats.record(1000);
    for (let i = 1; i <= 8; i++) stats.record(i);
    expect(stats.latency()).toEqual({ count: 8, p50: 4, p95: 8, p99: 8, max: 8 });
    expect(stats.statements).toBe(16);
  });

  it('counts errors by class name, and they count as statements', () => {
    const stats = new StatsCollector();
    stats.recordError('UniqueViolationError', 1);
    stats.recordError('UniqueViolationError', 1);
    stats.recordError('DeadlockError', 1);
    expect(stats.errorCounts()).toEqual({ UniqueViolationError: 2, DeadlockError: 1 });
    expect(stats.statements).toBe(3);
  });

  it('reports zeros before any statement', () => {
    expect(new StatsCollector().latency()).toEqual({ count: 0, p50: 0, p95: 0, p99: 0, max: 0 });
  });
});
