import type { PoolStatus } from './pool';

export interface LatencySummary {
  /** Statements in the window the percentiles were computed over. */
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface ReplicaStats {
  readonly url: string;
  readonly healthy: boolean;
  readonly pool: PoolStatus;
}

export interface EngineStats {
  readonly pool: PoolStatus;
  readonly replicas?: readonly ReplicaStats[];
  /** Statements run since the engine was created (including failed ones). */
  readonly statements: number;
  /** Failed statements by error class name. */
  readonly errors: Readonly<Record<string, number>>;
  /** Durations in milliseconds over the most recent statements. */
  readonly latency: LatencySummary;
}

/**
 * Counters plus a fixed ring of recent durations: recording is two stores, and the
 * percentiles are computed (by sorting a copy) only when someone asks.
 */
export class StatsCollector {
  statements = 0;
  private readonly errors = new Map<string, number>();
  private readonly ring: Float64Array;
  private readonly mask: number;
  private next = 0;

  constructor(windowSize = 1024) {
    // A power of two lets the index wrap with a mask instead of a modulo.
    let size = 1;
    while (size < windowSize) size <<= 1;
    this.ring = new Float64Array(size);
    this.mask = size - 1;
  }

  record(durationMs: number): void {
    this.statements++;
    this.ring[this.next & this.mask] = durationMs;
    this.next++;
  }

  recordError(errorName: string, durationMs: number): void {
    this.record(durationMs);
    this.errors.set(errorName, (this.errors.get(errorName) ?? 0) + 1);
  }

  latency(): LatencySummary {
    const count = Math.min(this.next, this.ring.length);
    if (count === 0) return { count: 0, p50: 0, p95: 0, p99: 0, max: 0 };
    const sorted = this.ring.slice(0, count).sort();
    return {
      count,
      p50: percentile(sorted, 0.5),
      p95: percentile(sorted, 0.95),
      p99: percentile(sorted, 0.99),
      max: sorted[count - 1]!,
    };
  }

  errorCounts(): Record<string, number> {
    return Object.fromEntries(this.errors);
  }
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return 0;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
