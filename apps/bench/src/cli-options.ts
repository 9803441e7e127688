/** `pnpm bench` options. */
import { CONTENDERS, contenderById } from './contenders';
import type { Contender, Workload } from './model';
import { DB_IDS, type DbId } from './targets';
import { WORKLOADS, workloadById } from './workloads';

export interface CliOptions {
  readonly dbs: DbId[];
  readonly workloads: Workload[];
  readonly contenders: Contender[];
  readonly runs: number;
  readonly warmups: number;
  /** Warm-up continues until each contender has spent this long in it (at most MAX_WARMUP_ROUNDS rounds). */
  readonly warmupMs: number;
  readonly scale: number;
  readonly json: string | undefined;
  readonly markdown: boolean;
  readonly smoke: boolean;
  /** Each contender in a child process of its own. */
  readonly isolate: boolean;
  readonly help: boolean;
}

/** `--smoke`: tiny data, one run, no extra warm-up (the counting run still warms up). */
export const SMOKE = { scale: 0.01, runs: 1, warmups: 0, warmupMs: 0 } as const;

/**
 * Warm-up time per contender by default: JIT-compiled code reaches its steady speed only after
 * a number of runs, more for a large code path than for a driver loop (measured: Athanor's W3
 * on SQLite 9.5–12 ms over its first ten runs, 8.5 from there on; raw's loop is steady after
 * one). A count of warm-ups fits one workload size only; a time fits all of them.
 */
export const DEFAULT_WARMUP_MS = 500;

export const USAGE = `Usage: pnpm bench [options]

  --db LIST          databases: ${DB_IDS.join(',')} (default: all)
  --workload LIST    workloads: ${WORKLOADS.map((w) => w.id).join(',')} (default: all)
  --contender LIST   contenders: ${CONTENDERS.map((c) => c.id).join(',')} (default: all)
  --runs N           timed runs per contender (default 5)
  --warmup N         untimed runs after the statement-counting run (default 1)
  --warmup-ms N      then more, until each contender has warmed up this long (default ${DEFAULT_WARMUP_MS}; 0: none)
  --scale F          data size factor: 1 = 10k users, 50k posts (default 1)
  --json FILE        write the records as JSON
  --markdown         print the tables as Markdown (for RESULTS.md)
  --isolate          run each contender in a child process of its own (still interleaved), so
                     one ORM's garbage does not slow the next one's runs
  --smoke            scale ${SMOKE.scale}, ${SMOKE.runs} run, no extra warm-up: every contender on every database
  --help

Servers: ATHANOR_BENCH_PG_URL (default postgres://postgres@127.0.0.1:5432/athanor_bench),
ATHANOR_BENCH_MYSQL_URL (default mariadb://root@127.0.0.1:3306/athanor_bench); SQLite uses
apps/bench/.work/athanor_bench.sqlite (ATHANOR_BENCH_SQLITE_FILE). A server that does not
answer is skipped, unless ATHANOR_REQUIRE_ALL=1.`;

function list<T>(raw: string, what: string, find: (id: string) => T | undefined, known: readonly string[]): T[] {
  const out: T[] = [];
  for (const id of raw.split(',').map((s) => s.trim()).filter(Boolean)) {
    const found = find(id);
    if (found === undefined) throw new Error(`Unknown ${what} '${id}'; known: ${known.join(', ')}`);
    if (!out.includes(found)) out.push(found);
  }
  if (out.length === 0) throw new Error(`--${what} needs at least one name`);
  return out;
}

function positive(raw: string, flag: string, integer: boolean, allowZero = false): number {
  const value = Number(raw);
  const ok = Number.isFinite(value) && (allowZero ? value >= 0 : value > 0) && (!integer || Number.isInteger(value));
  if (!ok) throw new Error(`${flag} takes a ${integer ? 'whole' : 'positive'} number${allowZero ? ' ≥ 0' : ''} (got '${raw}')`);
  return value;
}

export function parseArgs(argv: readonly string[]): CliOptions {
  const values = new Map<string, string>();
  const flags = new Set<string>();
  const takesValue = new Set(['--db', '--workload', '--contender', '--runs', '--warmup', '--warmup-ms', '--scale', '--json']);
  for (let i = 0; i < argv.length; i++) {
    let arg = argv[i]!;
    if (arg === '--') continue; // pnpm may pass it through
    let inline: string | undefined;
    const eq = arg.indexOf('=');
    if (arg.startsWith('--') && eq > 0) {
      inline = arg.slice(eq + 1);
      arg = arg.slice(0, eq);
    }
    if (takesValue.has(arg)) {
      const value = inline ?? argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value`);
      values.set(arg, value);
    } else if (arg === '--smoke' || arg === '--markdown' || arg === '--isolate' || arg === '--help' || arg === '-h') {
      flags.add(arg === '-h' ? '--help' : arg);
    } else {
      throw new Error(`Unknown option '${argv[i]}'\n\n${USAGE}`);
    }
  }
  const smoke = flags.has('--smoke');
  const get = (flag: string): string | undefined => values.get(flag);
  return {
    dbs: get('--db') ? list(get('--db')!, 'db', (id) => DB_IDS.find((d) => d === id), DB_IDS) : [...DB_IDS],
    workloads: get('--workload') ? list(get('--workload')!, 'workload', workloadById, WORKLOADS.map((w) => w.id)) : [...WORKLOADS],
    contenders: get('--contender') ? list(get('--contender')!, 'contender', contenderById, CONTENDERS.map((c) => c.id)) : [...CONTENDERS],
    runs: get('--runs') ? positive(get('--runs')!, '--runs', true) : smoke ? SMOKE.runs : 5,
    warmups: get('--warmup') ? positive(get('--warmup')!, '--warmup', true, true) : smoke ? SMOKE.warmups : 1,
    warmupMs: get('--warmup-ms') ? positive(get('--warmup-ms')!, '--warmup-ms', true, true) : smoke ? SMOKE.warmupMs : DEFAULT_WARMUP_MS,
    scale: get('--scale') ? positive(get('--scale')!, '--scale', false) : smoke ? SMOKE.scale : 1,
    json: get('--json'),
    markdown: flags.has('--markdown'),
    smoke,
    isolate: flags.has('--isolate'),
    help: flags.has('--help'),
  };
}
