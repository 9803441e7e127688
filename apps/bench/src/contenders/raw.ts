import type { Contender } from '../model';

/**
 * The limit: better-sqlite3, pg and mysql2 written the fastest idiomatic way (prepared
 * statements, one query per read). Its code for each workload lives in the workload's file;
 * it counts its own driver calls with `ctx.counter.add()`.
 */
export const raw: Contender = { id: 'raw', label: 'raw driver', baseline: true };
