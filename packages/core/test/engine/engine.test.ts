import {
  ConnectionError,
  createEngine,
  type Engine,
  type EngineEvents,
  InvalidArgumentError,
  PoolClosedError,
  ProgrammingError,
  UniqueViolationError,
} from '@athanor/core';
import '@athanor/sqlite';
import { MemoryLogger, q, tempDir } from './helpers';
import { recordingSqlite } from './sqlite-support';

describe('Engine on SQLite', () => {
  const tmp = tempDir();
  let engine: Engine;
  beforeEach(async () => {
    engine = createEngine(`sqlite:${tmp.file(`e${Date.now()}${Math.random()}.db`)}`);
    await engine.execute(q('create table users (id integer primary key, name text unique not null, age integer)'));
  });
  afterEach(() => engine.dispose());
  afterAll(() => tmp.cleanup());

  it('executes and returns rows keyed by driver column names', async () => {
    await engine.execute(q('insert into users (name, age) values (?, ?), (?, ?)', ['ann', 31, 'bob', null]));
    expect(await engine.execute(q('select id, name, age from users order by id'))).toEqual([
      { id: 1, name: 'ann', age: 31 },
      { id: 2, name: 'bob', age: null },
    ]);
  });

  it('keys rows by compiled columns and decodes them', async () => {
    await engine.execute(q("insert into users (name, age) values ('ann', 31)"));
    const stmt = q<{ who: string; adult: boolean }>('select name, age from users', [], {
      columns: [{ key: 'who' }, { key: 'adult', decode: (v) => (v as number) >= 18 }],
    });
    const rows = await engine.execute(stmt);
    expect(rows).toEqual([{ who: 'ann', adult: true }]);
    const adult: boolean = rows[0]!.adult; // typed through the Compilable's row type
    expect(adult).toBe(true);
  });

  it('run() reports affected rows and the generated key', async () => {
    const inserted = await engine.run(q("insert into users (name) values ('ann')"));
    expect(inserted).toEqual({ rows: [], rowCount: 1, lastInsertId: 1 });
    await engine.run(q("insert into users (name) values ('bob')"));
    const updated = await engine.run(q('update users set age = 5'));
    expect(updated.rowCount).toBe(2);
    const returning = await engine.run(q("insert into users (name) values ('cy') returning id, name"));
    expect(returning.rows).toEqual([{ id: 3, name: 'cy' }]);
  });

  it('streams rows in batches without a second connection', async () => {
    await engine.executeMany(Array.from({ length: 25 }, (_, i) => q('insert into users (name) values (?)', [`u${i}`])));
    const stmt = q<{ id: number; name: string }>('select id, name from users order by id', [], {
      columns: [{ key: 'id' }, { key: 'name' }],
    });
    const seen: number[] = [];
    for await (const row of engine.stream(stmt, { batchSize: 4 })) seen.push(row.id);
    expect(seen).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(engine.pool.status().checkedOut).toBe(0);
  });

  it('releases the connection when a stream is abandoned early', async () => {
    await engine.executeMany(Array.from({ length: 10 }, (_, i) => q('insert into users (name) values (?)', [`u${i}`])));
    const stmt = q('select id from users', [], { columns: [{ key: 'id' }] });
    for await (const _row of engine.stream(stmt, { batchSize: 3 })) {
      expect(engine.pool.status().checkedOut).toBe(1);
      break;
    }
    expect(engine.pool.status().checkedOut).toBe(0);
  });

  it('translates driver errors into the hierarchy with the SQL attached', async () => {
    await engine.execute(q("insert into users (name) values ('ann')"));
    const error = await engine.execute(q('insert into users (name) values (?)', ['ann'])).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as UniqueViolationError).sql).toBe('insert into users (name) values (?)');
    expect((error as UniqueViolationError).params).toEqual(['ann']);
    await expect(engine.execute(q('selec 1'))).rejects.toBeInstanceOf(ProgrammingError);
    expect(engine.pool.status()).toMatchObject({ checkedOut: 0, idle: 1 });
  });

  it('executeMany runs all statements in one transaction, all or nothing', async () => {
    const events: string[] = [];
    engine.on('beforeExecute', (e) => events.push(e.sql));
    await expect(
      engine.executeMany([q("insert into users (name) values ('ann')"), q("insert into users (name) values ('ann')")]),
    ).rejects.toBeInstanceOf(UniqueViolationError);
    expect(events.splice(0)).toEqual([
      'BEGIN IMMEDIATE',
      "insert into users (name) values ('ann')",
      "insert into users (name) values ('ann')",
      'ROLLBACK',
    ]);
    expect(await engine.execute(q('select count(*) as n from users'))).toEqual([{ n: 0 }]);
    const results = await engine.executeMany([q("insert into users (name) values ('a')"), q('select name from users')]);
    expect(results.map((r) => r.rows)).toEqual([[], [{ name: 'a' }]]);
  });

  it('emits pool and statement events in order, and stops after off()', async () => {
    const fresh = createEngine(`sqlite:${tmp.file('events.db')}`);
    const seen: string[] = [];
    const listeners = {
      connect: (e: EngineEvents['connect']) => seen.push(`connect#${e.connectionId}`),
      checkout: (e: EngineEvents['checkout']) => seen.push(`checkout#${e.connectionId}`),
      beforeExecute: (e: EngineEvents['beforeExecute']) => seen.push(`before:${e.sql}:${JSON.stringify(e.params)}`),
      afterExecute: (e: EngineEvents['afterExecute']) => seen.push(`after:${e.sql}:${e.rowCount}:${e.durationMs >= 0}`),
      error: (e: EngineEvents['error']) => seen.push(`error:${e.error.name}`),
      checkin: (e: EngineEvents['checkin']) => seen.push(`checkin#${e.connectionId}`),
    };
    for (const [event, listener] of Object.entries(listeners)) fresh.on(event as keyof EngineEvents, listener as never);
    await fresh.execute(q('select ? as x', [7]));
    await fresh.execute(q('select nope')).catch(() => undefined);
    const id = fresh.pool.status().total === 1 ? seen[0]!.slice('connect#'.length) : 'x';
    expect(seen).toEqual([
      `connect#${id}`,
      `checkout#${id}`,
      'before:select ? as x:[7]',
      'after:select ? as x:1:true',
      `checkin#${id}`,
      `checkout#${id}`,
      'before:select nope:[]',
      'error:ProgrammingError',
      `checkin#${id}`,
    ]);
    for (const [event, listener] of Object.entries(listeners)) fresh.off(event as keyof EngineEvents, listener as never);
    await fresh.execute(q('select 1'));
    expect(seen).toHaveLength(9);
    await fresh.dispose();
  });

  it('a throwing listener is reported and does not break the statement', async () => {
    const logger = new MemoryLogger();
    const fresh = createEngine('sqlite::memory:', { logger });
    fresh.on('afterExecute', () => {
      throw new Error('listener bug');
    });
    expect(await fresh.execute(q('select 1 as x'))).toEqual([{ x: 1 }]);
    expect(logger.at('error')).toEqual([expect.stringContaining("'afterExecute' listener threw: Error: listener bug")]);
    await fresh.dispose();
  });

  it('echo logs statements with parameters; redactParams hides them', async () => {
    const logger = new MemoryLogger();
    const echoing = createEngine('sqlite::memory:', { echo: true, logger });
    await echoing.execute(q('select ? as a, ? as b', ['secret', 42n]));
    expect(logger.at('info')).toEqual(['select ? as a, ? as b -- params: ["secret", 42n]']);
    await echoing.dispose();

    const redacted = new MemoryLogger();
    const quiet = createEngine('sqlite::memory:', { echo: true, logger: redacted, redactParams: true });
    await quiet.execute(q('select ? as a', ['secret']));
    expect(redacted.at('info')).toEqual(['select ? as a -- params: [1 redacted]']);
    await quiet.dispose();
  });

  it('logs statements at or above slowQueryMs at warn, and only those', async () => {
    const logger = new MemoryLogger();
    const slow = createEngine('sqlite::memory:', { slowQueryMs: 0, logger });
    await slow.execute(q('select ? as a', [1]));
    expect(logger.at('warn')).toEqual([expect.stringMatching(/^Slow query \([\d.]+ ms, threshold 0 ms\): select \? as a -- params: \[1\]$/)]);
    await slow.dispose();

    const fastLogger = new MemoryLogger();
    const fast = createEngine('sqlite::memory:', { slowQueryMs: 60_000, logger: fastLogger });
    await fast.execute(q('select 1'));
    expect(fastLogger.lines).toEqual([]);
    await fast.dispose();
  });

  it('reports statements, errors by class and latency percentiles', async () => {
    await engine.execute(q("insert into users (name) values ('ann')"));
    await engine.execute(q("insert into users (name) values ('ann')")).catch(() => undefined);
    await engine.execute(q('selec')).catch(() => undefined);
    const stats = engine.stats();
    expect(stats.statements).toBe(4); // create table, insert, two failures
    expect(stats.errors).toEqual({ UniqueViolationError: 1, ProgrammingError: 1 });
    expect(stats.latency.count).toBe(4);
    expect(stats.latency.p50).toBeGreaterThan(0);
    expect(stats.latency.p50).toBeLessThanOrEqual(stats.latency.p95);
    expect(stats.latency.p95).toBeLessThanOrEqual(stats.latency.p99);
    expect(stats.latency.p99).toBeLessThanOrEqual(stats.latency.max);
    expect(stats.pool).toEqual({ size: 1, checkedOut: 0, idle: 1, overflow: 0, waiting: 0, total: 1 });
  });

  it('healthCheck pings within the timeout and never throws', async () => {
    await engine.dispose();
    engine = createEngine(`sqlite:${tmp.file('health-timeout.db')}`, { pool: { size: 1, maxOverflow: 0 } });
    const ok = await engine.healthCheck({ timeoutMs: 1000 });
    expect(ok).toEqual({ ok: true, latencyMs: expect.any(Number) });

    // The only connection is held: the check cannot get one in time.
    const held = await engine.connect();
    const timedOut = await engine.healthCheck({ timeoutMs: 30 });
    expect(timedOut).toMatchObject({ ok: false, error: 'Error: health check timed out after 30 ms' });
    await held.release();
    // The late checkout still completes and returns its connection.
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(engine.pool.status()).toMatchObject({ checkedOut: 0, waiting: 0 });

    await engine.dispose();
    const closed = await engine.healthCheck({ timeoutMs: 100 });
    expect(closed).toMatchObject({ ok: false, error: expect.stringMatching(/^PoolClosedError: /) });
  });

  it('healthCheck reports a dead connection and replaces it', async () => {
    const sqlite = recordingSqlite();
    const fresh = createEngine(`sqlite:${tmp.file('health.db')}`, { dialect: sqlite.dialect });
    await fresh.execute(q('select 1'));
    sqlite.breakConnection(sqlite.connections[0]!.id);
    const result = await fresh.healthCheck();
    expect(result).toMatchObject({ ok: false, error: expect.stringContaining('not open') });
    expect(await fresh.healthCheck()).toMatchObject({ ok: true });
    expect(sqlite.connections).toHaveLength(2);
    await fresh.dispose();
  });

  it('connect() hands out one connection until release(); releasing twice throws', async () => {
    const conn = await engine.connect();
    await conn.execute(q("insert into users (name) values ('ann')"));
    expect(await conn.execute(q('select name from users'))).toEqual([{ name: 'ann' }]);
    expect(engine.pool.status().checkedOut).toBe(1);
    await conn.release();
    expect(conn.released).toBe(true);
    expect(engine.pool.status().checkedOut).toBe(0);
    await expect(conn.release()).rejects.toBeInstanceOf(InvalidArgumentError);
    await expect(conn.execute(q('select 1'))).rejects.toThrow(/released/);

    const disposable = await engine.connect();
    await disposable[Symbol.asyncDispose]();
    await disposable[Symbol.asyncDispose](); // idempotent, unlike release()
    expect(engine.pool.status().checkedOut).toBe(0);
  });

  it('rolls back what a released connection left open', async () => {
    const conn = await engine.connect();
    const tx = await conn.begin();
    await tx.execute(q("insert into users (name) values ('ghost')"));
    await conn.release();
    expect(tx.active).toBe(false);
    await expect(tx.execute(q('select 1'))).rejects.toThrow(/rolled back/);
    expect(await engine.execute(q('select count(*) as n from users'))).toEqual([{ n: 0 }]);
    // The same connection is clean for the next user: a new transaction can begin.
    await engine.transaction(async (t) => t.execute(q("insert into users (name) values ('real')")));
    expect(await engine.execute(q('select name from users'))).toEqual([{ name: 'real' }]);
  });

  it('after dispose(), statements raise PoolClosedError', async () => {
    await engine.dispose();
    await expect(engine.execute(q('select 1'))).rejects.toBeInstanceOf(PoolClosedError);
    await expect(engine.connect()).rejects.toBeInstanceOf(PoolClosedError);
  });

  it('invalidates a connection whose database went away; the next statement gets a new one', async () => {
    const sqlite = recordingSqlite();
    const fresh = createEngine(`sqlite:${tmp.file('gone.db')}`, { dialect: sqlite.dialect });
    const invalidated: string[] = [];
    fresh.on('invalidate', (e) => invalidated.push(`${e.connectionId}:${e.reason}`));
    await fresh.execute(q('select 1'));
    const first = sqlite.connections[0]!.id;
    sqlite.breakConnection(first);
    await expect(fresh.execute(q('select 1'))).rejects.toBeInstanceOf(ConnectionError);
    expect(invalidated).toEqual([`${first}:disconnect`]);
    expect(await fresh.execute(q('select 2 as x'))).toEqual([{ x: 2 }]);
    expect(sqlite.connections).toHaveLength(2);
    expect(fresh.pool.status()).toMatchObject({ total: 1, idle: 1, checkedOut: 0 });
    await fresh.dispose();
  });
});

describe('errors keep parameters but never serialize them', () => {
  it('toJSON redacts parameter values while error.params keeps them for the handler', async () => {
    const { createEngine, sql, UniqueViolationError } = await import('@athanor/core');
    await import('@athanor/sqlite');
    const engine = createEngine('sqlite::memory:', { redactParams: false });
    try {
      await engine.execute(sql`create table t (id integer primary key)`);
      await engine.execute(sql`insert into t values (${1})`);
      const error = await engine.execute(sql`insert into t values (${1})`).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      const e = error as InstanceType<typeof UniqueViolationError>;
      expect(e.params).toEqual([1]);
      expect(e.toJSON()).toMatchObject({ code: 'UNIQUE_VIOLATION', params: ['<redacted>'], sql: 'insert into t values (?)' });
    } finally {
      await engine.dispose();
    }
  });
});
