import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/**
 * A full garbage collection, without starting node with --expose-gc: the flag is turned on at
 * run time and `gc` taken from a fresh context. Then a few turns of the event loop, so
 * FinalizationRegistry callbacks (which run as tasks after a collection) have run.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

/** A full collection now, in the current job (objects the job created or dereferenced through a WeakRef survive it). */
export const gcNow: () => void = gc;

export async function collectGarbage(): Promise<void> {
  // A WeakRef target stays alive until the end of the job that created or dereferenced it.
  await new Promise((resolve) => setImmediate(resolve));
  gc();
  for (let i = 0; i < 3; i++) await new Promise((resolve) => setImmediate(resolve));
}
