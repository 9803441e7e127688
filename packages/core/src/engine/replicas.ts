import type { CompiledQuery } from '../sql/dialect';
import { checkPool } from './health';
import type { Pool } from './pool';

/**
 * Only statements the compiler marked read-only go to a replica; anything else is treated as a
 * write (guessing from SQL text misroutes `SELECT … FOR UPDATE`, CTEs that write, and functions
 * with side effects).
 */
export function isReadOnly(compiled: CompiledQuery): boolean {
  return compiled.readOnly === true;
}

export interface Replica {
  readonly url: string;
  readonly pool: Pool;
  healthy: boolean;
  lastError: unknown;
  lastCheck: number;
  checking: boolean;
}

/**
 * Round-robin over healthy replicas. A replica that failed with a disconnect is skipped; at
 * most every `recheckMs` a background ping (started by a read, so no timers run while idle)
 * puts it back once it answers.
 */
export class ReplicaSet {
  private next = 0;

  constructor(
    readonly members: readonly Replica[],
    private readonly recheckMs: number,
    private readonly checkTimeoutMs: number,
  ) {}

  /** The replica for the next read, or undefined when none is healthy (read the primary). */
  pick(): Replica | undefined {
    const members = this.members;
    const n = members.length;
    for (let i = 0; i < n; i++) {
      const replica = members[(this.next + i) % n]!;
      if (replica.healthy) {
        this.next = (this.next + i + 1) % n;
        return replica;
      }
      this.maybeRecheck(replica);
    }
    return undefined;
  }

  markDown(replica: Replica, error: unknown): void {
    replica.healthy = false;
    replica.lastError = error;
    replica.lastCheck = Date.now();
  }

  /** Ping one replica now and record the outcome. */
  async check(replica: Replica, timeoutMs = this.checkTimeoutMs) {
    replica.checking = true;
    try {
      const status = await checkPool(replica.pool, timeoutMs);
      replica.lastCheck = Date.now();
      replica.healthy = status.ok;
      if (!status.ok) replica.lastError = status.error;
      return status;
    } finally {
      replica.checking = false;
    }
  }

  private maybeRecheck(replica: Replica): void {
    if (replica.checking || replica.pool.disposed || Date.now() - replica.lastCheck < this.recheckMs) return;
    void this.check(replica);
  }
}
