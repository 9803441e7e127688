/**
 * The runner: for each database, seed the data, then for each workload set up every contender,
 * run each once while counting statements (that run is also the first warm-up), run the
 * warm-ups, then the timed runs interleaved (A B A B …) with a forced GC before each, and
 * tear everything down. Results every contender must agree on are checked after each run.
 */
import { seed, sizesFor } from './dataset';
import { type ContenderRunner, inProcessRunner, isolatedRunner } from './contender-runner';
import { implementationOf } from './model';
import type { BenchRecord, Contender, DbId, Implementation, Inspection, Sizes, Skipped, Workload } from './model';
import { type Progress, silentProgress } from './progress';
import { serverVersion } from './raw-drivers';
import { median, medianMetrics } from './stats';
import { ensureDatabase, resolveTarget, type Target, type TargetOverrides } from './targets';

/** Warm-up rounds at most, whatever `warmupMs` asks (a 10 ms workload is steady well before). */
const MAX_WARMUP_ROUNDS = 50;

export interface BenchPlan {
  readonly dbs: readonly DbId[];
  readonly workloads: readonly Workload[];
  readonly contenders: readonly Contender[];
  /** Timed runs per contender (default 5). */
  readonly runs: number;
  /** Untimed runs after the counting run (which already warms up). */
  readonly warmups: number;
  /** Then more untimed rounds until each contender has spent this long warming up (default 0). */
  readonly warmupMs?: number;
  readonly scale: number;
  readonly targets?: TargetOverrides;
  readonly progress?: Progress;
  /** Forced before every timed run when present (node --expose-gc). */
  readonly gc?: () => void;
  /** A database that cannot be reached fails the bench instead of being skipped. */
  readonly requireAll?: boolean;
  /** Each contender in a child process of its own (`--isolate`). */
  readonly isolate?: boolean;
}

export interface DatabaseReport {
  readonly db: DbId;
  /** Server or library version. */
  readonly server: string;
  readonly notes: readonly string[];
}

export interface BenchResult {
  readonly records: BenchRecord[];
  readonly skipped: Skipped[];
  readonly databases: DatabaseReport[];
  /** Statement counts that differ from what a workload implies (also printed). */
  readonly warnings: string[];
}

interface Entry {
  readonly contender: Contender;
  readonly runner: ContenderRunner;
  statements: number;
  check: string | undefined;
  readonly times: number[];
  readonly metrics: (Readonly<Record<string, number>> | undefined)[];
  rssMb: number;
}

function describeError(error: unknown): string {
  const e = error as { message?: string; code?: string; errors?: unknown[] } | null;
  if (e && !e.message && Array.isArray(e.errors) && e.errors.length > 0) return describeError(e.errors[0]);
  return e?.message || e?.code || String(error);
}

export async function runBench(plan: BenchPlan): Promise<BenchResult> {
  if (!Number.isInteger(plan.runs) || plan.runs < 1) throw new Error(`runs must be a positive integer (got ${plan.runs})`);
  const progress = plan.progress ?? silentProgress;
  const sizes = sizesFor(plan.scale);
  const result: BenchResult = { records: [], skipped: [], databases: [], warnings: [] };
  for (const db of plan.dbs) {
    const target = resolveTarget(db, plan.targets);
    let server: string;
    try {
      progress.update(`[${db}] preparing ${target.id === 'sqlite' ? target.file : target.url}`);
      await ensureDatabase(target);
      server = await serverVersion(target);
      progress.update(`[${db}] seeding ${sizes.users} users, ${sizes.posts} posts`);
      await seed(target, sizes);
    } catch (error) {
      if (plan.requireAll) throw new Error(`${db}: cannot prepare the bench database: ${describeError(error)}`, { cause: error });
      const reason = `database unavailable: ${describeError(error)}`;
      progress.log(`[${db}] skipped: ${reason}`);
      for (const w of plan.workloads) result.skipped.push({ db, workload: w.id, reason });
      continue;
    }
    const notes: string[] = [];
    for (const workload of plan.workloads) {
      const note = workload.note?.(db, sizes);
      if (note) notes.push(note);
      await runWorkload(plan, target, sizes, workload, result, progress);
    }
    result.databases.push({ db, server, notes });
  }
  progress.done();
  addRatios(result.records, plan.contenders);
  return result;
}

