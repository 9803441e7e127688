import type { Workload } from '../model';
import { n1NoopFlush } from './n1-noop-flush';
import { p1PoolConcurrency } from './p1-pool-concurrency';
import { poolCheckout } from './pool-checkout';
import { w1CreateUsersPosts } from './w1-create-users-posts';
import { w2CoreReadPosts } from './w2-core-read-posts';
import { w2ReadPosts } from './w2-read-posts';
import { w3Joined, w3Lazy, w3UsersWithPosts } from './w3-users-with-posts';
import { w4CorePkReads } from './w4-core-pk-reads';
import { w4PkReads } from './w4-pk-reads';
import { w5UpdateUsers } from './w5-update-users';

/** Every workload, in the order they run: the ORM workloads, then Core and the pool. One file each. */
export const WORKLOADS: readonly Workload[] = [
  w1CreateUsersPosts,
  w2ReadPosts,
  w3UsersWithPosts,
  w3Joined,
  w3Lazy,
  w4PkReads,
  w5UpdateUsers,
  n1NoopFlush,
  w2CoreReadPosts,
  w4CorePkReads,
  p1PoolConcurrency,
  poolCheckout,
];

export function workloadById(id: string): Workload | undefined {
  const wanted = id.toLowerCase();
  return WORKLOADS.find((w) => w.id.toLowerCase() === wanted);
}
