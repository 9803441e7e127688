/** Timing one run: GC first, the clock around `run()`, and the process's RSS while it runs. */

const RSS_SAMPLE_MS = 5;
const MB = 1024 * 1024;

export interface Measured<T> {
  readonly ms: number;
  /** The highest RSS seen during the run and right after it (result still alive), in MB. */
  readonly rssMb: number;
  readonly result: T;
}

/** `global.gc` when node runs with --expose-gc; otherwise undefined (jest, plain node). */
export function exposedGc(): (() => void) | undefined {
  const gc = (globalThis as { gc?: () => void }).gc;
  return typeof gc === 'function' ? gc : undefined;
}

/**
 * After the forced GC, V8 still sweeps the freed pages on a helper thread and has shrunk the
 * young generation: a run started at once pays for that clean-up of earlier runs' garbage
 * (measured: W5 on SQLite 30 ms instead of 22, raw 10-20% slower too). The pause lets it finish.
 */
const SETTLE_MS = 20;

export async function measure<T>(run: () => Promise<T>, gc: (() => void) | undefined): Promise<Measured<T>> {
  if (gc !== undefined) {
    gc();
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS));
  }
  let peak = process.memoryUsage.rss();
  // Samples between the run's awaits; a run that never yields (better-sqlite3) is caught by
  // the sample taken right after it, while its result is still referenced.
  const sampler = setInterval(() => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  }, RSS_SAMPLE_MS);
  sampler.unref();
  const start = performance.now();
  let result: T;
  try {
    result = await run();
  } finally {
    clearInterval(sampler);
  }
  const ms = performance.now() - start;
  peak = Math.max(peak, process.memoryUsage.rss());
  return { ms, rssMb: peak / MB, result };
}
