import { ConfigurationError } from '../errors/errors';

export interface PoolOptions {
  /** Connections kept open when idle (default: the dialect's `defaultPoolSize`). */
  readonly size?: number;
  /**
   * Extra connections opened under load and closed when returned (default: the dialect's
   * `defaultMaxOverflow`, else 10; 0 for `:memory:` databases; -1 = unlimited).
   */
  readonly maxOverflow?: number;
  /** How long a checkout waits before `PoolTimeoutError` (default 30000). */
  readonly timeoutMs?: number;
  /** A connection older than this is closed and replaced at checkout (default: never). */
  readonly recycleMs?: number;
  /** Ping at checkout and replace a dead connection without the caller noticing (default false). */
  readonly prePing?: boolean;
  /** Reuse the most recently returned connection first (default true). */
  readonly lifo?: boolean;
  /** ROLLBACK a connection on return when a transaction may still be open (default true). */
  readonly resetOnReturn?: boolean;
  /** Passed to the driver when opening a connection. */
  readonly connectTimeoutMs?: number;
  /** Warn (once, with the checkout stack) about connections held longer than this. */
  readonly leakWarnMs?: number;
}

export interface PoolStatus {
  /** The configured pool size (connections kept when idle). */
  readonly size: number;
  readonly checkedOut: number;
  readonly idle: number;
  /** Connections open beyond `size`. */
  readonly overflow: number;
  /** Callers waiting for a connection. */
  readonly waiting: number;
  /** Connections open or being opened. */
  readonly total: number;
}

/** The settings a pool ended up with, checked once at construction. */
export interface ResolvedPoolSettings {
  readonly size: number;
  readonly maxOverflow: number;
  readonly timeoutMs: number;
  readonly recycleMs: number;
  readonly leakWarnMs: number;
}

export function validatePool(pool: ResolvedPoolSettings): void {
  const check = (ok: boolean, message: string) => {
    if (!ok) throw new ConfigurationError(`pool.${message}`);
  };
  check(Number.isInteger(pool.size) && pool.size >= 0, `size must be an integer ≥ 0 (got ${pool.size})`);
  check(
    pool.maxOverflow === Infinity || (Number.isInteger(pool.maxOverflow) && pool.maxOverflow >= 0),
    `maxOverflow must be an integer ≥ 0, or -1 for unlimited (got ${pool.maxOverflow})`,
  );
  check(pool.size + pool.maxOverflow >= 1, 'size + maxOverflow must allow at least one connection');
  check(Number.isFinite(pool.timeoutMs) && pool.timeoutMs >= 0, `timeoutMs must be ≥ 0 (got ${pool.timeoutMs})`);
  check(pool.recycleMs >= 0, `recycleMs must be ≥ 0 (got ${pool.recycleMs})`);
  check(pool.leakWarnMs >= 0, `leakWarnMs must be ≥ 0 (got ${pool.leakWarnMs})`);
}
