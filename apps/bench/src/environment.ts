/** What machine and which versions a result came from (printed, and in RESULTS.md). */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';

const PACKAGES = ['better-sqlite3', 'pg', 'mysql2'] as const;

function versionOf(name: string): string {
  try {
    const path = require.resolve(`${name}/package.json`);
    return (JSON.parse(readFileSync(path, 'utf8')) as { version: string }).version;
  } catch {
    return '?';
  }
}

/**
 * The commit the tree is at, and whether it has uncommitted changes. Read-only: with
 * GIT_OPTIONAL_LOCKS=0 `git status` does not even refresh the index.
 */
function revision(): string {
  try {
    const env = { ...process.env, GIT_OPTIONAL_LOCKS: '0' };
    const git = (...args: string[]): string =>
      execFileSync('git', args, { cwd: __dirname, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).trim();
    const head = git('rev-parse', '--short', 'HEAD');
    return git('status', '--porcelain').length > 0 ? `${head} + uncommitted changes` : head;
  } catch {
    return 'unknown';
  }
}

export interface Environment {
  readonly date: string;
  readonly revision: string;
  readonly node: string;
  readonly cpu: string;
  readonly cores: number;
  readonly memoryGb: number;
  readonly packages: Readonly<Record<string, string>>;
  /** 1-minute load average when the bench started: other work on the machine skews results. */
  readonly load: number;
  /**
   * NODE_OPTIONS, which the isolated contenders inherit too: a V8 setting such as
   * `--max-semi-space-size` changes every contender's times (see RESULTS.md).
   */
  readonly nodeOptions: string | undefined;
}

/** The 1-minute load average, rounded. */
export function currentLoad(): number {
  return Math.round(loadavg()[0]! * 100) / 100;
}

export function environment(): Environment {
  const list = cpus();
  return {
    date: new Date().toISOString(),
    revision: revision(),
    node: process.version,
    cpu: list[0]?.model.trim() ?? 'unknown',
    cores: list.length,
    memoryGb: Math.round((totalmem() / 1024 ** 3) * 10) / 10,
    packages: Object.fromEntries(PACKAGES.map((p) => [p, versionOf(p)])),
    load: currentLoad(),
    nodeOptions: process.env.NODE_OPTIONS?.trim() || undefined,
  };
}

export function describeEnvironment(env: Environment): string {
  const packages = Object.entries(env.packages).map(([name, version]) => `${name} ${version}`).join(', ');
  const options = env.nodeOptions === undefined ? '' : ` · NODE_OPTIONS ${env.nodeOptions}`;
  return `${env.date} · ${env.revision} · node ${env.node}${options} · ${env.cpu} × ${env.cores} cores · ${env.memoryGb} GB · load ${env.load} · ${packages}`;
}
