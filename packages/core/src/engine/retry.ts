import { ConfigurationError } from '../errors/errors';

export interface RetryOptions {
  /** Most runs in total, the first included (default 3). */
  readonly attempts?: number;
  /** Backoff base in milliseconds: the n-th retry waits up to baseMs·2ⁿ⁻¹ (default 20). */
  readonly baseMs?: number;
  /** Cap on one wait in milliseconds (default 1000). */
  readonly maxMs?: number;
}

export interface RetryPolicy {
  readonly attempts: number;
  readonly baseMs: number;
  readonly maxMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = Object.freeze({ attempts: 3, baseMs: 20, maxMs: 1000 });

/** `true` means the defaults; `false`/absent means no retry. */
export function normalizeRetry(
  option: RetryOptions | boolean | undefined,
  what = 'retry',
  defaults: RetryPolicy = DEFAULT_RETRY,
): RetryPolicy | undefined {
  if (option === undefined || option === false) return undefined;
  if (option === true) return defaults;
  const policy = {
    attempts: option.attempts ?? defaults.attempts,
    baseMs: option.baseMs ?? defaults.baseMs,
    maxMs: option.maxMs ?? defaults.maxMs,
  };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) {
    throw new ConfigurationError(`${what}.attempts must be an integer ≥ 1 (got ${policy.attempts})`);
  }
  for (const key of ['baseMs', 'maxMs'] as const) {
    if (!Number.isFinite(policy[key]) || policy[key] < 0) {
      throw new ConfigurationError(`${what}.${key} must be a finite number ≥ 0 (got ${policy[key]})`);
    }
  }
  return policy;
}

/**
 * Exponential backoff with full jitter (a uniformly random wait up to the exponential
 * ceiling), which spreads competing retriers apart instead of having them collide again.
 * `failedAttempt` is 1 for the wait after the first failure.
 */
export function backoffDelay(policy: RetryPolicy, failedAttempt: number, random: () => number = Math.random): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** (failedAttempt - 1));
  return random() * ceiling;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

export interface RetryHooks {
  readonly sleep?: (ms: number) => Promise<void>;
  readonly random?: () => number;
  /** Called before each wait; the failed attempt number starts at 1. */
  readonly onRetry?: (error: unknown, failedAttempt: number, delayMs: number) => void;
}

/**
 * Run `task` until it succeeds, `shouldRetry` says no, or the attempts run out; the last
 * error is rethrown as is.
 */
export async function retrying<T>(
  policy: RetryPolicy | undefined,
  task: (attempt: number) => Promise<T>,
  shouldRetry: (error: unknown, attempt: number) => boolean,
  hooks: RetryHooks = {},
): Promise<T> {
  const attempts = policy?.attempts ?? 1;
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (error) {
      if (!policy || attempt >= attempts || !shouldRetry(error, attempt)) throw error;
      const delay = backoffDelay(policy, attempt, hooks.random);
      hooks.onRetry?.(error, attempt, delay);
      await (hooks.sleep ?? sleep)(delay);
    }
  }
}
