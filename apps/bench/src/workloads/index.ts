import type { Workload } from '../model';
import { p1PoolConcurrency } from './p1-pool-concurrency';
import { poolCheckout } from './pool-checkout';
import { w2CoreReadPosts } from './w2-core-read-posts';
import { w4CorePkReads } from './w4-core-pk-reads';

/** Every workload, in the order they run. New workloads (W1, W3, W5, N1…) go here, one file each. */
export const WORKLOADS: readonly Workload[] = [w2CoreReadPosts, w4CorePkReads, p1PoolConcurrency, poolCheckout];

export function workloadById(id: string): Workload | undefined {
  const wanted = id.toLowerCase();
  return WORKLOADS.find((w) => w.id.toLowerCase() === wanted);
}
