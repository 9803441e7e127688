/**
 * `pnpm bench`: Athanor against the raw drivers on SQLite, PostgreSQL and MariaDB/MySQL.
 * Run with node --expose-gc (the package script does) so every timed run starts after a GC.
 */
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs, USAGE } from './cli-options';
import { currentLoad, describeEnvironment, environment } from './environment';
import { exposedGc } from './measure';
import { terminalProgress } from './progress';
import { runBench } from './runner';
import { formatReport } from './table-printer';

async function main(): Promise<number> {
  const options = parseArgs(process.argv.slice(2));
  if (options.help) {
    console.log(USAGE);
    return 0;
  }
  const gc = exposedGc();
  const env = environment();
  console.log(`athanor bench · ${describeEnvironment(env)}`);
  console.log(
    `runs ${options.runs} (+ counting run, ${options.warmups} warm-up${options.warmupMs > 0 ? ` and ≥ ${options.warmupMs} ms` : ''}) · scale ${options.scale} · ` +
      `${options.contenders.map((c) => c.id).join(' vs ')}` +
      (options.isolate ? ' · a process per contender' : '') +
      (gc ? '' : ' · WARNING: no --expose-gc, runs are not preceded by a forced GC'),
  );
  const result = await runBench({
    dbs: options.dbs,
    workloads: options.workloads,
    contenders: options.contenders,
    runs: options.runs,
    warmups: options.warmups,
    warmupMs: options.warmupMs,
    scale: options.scale,
    progress: terminalProgress(),
    gc,
    isolate: options.isolate,
    requireAll: /^(1|true|yes)$/i.test(process.env.ATHANOR_REQUIRE_ALL ?? ''),
  });
  console.log(`\nload average at the end: ${currentLoad()} (on ${env.cores} cores; other processes skew the times)\n`);
  console.log(
    formatReport(result, (db, server) => (options.markdown ? `### ${db} — ${server}` : `== ${db} (${server})`), options.markdown),
  );
  if (options.json) {
    const file = resolve(process.env.INIT_CWD ?? process.cwd(), options.json);
    writeFileSync(file, `${JSON.stringify(result.records, null, 2)}\n`);
    console.log(`wrote ${result.records.length} records to ${file}`);
  }
  return result.warnings.length > 0 ? 1 : 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(error instanceof Error ? (error.stack ?? error.message) : error);
    process.exitCode = 1;
  },
);
