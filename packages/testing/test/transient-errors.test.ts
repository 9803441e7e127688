import { DeadlockError, LockTimeoutError, SerializationError } from '@athanor/core';
import type { DriverConnection } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { ph } from './raw-sql';

const failureOf = (p: Promise<unknown>): Promise<unknown> => p.then(() => undefined, (e: unknown) => e);

/** Real lock conflicts between two connections: the errors a `retry` transaction re-runs on. */
describeEachDialect(
  'transient errors',
  (ctx) => {
    let a: DriverConnection;
    let b: DriverConnection;
    const begin = async (conn: DriverConnection, isolation?: 'serializable') => {
      for (const statement of ctx.dialect.beginStatements({ isolation })) await conn.execute(statement, []);
    };

    beforeAll(async () => {
      a = await ctx.connect();
      b = await ctx.connect();
      await a.execute('CREATE TABLE accounts (id INTEGER PRIMARY KEY, balance INTEGER NOT NULL)', []);
    });
    beforeEach(async () => {
      await a.execute('DELETE FROM accounts', []);
      await a.execute('INSERT INTO accounts VALUES (1, 100), (2, 100)', []);
    });

    test('a deadlock is a DeadlockError, transient', async () => {
      if (ctx.name === 'postgres') await b.execute("SET deadlock_timeout = '50ms'", []);
      const update = (conn: DriverConnection, id: number) =>
        conn.execute(`UPDATE accounts SET balance = balance - 1 WHERE id = ${ph(ctx.name, 1)}`, [id]);
      await begin(a);
      await begin(b);
      await update(a, 1);
      await update(b, 2);
      // Each now waits for the other; the server picks a victim.
      const results = await Promise.all([failureOf(update(a, 2)), failureOf(update(b, 1))]);
      const victims = results.filter((e) => e !== undefined);
      expect(victims).toHaveLength(1);
      const error = ctx.dialect.translateError(victims[0]);
      expect(error).toBeInstanceOf(DeadlockError);
      expect(error.driverCode).toBe(ctx.name === 'postgres' ? '40P01' : 1213);
      expect(ctx.dialect.classifyError(victims[0])).toEqual({ disconnect: false, transient: true });
      await a.execute('ROLLBACK', []);
      await b.execute('ROLLBACK', []);
    });

    test('waiting too long for a row lock is a LockTimeoutError, transient', async () => {
      await b.execute(ctx.name === 'postgres' ? "SET lock_timeout = '100ms'" : 'SET SESSION innodb_lock_wait_timeout = 1', []);
      await begin(a);
      await a.execute('UPDATE accounts SET balance = 0 WHERE id = 1', []);
      await begin(b);
      const raw = await failureOf(b.execute('UPDATE accounts SET balance = 1 WHERE id = 1', []));
      const error = ctx.dialect.translateError(raw);
      expect(error).toBeInstanceOf(LockTimeoutError);
      expect(error.driverCode).toBe(ctx.name === 'postgres' ? '55P03' : 1205);
      expect(ctx.dialect.classifyError(raw)).toEqual({ disconnect: false, transient: true });
      await a.execute('ROLLBACK', []);
      await b.execute('ROLLBACK', []);
    });

    if (ctx.name === 'postgres') {
      test('a serialization failure is a SerializationError, transient', async () => {
        await begin(a, 'serializable');
        await begin(b, 'serializable');
        await a.execute('SELECT sum(balance) FROM accounts', []);
        await b.execute('SELECT sum(balance) FROM accounts', []);
        await a.execute('UPDATE accounts SET balance = balance + 1 WHERE id = 1', []);
        await b.execute('UPDATE accounts SET balance = balance + 1 WHERE id = 2', []);
        await a.execute('COMMIT', []);
        const raw = await failureOf(b.execute('COMMIT', []));
        const error = ctx.dialect.translateError(raw);
        expect(error).toBeInstanceOf(SerializationError);
        expect(error.driverCode).toBe('40001');
        expect(ctx.dialect.classifyError(raw)).toEqual({ disconnect: false, transient: true });
      });
    }
  },
  { only: ['postgres', 'mysql'] },
);