async function runWorkload(
  plan: BenchPlan,
  target: Target,
  sizes: Sizes,
  workload: Workload,
  result: BenchResult,
  progress: Progress,
): Promise<void> {
  const db = target.id;
  const where = `[${db}] ${workload.id}`;
  const chosen: { contender: Contender; implementation: Implementation }[] = [];
  for (const contender of plan.contenders) {
    const reason = workload.notApplicable?.(db, contender.id) ?? contender.notApplicable?.[workload.id];
    const implementation = implementationOf(workload, contender);
    if (reason !== undefined) result.skipped.push({ db, workload: workload.id, contender: contender.id, reason });
    else if (implementation === undefined) {
      const why = workload.missing?.[contender.id] ?? 'no implementation yet';
      result.skipped.push({ db, workload: workload.id, contender: contender.id, reason: why });
    } else chosen.push({ contender, implementation });
  }
  if (chosen.length === 0) return;

  const entries: Entry[] = [];
  try {
    for (const { contender, implementation } of chosen) {
      progress.update(`${where} · setting up ${contender.id}${plan.isolate ? ' (own process)' : ''}`);
      const runner = plan.isolate
        ? await isolatedRunner({ workload: workload.id, contender: contender.id, ctx: { target, sizes } })
        : await inProcessRunner(implementation, { target, sizes }, plan.gc);
      entries.push({ contender, runner, statements: 0, check: undefined, times: [], metrics: [], rssMb: 0 });
    }
    // The counting run: listeners on, untimed; it also warms caches and pools.
    for (const entry of entries) {
      progress.update(`${where} · counting statements · ${entry.contender.id}`);
      const counted = await entry.runner.count();
      entry.statements = counted.statements;
      entry.check = counted.inspection.check;
      checkStatements(workload, sizes, db, entry, result, progress);
    }
    agree(where, entries);
    // At least `warmups` rounds, then rounds for the contenders that have not yet spent
    // `warmupMs` warming up (see DEFAULT_WARMUP_MS), up to MAX_WARMUP_ROUNDS.
    const warmupMs = plan.warmupMs ?? 0;
    const warmed = entries.map(() => 0);
    for (let w = 0; w < plan.warmups || (w < MAX_WARMUP_ROUNDS && warmed.some((ms) => ms < warmupMs)); w++) {
      for (let i = 0; i < entries.length; i++) {
        if (w >= plan.warmups && warmed[i]! >= warmupMs) continue;
        const entry = entries[i]!;
        progress.update(`${where} · warm-up ${w + 1} · ${entry.contender.id}`);
        const start = performance.now();
        expectSame(where, entry, await entry.runner.warm());
        warmed[i]! += performance.now() - start;
      }
    }
    for (let r = 0; r < plan.runs; r++) {
      for (const entry of entries) {
        progress.update(`${where} · run ${r + 1}/${plan.runs} · ${entry.contender.id}`);
        const timed = await entry.runner.timed();
        expectSame(where, entry, timed.inspection);
        entry.times.push(timed.ms);
        entry.metrics.push(timed.inspection.metrics);
        entry.rssMb = Math.max(entry.rssMb, timed.rssMb);
      }
    }
  } finally {
    for (const entry of entries) {
      await entry.runner.teardown().catch((error: unknown) => progress.log(`${where}: teardown of ${entry.contender.id} failed: ${describeError(error)}`));
    }
  }
  for (const entry of entries) {
    result.records.push({
      db,
      workload: workload.id,
      contender: entry.contender.id,
      medianMs: median(entry.times),
      minMs: Math.min(...entry.times),
      maxMs: Math.max(...entry.times),
      runs: entry.times.length,
      statements: entry.statements,
      rssMb: Math.round(entry.rssMb * 10) / 10,
      ...(entry.metrics.some((m) => m !== undefined) ? { metrics: medianMetrics(entry.metrics) } : {}),
    });
  }
  progress.log(
    `${where}: ` + entries.map((e) => `${e.contender.id} ${median(e.times).toFixed(1)} ms`).join(', '),
  );
}

function checkStatements(workload: Workload, sizes: Sizes, db: DbId, entry: Entry, result: BenchResult, progress: Progress): void {
  const expected = workload.expectedStatements?.(sizes, db, entry.contender.id);
  if (expected === undefined || expected === entry.statements) return;
  const warning = `[${db}] ${workload.id}: ${entry.contender.id} issued ${entry.statements} statements per run; the workload implies ${expected}`;
  result.warnings.push(warning);
  progress.log(`warning: ${warning}`);
}

/** Every contender must produce the same result (else one of them did not do the work). */
function agree(where: string, entries: readonly Entry[]): void {
  const first = entries[0]!;
  for (const entry of entries.slice(1)) {
    if (entry.check !== first.check) {
      throw new Error(`${where}: ${entry.contender.id} returned "${entry.check}" but ${first.contender.id} returned "${first.check}"`);
    }
  }
}

function expectSame(where: string, entry: Entry, inspection: Inspection): void {
  if (inspection.check !== entry.check) {
    throw new Error(`${where}: ${entry.contender.id} returned "${inspection.check}" in a later run, "${entry.check}" in the first`);
  }
}

/** ratio = median / the baseline contender's median on the same database and workload. */
function addRatios(records: BenchRecord[], contenders: readonly Contender[]): void {
  const baseline = contenders.find((c) => c.baseline);
  if (!baseline) return;
  for (let i = 0; i < records.length; i++) {
    const r = records[i]!;
    const base = records.find((b) => b.db === r.db && b.workload === r.workload && b.contender === baseline.id);
    if (base && base.medianMs > 0) records[i] = { ...r, ratio: r.medianMs / base.medianMs };
  }
}
