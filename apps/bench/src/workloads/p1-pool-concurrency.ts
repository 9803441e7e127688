/**
 * P1: 200 concurrent tasks, each checking out a connection, running a small primary-key SELECT
 * and checking it back in, through a pool of 10 + 10 overflow: Athanor's pool against pg's
 * `Pool` and mysql2's `createPool` (both capped at the same 20 connections). 200 workers each
 * run `tasksPerWorker` tasks back to back (25 at scale 1), so 200 tasks are always in flight.
 * Reported: wall time, throughput (tasks/s), p99 task latency (pool wait included) and the
 * connections each run opened (Athanor closes overflow connections when they come back with
 * nobody waiting, as SQLAlchemy's QueuePool does; the drivers' pools keep them while idle).
 *
 * SQLite has no server to share: raw is one better-sqlite3 handle called from the 200 async
 * workers, and Athanor runs with the engine's default pool for a file (size 1, no overflow).
 */
import { select } from '@athanor/core';
import { benchEngine } from '../contenders/athanor';
import { scatteredKeys } from '../dataset';
import type { Implementation, Inspection, Sizes, Workload } from '../model';
import { mysqlPool, openSqlite, pgPool } from '../raw-drivers';
import { pgPlaceholders, RAW_SQL, users } from '../schema';
import { percentile, sortedCopy } from '../stats';
import { ATHANOR_POOL, DRIVER_POOL_MAX } from './pool-shape';

export const WORKERS = 200;
const TASKS_PER_WORKER_AT_SCALE_1 = 25;

export function tasksPerWorker(sizes: Sizes): number {
  return Math.max(1, Math.round(TASKS_PER_WORKER_AT_SCALE_1 * sizes.scale));
}

interface Outcome {
  readonly latencies: Float64Array;
  readonly wallMs: number;
  readonly found: number;
  readonly idSum: number;
  /** Connections the pool opened during the run. */
  readonly opened: number;
}

type Task = (id: number) => Promise<{ id: number } | undefined>;

/**
 * Run WORKERS workers at once, each running its tasks one after another. `opened` reads a
 * running count of connections the pool opened.
 */
async function drive(sizes: Sizes, keys: readonly number[], task: Task, opened: () => number): Promise<Outcome> {
  const openedBefore = opened();
  const perWorker = tasksPerWorker(sizes);
  const latencies = new Float64Array(WORKERS * perWorker);
  let found = 0;
  let idSum = 0;
  const worker = async (w: number): Promise<void> => {
    for (let t = 0; t < perWorker; t++) {
      const i = w * perWorker + t;
      const started = performance.now();
      const row = await task(keys[i % keys.length]!);
      latencies[i] = performance.now() - started;
      if (row !== undefined) {
        found++;
        idSum += row.id;
      }
    }
  };
  const start = performance.now();
  const workers: Promise<void>[] = [];
  for (let w = 0; w < WORKERS; w++) workers.push(worker(w));
  await Promise.all(workers);
  return { latencies, wallMs: performance.now() - start, found, idSum, opened: opened() - openedBefore };
}

function inspect(o: Outcome): Inspection {
  const sorted = sortedCopy(o.latencies);
  return {
    check: `${o.found} rows, id sum ${o.idSum}`,
    metrics: { 'tasks/s': o.latencies.length / (o.wallMs / 1000), 'p99 ms': percentile(sorted, 0.99), 'conns opened': o.opened },
  };
}

function keysFor(sizes: Sizes): number[] {
  return scatteredKeys(Math.min(sizes.users, WORKERS * tasksPerWorker(sizes)), sizes.users);
}

const raw: Implementation = async ({ target, sizes, counter }) => {
  const keys = keysFor(sizes);
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      const stmt = db.prepare<[number], { id: number }>(RAW_SQL.userById);
      const task: Task = async (id) => {
        counter.add();
        return stmt.get(id);
      };
      return { run: () => drive(sizes, keys, task, () => 0), inspect, teardown: async () => void db.close() };
    }
    case 'postgres': {
      const pool = pgPool(target, DRIVER_POOL_MAX);
      let opened = 0;
      pool.on('connect', () => opened++);
      const text = pgPlaceholders(RAW_SQL.userById);
      const task: Task = async (id) => {
        const { rows } = await pool.query<{ id: number }>({ name: 'bench_user_by_id', text, values: [id] });
        counter.add();
        return rows[0];
      };
      return { run: () => drive(sizes, keys, task, () => opened), inspect, teardown: () => pool.end() };
    }
    case 'mysql': {
      const pool = mysqlPool(target, DRIVER_POOL_MAX);
      let opened = 0;
      pool.on('connection', () => opened++);
      const task: Task = async (id) => {
        const [rows] = await pool.execute(RAW_SQL.userById, [id]);
        counter.add();
        return (rows as { id: number }[])[0];
      };
      return { run: () => drive(sizes, keys, task, () => opened), inspect, teardown: () => pool.end() };
    }
  }
};

const athanor: Implementation = async (ctx) => {
  const keys = keysFor(ctx.sizes);
  const engine = benchEngine(ctx, ctx.target.id === 'sqlite' ? undefined : ATHANOR_POOL);
  let opened = 0;
  engine.on('connect', () => opened++); // pool events leave the statement fast path alone
  const task: Task = async (id) => (await engine.execute(select(users).where(users.id.eq(id))))[0];
  return { run: () => drive(ctx.sizes, keys, task, () => opened), inspect, teardown: () => engine.dispose() };
};

export const p1PoolConcurrency: Workload = {
  id: 'P1',
  title: '200 concurrent tasks, one PK SELECT each, pool 10 + 10 overflow',
  note: (db, sizes) =>
    `P1: ${WORKERS} concurrent workers × ${tasksPerWorker(sizes)} tasks each; ` +
    (db === 'sqlite'
      ? `raw = one better-sqlite3 handle shared by the workers, Athanor = the engine's default pool for a file (size 1, no overflow).`
      : `Athanor pool size ${ATHANOR_POOL.size} + overflow ${ATHANOR_POOL.maxOverflow}, driver pools max ${DRIVER_POOL_MAX}.`),
  expectedStatements: (sizes) => WORKERS * tasksPerWorker(sizes),
  implementations: { raw, athanor },
};
