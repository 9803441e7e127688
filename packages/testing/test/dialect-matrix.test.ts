import { sql } from '@athanor/core';
import type { Engine } from '@athanor/core';
import {
  describeDialect,
  describeEachDialect,
  describeStatuses,
  dialectStatusesSync,
  isTransactionControl,
  MATRIX_DIALECTS,
  planMatrix,
  STATUS_ENV,
} from '@athanor/testing';
import type { DialectContext, DialectStatus } from '@athanor/testing';
import globalSetup from '../src/global-setup';

describe('the probe recorded by the global setup', () => {
  test('lists every dialect, SQLite always available', () => {
    const statuses = dialectStatusesSync();
    expect(statuses.map((s) => s.name)).toEqual(['sqlite', 'postgres', 'mysql']);
    expect(statuses[0].available).toBe(true);
    for (const s of statuses) expect(s.available || (s.reason ?? '').length > 0).toBe(true);
    expect(process.env[STATUS_ENV]).toBeDefined();
  });

  test('describes what runs and what is skipped and why', () => {
    const text = describeStatuses([
      { name: 'sqlite', available: true, url: 'sqlite::memory:' },
      { name: 'postgres', available: false, url: 'postgres://u:secret@h/db', reason: 'connect ECONNREFUSED' },
    ]);
    expect(text).toContain('sqlite: runs');
    expect(text).toContain('postgres: SKIPPED');
    expect(text).toContain('connect ECONNREFUSED');
    expect(text).not.toContain('secret');
  });
});

describe('planMatrix', () => {
  const statuses: DialectStatus[] = [
    { name: 'sqlite', available: true, url: 'sqlite::memory:' },
    { name: 'postgres', available: false, url: 'postgres://h/db', reason: 'ECONNREFUSED' },
    { name: 'mysql', available: true, url: 'mysql://h/db' },
  ];
  test('runs what answers and skips what does not', () => {
    expect(planMatrix(statuses, {}, false).map((p) => [p.status.name, p.action])).toEqual([
      ['sqlite', 'run'],
      ['postgres', 'skip'],
      ['mysql', 'run'],
    ]);
  });
  test('fails what does not answer when every server is required', () => {
    expect(planMatrix(statuses, {}, true).map((p) => p.action)).toEqual(['run', 'fail', 'run']);
  });
  test('keeps only the dialects asked for', () => {
    expect(planMatrix(statuses, { only: ['mysql'] }, false).map((p) => p.status.name)).toEqual(['mysql']);
  });
});

describe('the global setup', () => {
  const saved = { ...process.env };
  afterEach(() => {
    for (const key of ['ATHANOR_PG_URL', 'ATHANOR_MYSQL_URL', 'ATHANOR_REQUIRE_ALL', STATUS_ENV]) {
      if (saved[key] === undefined) delete process.env[key];
      else process.env[key] = saved[key];
    }
  });
  const silenced = async (fn: () => Promise<void>) => {
    const write = jest.spyOn(process.stderr, 'write').mockImplementation(() => true);
    try {
      await fn();
    } finally {
      write.mockRestore();
    }
  };

  test('records a server that does not answer as skipped, with the reason', async () => {
    process.env.ATHANOR_PG_URL = 'postgres://postgres@127.0.0.1:1/nowhere';
    delete process.env.ATHANOR_REQUIRE_ALL;
    await silenced(() => globalSetup());
    const pg = (JSON.parse(process.env[STATUS_ENV] ?? '[]') as DialectStatus[]).find((s) => s.name === 'postgres');
    expect(pg).toMatchObject({ available: false, url: 'postgres://postgres@127.0.0.1:1/nowhere' });
    expect(pg?.reason).toMatch(/ECONNREFUSED/);
  });

  test('fails the run when ATHANOR_REQUIRE_ALL is set and a server does not answer', async () => {
    process.env.ATHANOR_MYSQL_URL = 'mysql://root@127.0.0.1:1/nowhere';
    process.env.ATHANOR_REQUIRE_ALL = '1';
    await expect(silenced(() => globalSetup())).rejects.toThrow(/ATHANOR_REQUIRE_ALL.*mysql/s);
  });
});

const seen: Record<string, string[]> = {};

