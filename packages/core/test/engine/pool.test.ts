import {
  type Connection,
  createEngine,
  type Engine,
  type EngineOptions,
  InvalidArgumentError,
  PoolClosedError,
  PoolTimeoutError,
} from '@athanor/core';
import '@athanor/sqlite';
import { delay, MemoryLogger, q, tempDir, until } from './helpers';
import { recordingSqlite } from './sqlite-support';

describe('pool (QueuePool semantics) on SQLite files', () => {
  const tmp = tempDir('athanor-pool-');
  const engines: Engine[] = [];
  const make = (options: EngineOptions = {}): Engine => {
    const engine = createEngine(`sqlite:${tmp.file(`p${Date.now()}${Math.random()}.db`)}`, options);
    engines.push(engine);
    return engine;
  };
  afterEach(async () => {
    await Promise.all(engines.splice(0).map((e) => e.dispose()));
  });
  afterAll(() => tmp.cleanup());

  it('defaults the size from the dialect and shares one connection for :memory:', async () => {
    const engine = make();
    expect(engine.pool.size).toBe(engine.dialect.defaultPoolSize);
    const memory = createEngine('sqlite::memory:', { pool: { timeoutMs: 20 } });
    engines.push(memory);
    expect(memory.pool.status()).toMatchObject({ size: 1 });
    const held = await memory.connect();
    await expect(memory.connect()).rejects.toBeInstanceOf(PoolTimeoutError); // no overflow: a 2nd would be another database
    await held.release();
  });

  it('grows into overflow under load and closes overflow connections when they come back', async () => {
    const engine = make({ pool: { size: 2, maxOverflow: 2 } });
    const closed: number[] = [];
    engine.on('close', (e) => closed.push(e.connectionId));
    const conns = await Promise.all([1, 2, 3, 4].map(() => engine.connect()));
    expect(new Set(conns.map((c) => c.id)).size).toBe(4);
    expect(engine.pool.status()).toEqual({ size: 2, checkedOut: 4, idle: 0, overflow: 2, waiting: 0, total: 4 });

    const waiting = engine.connect();
    await delay(5);
    expect(engine.pool.status().waiting).toBe(1);
    await conns[0]!.release(); // goes straight to the waiter, not closed
    const fifth = await waiting;
    expect(fifth.id).toBe(conns[0]!.id);
    expect(engine.pool.status()).toMatchObject({ checkedOut: 4, overflow: 2, waiting: 0 });

    for (const c of [fifth, ...conns.slice(1)]) await c.release();
    await until(() => closed.length === 2, 1000, 'overflow closes');
    expect(engine.pool.status()).toEqual({ size: 2, checkedOut: 0, idle: 2, overflow: 0, waiting: 0, total: 2 });
  });

  it('raises PoolTimeoutError naming size, overflow and checked-out count; checkedOut returns to 0', async () => {
    const engine = make({ pool: { size: 1, maxOverflow: 1, timeoutMs: 40 } });
    const a = await engine.connect();
    const b = await engine.connect();
    const started = Date.now();
    const error = await engine.execute(q('select 1')).catch((e: unknown) => e);
    expect(Date.now() - started).toBeGreaterThanOrEqual(35);
    expect(error).toBeInstanceOf(PoolTimeoutError);
    expect((error as Error).message).toMatch(/after 40 ms.*size 1, overflow 1 of 1, 2 checked out/);
    expect(engine.pool.status()).toMatchObject({ checkedOut: 2, waiting: 0 });
    await a.release();
    await b.release();
    expect(engine.pool.status()).toMatchObject({ checkedOut: 0, waiting: 0, total: 1, idle: 1 });
    expect(await engine.execute(q('select 1 as x'))).toEqual([{ x: 1 }]);
  });

  it('serves waiters first come, first served', async () => {
    const engine = make({ pool: { size: 1, maxOverflow: 0 } });
    const held = await engine.connect();
    const order: number[] = [];
    const waiters = [1, 2, 3].map((n) =>
      engine.connect().then(async (c) => {
        order.push(n);
        await delay(1);
        await c.release();
      }),
    );
    await delay(5);
    expect(engine.pool.status().waiting).toBe(3);
    await held.release();
    await Promise.all(waiters);
    expect(order).toEqual([1, 2, 3]);
  });

  it('reuses the most recently returned connection (LIFO) or the oldest one (FIFO)', async () => {
    for (const lifo of [true, false]) {
      const engine = make({ pool: { size: 2, lifo } });
      const a = await engine.connect();
      const b = await engine.connect();
      const [idA, idB] = [a.id, b.id];
      await a.release();
      await b.release();
      const next = await engine.connect();
      expect(next.id).toBe(lifo ? idB : idA);
      await next.release();
    }
  });

  it('never hands a connection to two callers, and a throwing caller never leaks one', async () => {
    const engine = make({ pool: { size: 2, maxOverflow: 1 } });
    await engine.execute(q('create table t (v integer)'));
    const owners = new Map<number, number>();
    let maxOut = 0;
    engine.on('checkout', (e) => {
      expect(owners.has(e.connectionId)).toBe(false);
      owners.set(e.connectionId, 1);
      maxOut = Math.max(maxOut, owners.size);
    });
    engine.on('checkin', (e) => owners.delete(e.connectionId));
    const tasks = Array.from({ length: 30 }, async (_, i) => {
      if (i % 3 === 0) await engine.execute(q('select nope')).catch(() => undefined);
      // Read-only: two better-sqlite3 connections contending for the write lock would block the
      // event loop in SQLite's busy handler (which is why SQLite pools default to one connection).
      else if (i % 3 === 1) {
        await engine.transaction(async () => Promise.reject(new Error('x')), { readOnly: true }).catch(() => undefined);
      }
      else await engine.execute(q('select ? as i', [i]));
    });
    await Promise.all(tasks);
    expect(maxOut).toBeLessThanOrEqual(3);
    expect(engine.pool.status()).toMatchObject({ checkedOut: 0, waiting: 0 });
  });

  it('runs 50 concurrent tasks on size 5 + overflow 5 without exceeding 10 connections', async () => {
    const engine = make({ pool: { size: 5, maxOverflow: 5 } });
    await engine.execute(q('create table t (v integer)'));
    await engine.executeMany(Array.from({ length: 50 }, (_, i) => q('insert into t values (?)', [i])));
    let out = 0;
    let peak = 0;
    engine.on('checkout', () => (peak = Math.max(peak, ++out)));
    engine.on('checkin', () => out--);
    const results = await Promise.all(
      Array.from({ length: 50 }, async (_, i) => {
        const conn = await engine.connect();
        try {
          await delay(2); // hold it, so tasks overlap
          return (await conn.execute<{ v: number }>(q('select v from t where v = ?', [i])))[0]!.v;
        } finally {
          await conn.release();
        }
      }),
    );
    expect(results).toEqual(Array.from({ length: 50 }, (_, i) => i));
    expect(peak).toBe(10);
    expect(engine.pool.status()).toEqual({ size: 5, checkedOut: 0, idle: 5, overflow: 0, waiting: 0, total: 5 });
  });

  it('returning a connection twice throws', async () => {
    const engine = make();
    const entry = await engine.pool.acquire();
    engine.pool.release(entry);
    expect(() => engine.pool.release(entry)).toThrow(InvalidArgumentError);
    expect(() => engine.pool.release(entry)).toThrow(/already returned/);
    expect(engine.pool.status().checkedOut).toBe(0);
  });

  it('recycles connections older than recycleMs at checkout', async () => {
    const sqlite = recordingSqlite();
    const engine = make({ dialect: sqlite.dialect, pool: { recycleMs: 30 } });
    const closed: number[] = [];
    engine.on('close', (e) => closed.push(e.connectionId));
    await engine.execute(q('select 1'));
    await engine.execute(q('select 1'));
    expect(sqlite.connections).toHaveLength(1);
    await delay(45);
    await engine.execute(q('select 1'));
    expect(sqlite.connections).toHaveLength(2);
    await until(() => closed.length === 1, 1000, 'recycled close');
    expect(closed).toEqual([sqlite.connections[0]!.id]);
    expect(engine.pool.status().total).toBe(1);
  });

  it('pre-ping replaces dead connections without the caller seeing an error', async () => {
    const sqlite = recordingSqlite();
    const engine = make({ dialect: sqlite.dialect, pool: { size: 3, prePing: true } });
    const conns = await Promise.all([1, 2, 3].map(() => engine.connect()));
    for (const c of conns) await c.release();
    for (const c of sqlite.connections) sqlite.breakConnection(c.id); // a server restart
    const invalidations: string[] = [];
    const errors: unknown[] = [];
    engine.on('invalidate', (e) => invalidations.push(e.reason));
    engine.on('error', (e) => errors.push(e.error));
    const held: Connection[] = [];
    for (let n = 1; n <= 3; n++) {
      const conn = await engine.connect();
      held.push(conn);
      expect(await conn.execute(q('select ? as n', [n]))).toEqual([{ n }]);
    }
    expect(errors).toEqual([]);
    // The first failed ping retires the older connections without pinging each of them.
    expect(invalidations).toEqual(['ping', 'stale', 'stale']);
    expect(sqlite.connections).toHaveLength(6);
    for (const c of held) await c.release();
    expect(engine.pool.status()).toMatchObject({ total: 3, checkedOut: 0 });

    // Concurrent checkouts each find their connection dead: still no caller error.
    for (const c of sqlite.connections.slice(3)) sqlite.breakConnection(c.id);
    const results = await Promise.all([1, 2, 3].map((n) => engine.execute(q('select ? as n', [n]))));
    expect(results).toEqual([[{ n: 1 }], [{ n: 2 }], [{ n: 3 }]]);
    expect(errors).toEqual([]);
  });

  it('after a disconnect error, idle connections opened before it are replaced at checkout', async () => {
    const sqlite = recordingSqlite();
    const engine = make({ dialect: sqlite.dialect, pool: { size: 3 } });
    const conns = await Promise.all([1, 2, 3].map(() => engine.connect()));
    const ids = conns.map((c) => c.id);
    for (const c of conns) await c.release();
    for (const id of ids) sqlite.breakConnection(id);
    // Without pre-ping the first caller sees the failure…
    await expect(engine.execute(q('select 1'))).rejects.toThrow(/not open/);
    // …but no other caller does: the other two are older than the invalidation.
    const held: Connection[] = [];
    for (let i = 0; i < 3; i++) held.push(await engine.connect());
    for (const c of held) {
      expect(ids).not.toContain(c.id);
      expect(await c.execute(q('select 1 as ok'))).toEqual([{ ok: 1 }]);
      await c.release();
    }
    expect(engine.pool.status()).toMatchObject({ total: 3, checkedOut: 0 });
  });

  it('drops an idle connection the driver reports dead', async () => {
    const sqlite = recordingSqlite();
    const engine = make({ dialect: sqlite.dialect, pool: { size: 2 } });
    const invalidated: string[] = [];
    engine.on('invalidate', (e) => invalidated.push(`${e.connectionId}:${e.reason}`));
    const [a, b] = await Promise.all([engine.connect(), engine.connect()]);
    await a!.release();
    await b!.release();
    sqlite.kill(a!.id);
    expect(invalidated).toEqual([`${a!.id}:dead`]);
    expect(engine.pool.status()).toMatchObject({ total: 1, idle: 1 });
    const c = await engine.connect();
    const d = await engine.connect();
    expect([c.id, d.id]).not.toContain(a!.id);
    await c.release();
    await d.release();
  });

  it('a connection reported dead while checked out is discarded when returned', async () => {
    const sqlite = recordingSqlite();
    const engine = make({ dialect: sqlite.dialect });
    const conn = await engine.connect();
    sqlite.kill(conn.id);
    expect(conn.invalidated).toBe(true);
    await conn.release();
    expect(engine.pool.status()).toMatchObject({ total: 0, checkedOut: 0 });
    expect(await engine.execute(q('select 1 as x'))).toEqual([{ x: 1 }]);
  });

  it('warns once, with the checkout stack, about a connection held past leakWarnMs', async () => {
    const logger = new MemoryLogger();
    const engine = make({ logger, pool: { leakWarnMs: 20 } });
    async function checkoutForLeakTest(): Promise<Connection> {
      return engine.connect();
    }
    const conn = await checkoutForLeakTest();
    await delay(80);
    const warnings = logger.at('warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(new RegExp(`Connection #${conn.id} .* more than 20 ms .*possible leak`, 's'));
    expect(warnings[0]).toContain('checkoutForLeakTest');
    await conn.release();
    const again = await engine.connect();
    await again.release();
    await delay(40);
    expect(logger.at('warn')).toHaveLength(1);
  });

  it('dispose() closes idle connections, fails waiters, and closes checked-out ones on return', async () => {
    const engine = make({ pool: { size: 1, maxOverflow: 0 } });
    const closed: number[] = [];
    engine.on('close', (e) => closed.push(e.connectionId));
    const held = await engine.connect();
    const waiter = engine.connect();
    await engine.dispose();
    await expect(waiter).rejects.toBeInstanceOf(PoolClosedError);
    await expect(engine.connect()).rejects.toBeInstanceOf(PoolClosedError);
    expect(closed).toEqual([]);
    await held.release();
    await until(() => closed.length === 1, 1000, 'close on return');
    expect(engine.pool.status()).toMatchObject({ total: 0, checkedOut: 0, idle: 0 });
  });

  it('retries opening connections with connectRetry', async () => {
    // A database file in a directory that does not exist yet: opening fails until it is created.
    const { mkdirSync } = await import('node:fs');
    const dir = tmp.file(`later${Date.now()}`);
    const logger = new MemoryLogger();
    const engine = createEngine(`sqlite:${dir}/app.db`, { connectRetry: { attempts: 50, baseMs: 5, maxMs: 10 }, logger });
    engines.push(engine);
    // SQLite's "unable to open" is neither transient nor a disconnect: not retried.
    await expect(engine.execute(q('select 1'))).rejects.toThrow(/unable to open|directory does not exist/);
    expect(logger.at('warn')).toEqual([]);
    mkdirSync(dir);
    expect(await engine.execute(q('select 1 as x'))).toEqual([{ x: 1 }]);
  });

  it('validates pool options', () => {
    expect(() => make({ pool: { size: -1 } })).toThrow(/pool\.size must be an integer/);
    expect(() => make({ pool: { size: 0, maxOverflow: 0 } })).toThrow(/at least one connection/);
    expect(() => make({ pool: { maxOverflow: 1.5 } })).toThrow(/pool\.maxOverflow/);
    expect(make({ pool: { size: 1, maxOverflow: -1 } }).pool.maxOverflow).toBe(Infinity);
  });
});
