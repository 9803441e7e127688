import {
  CommitOutcomeUnknownError,
  ConnectionError,
  DeadlockError,
  type DriverConnection,
  type Engine,
  LockTimeoutError,
  type RetryEvent,
  SerializationError,
  TransactionStateError,
  UniqueViolationError,
} from '@athanor/core';
import { type DialectContext, describeDialect, describeEachDialect } from '@athanor/testing';
import { deferred, delay, MemoryLogger, q, until } from './helpers';

/**
 * Pool, invalidation and retry behaviour against real servers: killed backends, deadlocks,
 * lock timeouts, serialization failures. (SQLite versions of the rest live next door.)
 */

const BACKEND_ID: Record<string, string> = {
  postgres: 'select pg_backend_pid() as id',
  mysql: 'select connection_id() as id',
};
const killSql = (ctx: DialectContext, id: number): string =>
  ctx.name === 'postgres' ? `select pg_terminate_backend(${Number(id)})` : `KILL ${Number(id)}`;

async function backendId(target: { execute: Engine['execute'] }, ctx: DialectContext): Promise<number> {
  const rows = await target.execute<{ id: number | string }>(q(BACKEND_ID[ctx.name]!));
  return Number(rows[0]!.id);
}

/** Wait until a killed backend is really gone, so the test does not race the server. */
async function waitGone(admin: DriverConnection, ctx: DialectContext, ids: readonly number[]): Promise<void> {
  const list = ids.map(Number).join(', ');
  const sql =
    ctx.name === 'postgres'
      ? `select count(*)::int as n from pg_stat_activity where pid in (${list})`
      : `select count(*) as n from information_schema.processlist where id in (${list})`;
  for (let i = 0; i < 200; i++) {
    const { rows } = await admin.execute(sql, []);
    if (Number(rows[0]![0]) === 0) return;
    await delay(10);
  }
  throw new Error(`backends ${list} did not go away`);
}

