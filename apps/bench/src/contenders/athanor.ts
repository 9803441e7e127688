import '@athanor/sqlite'; // registers sqlite: URLs
import '@athanor/postgres'; // postgres:// URLs
import '@athanor/mysql'; // mysql:// and mariadb:// URLs
import { createEngine } from '@athanor/core';
import type { Engine, PoolOptions } from '@athanor/core';
import type { Contender, SetupContext } from '../model';

/**
 * Athanor as its docs teach it. Its Core code for each workload lives in the workload's file
 * (the ORM workloads will add their own); statements are counted through `beforeExecute`.
 */
export const athanor: Contender = { id: 'athanor', label: 'Athanor' };

/** An engine on the target, watched by the run's statement counter. */
export function benchEngine(ctx: SetupContext, pool?: PoolOptions): Engine {
  const engine = createEngine(ctx.target.url, pool === undefined ? {} : { pool });
  ctx.counter.watch(engine);
  return engine;
}
