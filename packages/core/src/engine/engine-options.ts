import type { Dialect } from './driver';
import type { Logger } from './logger';
import type { PoolOptions } from './pool';
import type { RetryOptions } from './retry';

export interface EngineOptions {
  /** Use this dialect instead of looking one up by the URL's scheme. */
  readonly dialect?: Dialect;
  readonly pool?: PoolOptions;
  /** Retry opening connections (a server still starting). `true` = 3 attempts, 20 ms base, 1 s cap. */
  readonly connectRetry?: RetryOptions | boolean;
  /** Log every statement and its parameters at info. */
  readonly echo?: boolean;
  /** Where echo, slow-query, leak and retry messages go (default: console). */
  readonly logger?: Logger;
  /** Log statements at least this slow (milliseconds) at warn. */
  readonly slowQueryMs?: number;
  /**
   * Hide parameter values in logs. When set (true or false) it also decides whether error
   * messages and `toJSON()` show them (they are hidden there by default).
   */
  readonly redactParams?: boolean;
  /** Read replicas: read-only statements outside transactions are spread over them. */
  readonly replicas?: readonly string[];
  /** Pool options for each replica (default: `pool`). */
  readonly replicaPool?: PoolOptions;
  /** How often a replica that failed is pinged to see whether it is back (default 5000 ms). */
  readonly replicaRecheckMs?: number;
  /** How many recent statements the latency percentiles cover (default 1024). */
  readonly statsWindow?: number;
}
