import type { Dialect, Driver, DriverConnection } from './driver';
import type { Logger } from './logger';
import type { RetryPolicy } from './retry';
import { retrying } from './retry';
import { classify, rememberClassification, translate } from './statement-runner';

/**
 * Opens driver connections for a pool, retrying (with `connectRetry`) while the server
 * refuses or is still starting, and translating the final failure into the error hierarchy.
 */
export function makeConnector(
  dialect: Dialect,
  driver: Driver,
  policy: RetryPolicy | undefined,
  logger: Logger,
  label: string,
): () => Promise<DriverConnection> {
  const retryable = (error: unknown): boolean => {
    const c = classify(dialect, error);
    return c.transient || c.disconnect || isNetworkError(error);
  };
  return async () => {
    try {
      return await retrying(policy, () => driver.connect(), retryable, {
        onRetry: (error, attempt, delayMs) =>
          logger.warn(
            `Connecting (pool '${label}') failed on attempt ${attempt}: ${(error as Error)?.message ?? error}; ` +
              `retrying in ${delayMs.toFixed(0)} ms`,
          ),
      });
    } catch (error) {
      const translated = translate(dialect, error);
      // Whatever the dialect says about the error, no connection was made: callers (replica
      // fallback, transaction retry) treat it as a lost connection.
      rememberClassification(translated, { disconnect: true, transient: classify(dialect, error).transient });
      throw translated;
    }
  };
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENOTFOUND', 'EAI_AGAIN', 'EPIPE']);

function isNetworkError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && NETWORK_CODES.has(code)) return true;
  // Node's happy-eyeballs connect reports an AggregateError of per-address failures.
  const inner = (error as { errors?: unknown } | null)?.errors;
  return Array.isArray(inner) && inner.some(isNetworkError);
}