describeEachDialect(
  'engine on a server',
  (ctx) => {
    let admin: DriverConnection;
    beforeAll(async () => {
      admin = await ctx.connect();
    });

    it('pre-ping: killing every pooled backend causes zero caller errors', async () => {
      const engine = ctx.createEngine({ pool: { size: 4, prePing: true } });
      const conns = await Promise.all([1, 2, 3, 4].map(() => engine.connect()));
      const ids = await Promise.all(conns.map((c) => backendId(c, ctx)));
      for (const c of conns) await c.release();
      for (const id of ids) await admin.execute(killSql(ctx, id), []);
      await waitGone(admin, ctx, ids);

      const errors: unknown[] = [];
      engine.on('error', (e) => errors.push(e.error));
      const after = await Promise.all(Array.from({ length: 8 }, () => backendId(engine, ctx)));
      expect(errors).toEqual([]);
      for (const id of after) expect(ids).not.toContain(id);
      expect(engine.pool.status()).toMatchObject({ checkedOut: 0 });
      expect(engine.pool.status().total).toBeLessThanOrEqual(4 + 10);
    });

    it('recycles connections older than recycleMs', async () => {
      const engine = ctx.createEngine({ pool: { size: 1, recycleMs: 150 } });
      const first = await backendId(engine, ctx);
      expect(await backendId(engine, ctx)).toBe(first);
      await delay(200);
      expect(await backendId(engine, ctx)).not.toBe(first);
      expect(engine.pool.status().total).toBe(1);
    });

    it('a connection lost inside a transaction: the caller sees it, the transaction refuses more work, retry re-runs it', async () => {
      const engine = ctx.createEngine({ pool: { size: 3, maxOverflow: 0 }, logger: new MemoryLogger() });
      await engine.execute(q('create table lost (v varchar(20))'));
      const warm = await Promise.all([1, 2, 3].map(() => engine.connect()));
      const oldIds = await Promise.all(warm.map((c) => backendId(c, ctx)));
      for (const c of warm) await c.release();
      const reasons: string[] = [];
      engine.on('invalidate', (e) => reasons.push(e.reason));

      let runs = 0;
      let retryId = 0;
      await engine.transaction(
        async (tx) => {
          runs++;
          await tx.execute(q(`insert into lost values ('attempt ${runs}')`));
          if (runs > 1) {
            retryId = await backendId(tx, ctx);
            return;
          }
          const id = await backendId(tx, ctx);
          await admin.execute(killSql(ctx, id), []);
          await waitGone(admin, ctx, [id]);
          const error = await tx.execute(q('select 1 as x')).catch((e: unknown) => e);
          expect(error).toBeInstanceOf(ConnectionError);
          await expect(tx.execute(q('select 1 as x'))).rejects.toBeInstanceOf(TransactionStateError);
          throw error;
        },
        { retry: { attempts: 3, baseMs: 1, maxMs: 5 } },
      );
      expect(runs).toBe(2);
      expect(reasons).toContain('disconnect');
      // The retry did not get one of the connections opened before the failure.
      expect(oldIds).not.toContain(retryId);
      expect(await engine.execute(q('select v from lost'))).toEqual([{ v: 'attempt 2' }]);
      // Idle connections opened before the failure are replaced when next checked out.
      const next = await Promise.all([1, 2, 3].map(() => engine.connect()));
      for (const c of next) expect(oldIds).not.toContain(await backendId(c, ctx));
      for (const c of next) await c.release();
      expect(engine.pool.status()).toMatchObject({ checkedOut: 0, total: 3 });
    });

    it('a real deadlock between two transactions ends with both committed, one retried', async () => {
      const engine = ctx.createEngine({ pool: { size: 2, maxOverflow: 0 }, logger: new MemoryLogger() });
      await engine.execute(q('create table acct (id int primary key, n int not null)'));
      await engine.execute(q('insert into acct values (1, 0), (2, 0)'));
      const retries: RetryEvent[] = [];
      engine.on('retry', (e) => retries.push(e));
      let arrived = 0;
      const bothLocked = deferred();
      let runs = 0;
      const transfer = (first: number, second: number) =>
        engine.transaction(
          async (tx) => {
            runs++;
            await tx.execute(q(`update acct set n = n + 1 where id = ${first}`));
            if (++arrived === 2) bothLocked.resolve();
            await bothLocked.promise; // each holds one row and now wants the other's
            await tx.execute(q(`update acct set n = n + 1 where id = ${second}`));
          },
          { retry: { attempts: 5, baseMs: 10, maxMs: 50 } },
        );
      await Promise.all([transfer(1, 2), transfer(2, 1)]);
      expect(retries).toHaveLength(1);
      expect(retries[0]!.error).toBeInstanceOf(DeadlockError);
      expect(runs).toBe(3);
      const rows = await engine.execute<{ id: number; n: number }>(q('select id, n from acct order by id'));
      expect(rows.map((r) => [Number(r.id), Number(r.n)])).toEqual([
        [1, 2],
        [2, 2],
      ]);
    });

    it('a lock wait timeout is rolled back explicitly before the retry', async () => {
      const engine = ctx.createEngine({ pool: { size: 2, maxOverflow: 0 }, logger: new MemoryLogger() });
      await engine.execute(q('create table lockme (id int primary key)'));
      await engine.execute(q('create table marks (v varchar(10))'));
      await engine.execute(q('insert into lockme values (1)'));
      const seen: string[] = [];
      engine.on('beforeExecute', (e) => seen.push(e.sql));
      const retries: RetryEvent[] = [];
      engine.on('retry', (e) => {
        retries.push(e);
        void admin.execute('ROLLBACK', []); // let go of the lock
      });
      await admin.execute(ctx.name === 'postgres' ? 'BEGIN' : 'START TRANSACTION', []);
      await admin.execute('select id from lockme where id = 1 for update', []);
      const shortWait = ctx.name === 'postgres' ? "set local lock_timeout = '300ms'" : 'set session innodb_lock_wait_timeout = 1';
      await engine.transaction(
        async (tx) => {
          await tx.execute(q(shortWait));
          await tx.execute(q("insert into marks values ('once')"));
          await tx.execute(q('select id from lockme where id = 1 for update'));
        },
        { retry: { attempts: 5, baseMs: 10, maxMs: 20 } },
      );
      expect(retries).toHaveLength(1);
      expect(retries[0]!.error).toBeInstanceOf(LockTimeoutError);
      const firstRollback = seen.indexOf('ROLLBACK');
      expect(seen.slice(firstRollback - 1, firstRollback + 1)).toEqual(['select id from lockme where id = 1 for update', 'ROLLBACK']);
      expect(await engine.execute(q('select v from marks'))).toEqual([{ v: 'once' }]);
    });

    it('runs 50 concurrent transactions on size 5 + overflow 5, never more than 10 connections', async () => {
      const engine = ctx.createEngine({ pool: { size: 5, maxOverflow: 5 } });
      await engine.execute(q('create table many (i int primary key)'));
      let out = 0;
      let peak = 0;
      const closed: number[] = [];
      engine.on('checkout', () => (peak = Math.max(peak, ++out)));
      engine.on('checkin', () => out--);
      engine.on('close', (e) => closed.push(e.connectionId));
      await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          engine.transaction(async (tx) => {
            await tx.execute(q(`insert into many values (${i})`));
            await delay(5);
          }),
        ),
      );
      expect(peak).toBe(10);
      const rows = await engine.execute<{ i: number }>(q('select i from many order by i'));
      expect(rows.map((r) => Number(r.i))).toEqual(Array.from({ length: 50 }, (_, i) => i));
      await until(() => closed.length === 5, 2000, 'overflow connections to close');
      expect(engine.pool.status()).toEqual({ size: 5, checkedOut: 0, idle: 5, overflow: 0, waiting: 0, total: 5 });
    });

    it('streams raw SQL in batches, keyed by the column names the driver reports', async () => {
      const engine = ctx.createEngine({ pool: { size: 1, maxOverflow: 0 } });
      await engine.execute(q('create table nums (n int primary key, label varchar(10))'));
      await engine.executeMany(Array.from({ length: 10 }, (_, i) => q(`insert into nums values (${i}, 'n${i}')`)));
      const all: unknown[] = [];
      for await (const row of engine.stream(q('select n, label from nums order by n'), { batchSize: 3 })) all.push(row);
      expect(all).toHaveLength(10);
      expect(all[4]).toEqual({ n: 4, label: 'n4' });
      // Leaving early returns the connection, and it is usable again.
      for await (const _row of engine.stream(q('select n from nums order by n'), { batchSize: 2 })) break;
      expect(engine.pool.status()).toMatchObject({ checkedOut: 0 });
      const inTx = await engine.transaction(async (tx) => {
        const seen: unknown[] = [];
        for await (const row of tx.stream(q('select n from nums where n < 4 order by n'), { batchSize: 3 })) seen.push(row);
        return seen;
      });
      expect(inTx).toEqual([{ n: 0 }, { n: 1 }, { n: 2 }, { n: 3 }]);
    });

    it('read-only transactions refuse writes', async () => {
      const engine = ctx.createEngine();
      await engine.execute(q('create table ro (v int)'));
      const error = await engine
        .transaction((tx) => tx.execute(q('insert into ro values (1)')), { readOnly: true })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(error).not.toBeInstanceOf(TransactionStateError);
      expect(await engine.execute(q('select v from ro'))).toEqual([]);
      expect(await engine.transaction(async (tx) => (await tx.execute(q('select 1 as x'))).length, { readOnly: true })).toBe(1);
    });

    it('a failed statement inside a transaction: aborting dialects refuse more work, others carry on', async () => {
      const engine = ctx.createEngine();
      await engine.execute(q('create table uniq (v int primary key)'));
      await engine.execute(q('insert into uniq values (1)'));
      const outcome = await engine
        .transaction(async (tx) => {
          await tx.execute(q('insert into uniq values (2)'));
          await expect(tx.execute(q('insert into uniq values (1)'))).rejects.toBeInstanceOf(UniqueViolationError);
          await tx.execute(q('insert into uniq values (3)'));
        })
        .then(
          () => 'committed',
          (e: unknown) => e,
        );
      const values = (await engine.execute<{ v: number }>(q('select v from uniq order by v'))).map((r) => Number(r.v));
      if (ctx.dialect.abortsTransactionOnError) {
        expect(outcome).toBeInstanceOf(TransactionStateError);
        expect((outcome as Error).cause).toBeInstanceOf(UniqueViolationError);
        expect(values).toEqual([1]);
      } else {
        expect(outcome).toBe('committed');
        expect(values).toEqual([1, 2, 3]);
      }
      // A savepoint contains the failure on every dialect.
      await engine.transaction(async (tx) => {
        await tx.transaction((sp) => sp.execute(q('insert into uniq values (1)'))).catch(() => undefined);
        await tx.execute(q('insert into uniq values (10)'));
      });
      expect((await engine.execute<{ v: number }>(q('select v from uniq where v = 10'))).length).toBe(1);
    });
  },
  { only: ['postgres', 'mysql'] },
);