describeEachDialect('isolated databases', (ctx) => {
  let declaredTooEarly: unknown;
  try {
    void ctx.url;
  } catch (error) {
    declaredTooEarly = error;
  }

  test('the context names its dialect and refuses url before setup', () => {
    expect(declaredTooEarly).toBeInstanceOf(Error);
    expect(ctx.dialect).toBe(MATRIX_DIALECTS[ctx.name]);
    const scheme = ctx.name === 'mysql' ? ctx.dialect.name : ctx.name;
    expect(ctx.url).toMatch(ctx.name === 'sqlite' ? /^sqlite:/ : new RegExp(`^${scheme}://`));
    expect(ctx.config.scheme).toBe(scheme);
    expect(ctx.dialect.adapter.name).toBe(ctx.name === 'mysql' ? 'mariadb' : ctx.name);
  });

  test('a table created here is not visible from the next block', async () => {
    (seen[ctx.name] ??= []).push(ctx.url);
    const conn = await ctx.connect();
    await conn.execute('CREATE TABLE only_here (n INTEGER)', []);
    await conn.execute('INSERT INTO only_here VALUES (1)', []);
    // Another connection to the same URL sees it: the isolation is per block, not per connection.
    const other = await ctx.connect();
    expect((await other.execute('SELECT n FROM only_here', [])).rows).toEqual([[1]]);
  });
});

describeEachDialect('isolated databases, second block', (ctx) => {
  test('starts empty, at a different URL', async () => {
    expect(seen[ctx.name]).toHaveLength(1);
    expect(ctx.url).not.toBe(seen[ctx.name][0]);
    const conn = await ctx.connect();
    const error = await conn.execute('SELECT n FROM only_here', []).then(() => undefined, (e: unknown) => e);
    expect(error).toBeDefined();
  });
});

describeEachDialect('engine factory and statement recorder', (ctx: DialectContext) => {
  let engine: Engine;
  beforeAll(() => {
    engine = ctx.createEngine();
  });

  test('the engine runs on the isolated database', async () => {
    await engine.execute(sql`CREATE TABLE things (id INTEGER PRIMARY KEY, label VARCHAR(20))`);
    await engine.execute(sql`INSERT INTO things (id, label) VALUES (${1}, ${'one'})`);
    const other = await ctx.connect();
    expect((await other.execute('SELECT id, label FROM things', [])).rows).toEqual([[1, 'one']]);
  });

  test('the recorder counts statements and keeps their SQL and parameters', async () => {
    const recorder = ctx.recordStatements(engine);
    await engine.execute(sql`SELECT label FROM things WHERE id = ${1}`);
    await engine.execute(sql`SELECT label FROM things WHERE id = ${2}`);
    expect(recorder.count).toBe(2);
    expect(recorder.sql[0]).toMatch(/^SELECT label FROM things WHERE id = (\?|\$1)$/);
    expect(recorder.statements[1].params).toEqual([2]);
    const { statements } = await recorder.during(() => engine.execute(sql`SELECT 1`));
    expect(statements).toHaveLength(1);
    recorder.stop();
    await engine.execute(sql`SELECT 2`);
    expect(recorder.count).toBe(1);
  });

  test('the recorder leaves transaction control out of its count', async () => {
    const recorder = ctx.recordStatements(engine);
    await engine.transaction(async (tx) => {
      await tx.execute(sql`SELECT 1`);
    });
    expect(recorder.count).toBe(1);
    expect(recorder.all.length).toBeGreaterThan(1);
  });
});

describeDialect('sqlite', 'describeDialect', (ctx) => {
  test('runs for the one dialect named', () => {
    expect(ctx.name).toBe('sqlite');
  });
});

describe('isTransactionControl', () => {
  test.each([
    ['BEGIN', true],
    ['BEGIN IMMEDIATE', true],
    ['start transaction read only', true],
    ['SET TRANSACTION ISOLATION LEVEL SERIALIZABLE', true],
    ['COMMIT', true],
    ['ROLLBACK TO SAVEPOINT sp1', true],
    ['RELEASE SAVEPOINT sp1', true],
    ['SAVEPOINT sp1', true],
    ['SELECT 1', false],
    ['INSERT INTO begin_log VALUES (1)', false],
    ['UPDATE t SET committed = 1', false],
  ])('%s → %s', (statement, expected) => {
    expect(isTransactionControl(statement)).toBe(expected);
  });
});
