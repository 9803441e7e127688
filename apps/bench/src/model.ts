/**
 * The bench's vocabulary. A workload (W4-core, P1, …) is one file under workloads/; a
 * contender (raw, athanor, later the peer ORMs) is one file under contenders/. Either side may
 * hold the implementation of a (workload, contender) pair: the workload's own
 * `implementations` first, else the contender's (see `implementationOf`). So a new workload
 * brings its raw and Athanor code with it, and a peer ORM brings its code for every workload.
 */
import type { DbId, Target } from './targets';
import type { StatementCounter } from './statement-counter';

export type { DbId } from './targets';

/** Data sizes for one scale factor (`--scale`); every workload sizes itself from these. */
export interface Sizes {
  readonly scale: number;
  /** Rows in the users table (10,000 at scale 1). */
  readonly users: number;
  /** Rows in the posts table (50,000 at scale 1). */
  readonly posts: number;
  /** Posts per user, seeded and created by W1 (5). */
  readonly postsPerUser: number;
  /** W1: users created per run (10,000 at scale 1), each with `postsPerUser` posts. */
  readonly w1Users: number;
  /** W3: users loaded with their posts (the first 1,000 by id at scale 1). */
  readonly w3Users: number;
  /** W4 and W4-core: sequential primary-key reads (5,000 at scale 1). */
  readonly w4Reads: number;
  /** W4: reads per session before a fresh one (100). */
  readonly w4SessionReads: number;
  /** N1: rows in `n1_items`, all held by the session (100,000 at scale 1). */
  readonly n1Rows: number;
}

/** What a workload's setup gets. */
export interface SetupContext {
  readonly target: Target;
  readonly sizes: Sizes;
  /**
   * Statements issued. Raw code calls `counter.add()` once per driver call; Athanor code
   * registers its engine with `counter.watch(engine)` and the counter listens to the
   * engine's `beforeExecute` event during the counting run only (the timed runs keep the
   * engine's listener-free fast path).
   */
  readonly counter: StatementCounter;
}

/** Untimed facts about one run's result. */
export interface Inspection {
  /** A value every contender must agree on (rows read, sum of ids…): proves the work was done. */
  readonly check?: string;
  /** Workload-specific numbers (tasks/s, p99 ms…); the table shows the median over runs. */
  readonly metrics?: Readonly<Record<string, number>>;
}

/** One contender's prepared instance of a workload. */
export interface WorkloadRun<T = unknown> {
  /** The timed part. Resolves with whatever `inspect` needs (it is kept alive until then). */
  run(): Promise<T>;
  /**
   * Untimed, before every run (the counting run, warm-ups and timed runs alike): puts the
   * database back the way the workload expects it (W1 deletes the rows the last run added).
   */
  reset?(): Promise<void>;
  /** Called after the clock stopped. */
  inspect?(result: T): Inspection;
  /** Close what setup opened. */
  teardown(): Promise<void>;
}

/** How a contender performs a workload on a database. */
export type Implementation = (ctx: SetupContext) => Promise<WorkloadRun<any>>;

export interface Workload {
  /** As typed on the command line: 'W4-core', 'P1'… */
  readonly id: string;
  readonly title: string;
  /** Why the workload does not run for a contender on a database, or undefined when it does. */
  notApplicable?(db: DbId, contender: string): string | undefined;
  /** How the workload runs on a database, when that needs saying next to its table. */
  note?(db: DbId, sizes: Sizes): string | undefined;
  /** The statements one run issues, per contender, when the workload implies a number. */
  expectedStatements?(sizes: Sizes, db: DbId, contender: string): number | undefined;
  /** Implementations keyed by contender id. */
  readonly implementations: Readonly<Partial<Record<string, Implementation>>>;
  /** Why a contender has no implementation here (printed instead of a row). */
  readonly missing?: Readonly<Partial<Record<string, string>>>;
}

export interface Contender {
  readonly id: string;
  readonly label: string;
  /** The limit the others are compared with (the raw driver). */
  readonly baseline?: boolean;
  /** Implementations keyed by workload id (for contenders added after the workloads). */
  readonly implementations?: Readonly<Partial<Record<string, Implementation>>>;
  /** Workloads that make no sense for this contender, keyed by workload id, with the reason (printed as a skip). */
  readonly notApplicable?: Readonly<Partial<Record<string, string>>>;
}

/** Where a contender's code for a workload lives, if anywhere. */
export function implementationOf(workload: Workload, contender: Contender): Implementation | undefined {
  return workload.implementations[contender.id] ?? contender.implementations?.[workload.id];
}

/** One line of `--json` output: database × workload × contender. */
export interface BenchRecord {
  readonly db: DbId;
  readonly workload: string;
  readonly contender: string;
  readonly medianMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly runs: number;
  /** Statements one run issues. */
  readonly statements: number;
  /** Peak resident set size (process-wide, MB) seen during this contender's runs. */
  readonly rssMb: number;
  /** Median over runs of the workload's own metrics (P1: tasks/s, p99 ms). */
  readonly metrics?: Readonly<Record<string, number>>;
  /** medianMs / the baseline's medianMs on the same database and workload. */
  readonly ratio?: number;
}

/** A (database, workload, contender) that was not run, and why. */
export interface Skipped {
  readonly db: DbId;
  readonly workload: string;
  readonly contender?: string;
  readonly reason: string;
}
