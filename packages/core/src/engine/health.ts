import type { Pool } from './pool';

export interface HealthStatus {
  readonly ok: boolean;
  /** Time to check out a connection and ping it (or until the timeout). */
  readonly latencyMs: number;
  /** Why the check failed. */
  readonly error?: string;
}

export interface HealthCheckResult extends HealthStatus {
  readonly replicas?: ReadonlyArray<HealthStatus & { readonly url: string }>;
}

/** Check out a connection and ping it within `timeoutMs`. Never throws. */
export async function checkPool(pool: Pool, timeoutMs: number): Promise<HealthStatus> {
  const start = performance.now();
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`health check timed out after ${timeoutMs} ms`)), timeoutMs);
  });
  const attempt = pingOnce(pool);
  // When the timeout wins, the attempt still finishes (and returns its connection) later.
  attempt.catch(() => undefined);
  try {
    await Promise.race([attempt, timeout]);
    return { ok: true, latencyMs: performance.now() - start };
  } catch (error) {
    return { ok: false, latencyMs: performance.now() - start, error: messageOf(error) };
  } finally {
    clearTimeout(timer);
  }
}

async function pingOnce(pool: Pool): Promise<void> {
  const entry = await pool.acquire();
  try {
    await entry.conn.ping();
  } catch (error) {
    pool.invalidate(entry, error, 'ping');
    throw error;
  } finally {
    void pool.release(entry);
  }
}

function messageOf(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`;
  return String(error);
}