describeDialect('postgres', 'engine on PostgreSQL only', (ctx) => {
  it('retries a serialization failure (write skew under SERIALIZABLE) until both commit', async () => {
    const engine = ctx.createEngine({ pool: { size: 2, maxOverflow: 0 }, logger: new MemoryLogger() });
    await engine.execute(q('create table oncall (doctor text primary key, on_call boolean not null)'));
    await engine.execute(q("insert into oncall values ('a', true), ('b', true)"));
    const retries: RetryEvent[] = [];
    engine.on('retry', (e) => retries.push(e));
    let reads = 0;
    const bothRead = deferred();
    const goOff = (doctor: string) =>
      engine.transaction(
        async (tx) => {
          const rows = await tx.execute(q('select doctor from oncall where on_call'));
          if (++reads === 2) bothRead.resolve();
          await bothRead.promise;
          if (rows.length > 1) await tx.execute(q(`update oncall set on_call = false where doctor = '${doctor}'`));
        },
        { isolation: 'serializable', retry: { attempts: 5, baseMs: 5, maxMs: 20 } },
      );
    await Promise.all([goOff('a'), goOff('b')]);
    expect(retries.length).toBeGreaterThanOrEqual(1);
    for (const r of retries) expect(r.error).toBeInstanceOf(SerializationError);
    // Serializable: exactly one doctor went off call, never both.
    expect(await engine.execute(q('select doctor from oncall where on_call'))).toHaveLength(1);
  });

  it('applies the isolation level', async () => {
    const engine = ctx.createEngine();
    const level = await engine.transaction(
      async (tx) => (await tx.execute<{ l: string }>(q('select current_setting($1) as l', ['transaction_isolation'])))[0]!.l,
      { isolation: 'repeatable read' },
    );
    expect(level).toBe('repeatable read');
  });

  it('raises CommitOutcomeUnknownError when the connection dies during COMMIT, and does not retry', async () => {
    const engine = ctx.createEngine({ pool: { size: 1 }, logger: new MemoryLogger() });
    await engine.execute(q('create table doomed (v int)'));
    // A deferred constraint trigger runs at COMMIT and terminates its own backend.
    await engine.execute(
      q(`create function die_at_commit() returns trigger language plpgsql as $$
         begin perform pg_terminate_backend(pg_backend_pid()); return null; end $$`),
    );
    await engine.execute(
      q(`create constraint trigger doomed_commit after insert on doomed
         deferrable initially deferred for each row execute function die_at_commit()`),
    );
    let runs = 0;
    const error = await engine
      .transaction(
        async (tx) => {
          runs++;
          await tx.execute(q('insert into doomed values (1)'));
        },
        { retry: true },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitOutcomeUnknownError);
    expect((error as Error).cause).toBeInstanceOf(ConnectionError);
    expect(runs).toBe(1);
    expect(engine.pool.status()).toMatchObject({ checkedOut: 0, total: 0 });
    expect(await engine.execute(q('select v from doomed'))).toEqual([]);
  });
});
