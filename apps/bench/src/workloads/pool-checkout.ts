/**
 * POOL: the cost of a checkout and a checkin with nothing in between — N sequential
 * `engine.connect()` + `release()` against pg's `pool.connect()` + `client.release()` and
 * mysql2's `pool.getConnection()` + `conn.release()` (10,000 at scale 1). No statements.
 * better-sqlite3 has no pool, so on SQLite only Athanor runs (engine defaults: size 1).
 */
import { benchEngine } from '../contenders/athanor';
import type { Implementation, Inspection, Sizes, Workload } from '../model';
import { mysqlPool, pgPool } from '../raw-drivers';
import { ATHANOR_POOL, DRIVER_POOL_MAX } from './pool-shape';

const CYCLES_AT_SCALE_1 = 10_000;

export function cyclesFor(sizes: Sizes): number {
  return Math.max(10, Math.round(CYCLES_AT_SCALE_1 * sizes.scale));
}

interface Outcome {
  readonly cycles: number;
  readonly wallMs: number;
}

const inspect = (o: Outcome): Inspection => ({
  check: `${o.cycles} cycles`,
  metrics: { 'µs/cycle': (o.wallMs * 1000) / o.cycles },
});

async function cycle(n: number, once: () => Promise<void>): Promise<Outcome> {
  const start = performance.now();
  for (let i = 0; i < n; i++) await once();
  return { cycles: n, wallMs: performance.now() - start };
}

const raw: Implementation = async ({ target, sizes }) => {
  const n = cyclesFor(sizes);
  switch (target.id) {
    case 'sqlite':
      throw new Error('POOL has no raw SQLite implementation (see notApplicable)');
    case 'postgres': {
      const pool = pgPool(target, DRIVER_POOL_MAX);
      const once = async (): Promise<void> => {
        const client = await pool.connect();
        client.release();
      };
      return { run: () => cycle(n, once), inspect, teardown: () => pool.end() };
    }
    case 'mysql': {
      const pool = mysqlPool(target, DRIVER_POOL_MAX);
      const once = async (): Promise<void> => {
        const conn = await pool.getConnection();
        conn.release();
      };
      return { run: () => cycle(n, once), inspect, teardown: () => pool.end() };
    }
  }
};

const athanor: Implementation = async (ctx) => {
  const n = cyclesFor(ctx.sizes);
  const engine = benchEngine(ctx, ctx.target.id === 'sqlite' ? undefined : ATHANOR_POOL);
  const once = async (): Promise<void> => {
    const conn = await engine.connect();
    await conn.release();
  };
  return { run: () => cycle(n, once), inspect, teardown: () => engine.dispose() };
};

export const poolCheckout: Workload = {
  id: 'POOL',
  title: 'pool checkout + checkin, sequential (10,000 at scale 1)',
  notApplicable: (db, contender) =>
    db === 'sqlite' && contender === 'raw' ? 'better-sqlite3 has no pool; Athanor runs alone (engine defaults)' : undefined,
  expectedStatements: () => 0,
  implementations: { raw, athanor },
};
