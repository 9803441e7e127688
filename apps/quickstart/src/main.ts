/**
 * `pnpm quickstart`: Athanor Core on SQLite, nothing else to install.
 *
 * Creates apps/quickstart/.work/quickstart.db (git-ignored), then runs the steps in
 * quickstart.ts and prints each statement and result. `--url <database url>` runs the same
 * steps on another database whose dialect package the app can load (it drops and recreates
 * the tables `customers` and `orders` there), e.g. `--url sqlite::memory:`.
 */
import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { AthanorError } from '@athanor/core';
import { formatTable } from './format';
import { run } from './quickstart';
import type { Reporter } from './quickstart';

const SHOWN_PARAM_LENGTH = 40;
const SHOWN_PARAMS = 8;

function showParam(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (typeof value === 'string') {
    return JSON.stringify(value.length > SHOWN_PARAM_LENGTH ? `${value.slice(0, SHOWN_PARAM_LENGTH)}…` : value);
  }
  if (typeof value === 'bigint') return `${value}n`;
  if (value instanceof Date) return value.toISOString();
  return String(value);
}

const indent = (text: string, prefix = '  '): string =>
  text
    .split('\n')
    .map((line) => prefix + line)
    .join('\n');

const consoleReporter: Reporter = {
  step: (title) => console.log(`\n== ${title}`),
  sql: (sql, params) => {
    const listed = params.slice(0, SHOWN_PARAMS).map(showParam);
    if (params.length > SHOWN_PARAMS) listed.push(`… ${params.length - SHOWN_PARAMS} more`);
    const shown = params.length === 0 ? '' : `\n       params: [${listed.join(', ')}]`;
    console.log(`  SQL> ${sql}${shown}`);
  },
  table: (rows) => console.log(`\n${indent(formatTable(rows))}\n`),
  note: (text) => console.log(`  -> ${text}`),
};

function urlFromArgs(argv: readonly string[], fallback: string): string {
  const i = argv.indexOf('--url');
  if (i < 0) return fallback;
  const url = argv[i + 1];
  if (!url) throw new Error('--url needs a database URL, e.g. --url postgres://postgres@127.0.0.1:5432/app');
  return url;
}

async function main(): Promise<void> {
  const workDir = resolve(__dirname, '..', '.work');
  mkdirSync(workDir, { recursive: true });
  const url = urlFromArgs(process.argv.slice(2), `sqlite:${join(workDir, 'quickstart.db')}`);
  console.log(`Athanor quickstart on ${url.replace(/\/\/([^:/@]*):[^@/]*@/, '//$1:***@')}`);
  const result = await run({ url, reporter: consoleReporter });
  console.log(`\nDone: ${result.statements.length} statements ran. Run it again any time: it starts from empty tables.`);
}

main().then(
  () => {
    process.exitCode = 0;
  },
  (error: unknown) => {
    console.error('\nThe quickstart failed.');
    if (error instanceof AthanorError) {
      console.error(`${error.name} [${error.code}]: ${error.message}`);
      if (error.sql) console.error(`While running: ${error.sql}`);
      if (error.cause instanceof Error) console.error(`Caused by: ${error.cause.message}`);
    } else {
      console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
    }
    process.exitCode = 1;
  },
);
