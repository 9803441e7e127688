import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { IntegrityError, UniqueViolationError } from '@athanor/core';
import { formatTable } from '../src/format';
import { run } from '../src/quickstart';
import type { Reporter } from '../src/quickstart';

describe('quickstart', () => {
  test('runs every step on in-memory SQLite and returns the results it printed', async () => {
    const result = await run({ url: 'sqlite::memory:' });

    expect(result.customersInserted).toBe(6);
    expect(result.ordersInserted).toBe(15);

    // More than 2 orders, biggest spender first; sums are exact decimal text.
    expect(result.topCustomers).toEqual([
      { name: 'Grace Hopper', email: 'grace@example.com', orders: 5, spent: '1119.25' },
      { name: 'Ada Lovelace', email: 'ada@example.com', orders: 4, spent: '547.75' },
      { name: 'Alan Turing', email: 'alan@example.com', orders: 3, spent: '359.25' },
    ]);

    // The upsert updated Ada in place (same row, first by id) and added Margaret at the end.
    expect(result.afterUpsert).toHaveLength(7);
    expect(result.afterUpsert[0]).toEqual({ email: 'ada@example.com', name: 'Ada King', country: 'FR' });
    expect(result.afterUpsert[6]).toEqual({ email: 'margaret@example.com', name: 'Margaret Hamilton', country: 'US' });
    expect(result.afterUpsert.filter((c) => c.email === 'ada@example.com')).toHaveLength(1);

    // The failed transaction left nothing behind, although its first insert had succeeded.
    const { error, before, after } = result.rollback;
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect(error).toBeInstanceOf(IntegrityError);
    expect(error.driverCode).toBe('SQLITE_CONSTRAINT_UNIQUE');
    expect(error.sql).toMatch(/^INSERT INTO "customers"/);
    expect(before).toEqual({ customers: 7, orders: 15 });
    expect(after).toEqual(before);
  });

  test('sends one multi-row INSERT per table and brackets the failed transaction with BEGIN … ROLLBACK', async () => {
    const { statements } = await run();
    const inserts = statements.filter((s) => s.startsWith('INSERT INTO'));
    // customers batch, orders batch, upsert, then the two inserts of the failed transaction
    expect(inserts).toHaveLength(5);
    expect(inserts[0]!.match(/\(\?, \?, \?, \?\)/g)).toHaveLength(6);
    expect(inserts[1]!.match(/\(\?, \?, \?\)/g)).toHaveLength(15);
    expect(inserts[2]).toContain('ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name", "country" = EXCLUDED."country"');
    const begin = statements.findIndex((s) => s.startsWith('BEGIN'));
    expect(begin).toBeGreaterThan(0);
    expect(statements.slice(begin, begin + 4).map((s) => s.split(' (')[0])).toEqual([
      'BEGIN IMMEDIATE',
      'INSERT INTO "orders"',
      'INSERT INTO "customers"',
      'ROLLBACK',
    ]);
    expect(statements).not.toContain('COMMIT');
  });

  test('the order-count threshold is a parameter', async () => {
    const result = await run({ minOrders: 3 });
    expect(result.topCustomers.map((c) => c.name)).toEqual(['Grace Hopper', 'Ada Lovelace']);
  });

  test('runs twice on the same database file and starts from empty tables each time', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'athanor-quickstart-'));
    try {
      const url = `sqlite:${join(dir, 'quickstart.db')}`;
      const first = await run({ url });
      const second = await run({ url });
      expect(second.topCustomers).toEqual(first.topCustomers);
      expect(second.rollback.after).toEqual({ customers: 7, orders: 15 });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test('reports each step, statement and table to its reporter', async () => {
    const seen: string[] = [];
    const reporter: Reporter = {
      step: (title) => seen.push(`step ${title}`),
      sql: (sql) => seen.push(`sql ${sql}`),
      table: (rows) => seen.push(`table ${rows.length}`),
      note: (text) => seen.push(`note ${text}`),
    };
    await run({ reporter });
    expect(seen.filter((s) => s.startsWith('step '))).toHaveLength(5);
    expect(seen).toContain('table 3');
    expect(seen.filter((s) => s.startsWith('sql ')).length).toBeGreaterThanOrEqual(15);
    expect(seen.some((s) => s.startsWith('note Rolled back after UniqueViolationError'))).toBe(true);
  });
});

describe('formatTable', () => {
  test('aligns columns, right-aligns numbers and shows NULL', () => {
    const text = formatTable([
      { name: 'Grace', spent: '1119.25', note: null },
      { name: 'Al', spent: '9.50', note: 'x' },
    ]);
    expect(text.split('\n')).toEqual([
      'name  |   spent | note',
      '------+---------+-----',
      'Grace | 1119.25 | NULL',
      'Al    |    9.50 | x',
      '(2 rows)',
    ]);
  });
});

/**
 * The README's Core tour is one program split over several ```ts blocks. Put them back
 * together (imports first, the rest inside a function), run the result, and check what the
 * README says the snippets produce.
 */
function readmeTourModule(): string {
  const readme = readFileSync(resolve(__dirname, '../../../README.md'), 'utf8');
  const start = readme.indexOf('## A tour of Core');
  const end = readme.indexOf('\n## ', start + 1);
  expect(start).toBeGreaterThan(0);
  const tour = readme.slice(start, end);
  const blocks = [...tour.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);
  expect(blocks.length).toBeGreaterThanOrEqual(6);
  const code = blocks.join('\n');
  const importPattern = /^import\s(?:[\s\S]*?\sfrom\s)?'[^']+';[^\n]*$/gm;
  const imports = code.match(importPattern) ?? [];
  const body = code.replace(importPattern, '');
  return `${imports.join('\n')}\nexport async function tour() {\n${body}\nreturn { ada, authors, everyone, rowCount, titles, lengths };\n}\n`;
}

describe('README', () => {
  test('the Core tour runs and yields what the README says', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'athanor-readme-'));
    try {
      const file = join(dir, 'tour.ts');
      writeFileSync(file, readmeTourModule());
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const { tour } = require(file) as { tour: () => Promise<Record<string, any>> };
      const out = await tour();
      expect(out.ada).toEqual({ id: 1 });
      expect(out.authors).toEqual([{ name: 'Ada King', posts: 2, best: '9.50' }]);
      expect(out.everyone).toHaveLength(1);
      expect(out.everyone[0].createdAt).toBeInstanceOf(Date);
      expect(out.rowCount).toBe(1);
      expect(out.titles.map((t: { title: string }) => t.title)).toEqual(['Notes on the Analytical Engine']);
      expect(out.lengths).toEqual([
        { name: 'Ada King', letters: 8 },
        { name: 'Alan', letters: 4 },
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
