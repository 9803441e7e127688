import { DeadlockError, select, stateOf, table, TransactionStateError, UniqueViolationError } from '@athanor/core';
import type { Session } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { rememberClassification } from '../../../../src/engine/statement-runner';
import { Post, stored, useModel, User } from '../model';

/** Session transactions: autobegin, begin/commit/rollback, nested transaction(fn) through savepoints, expireOnCommit, retry. */

describeEachDialect('session transactions', (ctx) => {
  const quiet = (): void => undefined;
  // The retry test's attempts are logged at debug: keep the run's output clean.
  const db = useModel(ctx, { logger: { debug: quiet, info: quiet, warn: quiet, error: quiet } });

  async function names(): Promise<string[]> {
    return (await db.engine.execute(select(table(User).name).from(table(User)).orderBy(table(User).name))).map((r) => r.name);
  }
  const author = (name: string): User => Object.assign(new User(), { name });

  test('a flush begins the session’s transaction; commit ends it; nothing is visible outside before', async () => {
    await using s = db.engine.session();
    expect(s.currentTransaction).toBeUndefined();
    s.add(author('ann'));
    await s.flush();
    expect(s.currentTransaction?.active).toBe(true);
    if (ctx.name !== 'sqlite') expect(await names()).toEqual([]);
    await s.commit();
    expect(s.currentTransaction).toBeUndefined();
    expect(await names()).toEqual(['ann']);
    expect(db.engine.pool.status().checkedOut).toBe(0);
  });

  test('begin() twice is refused; rollback() ends the transaction and reverts the objects', async () => {
    const id = await stored(db.engine, author('ann'));
    await using s = db.engine.session();
    await s.begin();
    await expect(s.begin()).rejects.toThrow(TransactionStateError);
    const a = (await s.get(User, id))!;
    a.age = 40;
    const b = s.add(author('bob'));
    await s.flush();
    expect(a.version).toBe(2);
    await s.rollback();
    expect(a.age).toBeNull();
    expect(a.version).toBe(1);
    expect(stateOf(b)!.status).toBe('transient');
    expect(s.dirty).toEqual([]);
    expect(await names()).toEqual(['ann']);
    // The object is in step with its row: a change now is one UPDATE at the loaded version.
    a.age = 41;
    await s.commit();
    expect((await db.engine.execute(select(table(User)).from(table(User))))[0]).toMatchObject({ age: 41, version: 2 });
  });

  test('nested transaction(fn): a SAVEPOINT; released when fn resolves, rolled back (objects too) when it throws', async () => {
    await using s = db.engine.session();
    await s.transaction(async () => {
      const outer = s.add(author('outer'));
      let inner: User | undefined;
      await expect(
        s.transaction(async () => {
          inner = s.add(author('inner'));
          outer.age = 99;
          await s.flush();
          expect(s.currentTransaction?.savepoint).toBeDefined();
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      expect(stateOf(inner!)!.status).toBe('transient');
      expect(outer.age).toBeNull();
      expect(stateOf(outer)!.status).toBe('persistent');
      await s.transaction(async () => {
        s.add(author('kept'));
      });
    });
    expect(await names()).toEqual(['kept', 'outer']);
    expect(db.recorder.all.some((st) => /^SAVEPOINT/i.test(st.sql))).toBe(true);
    expect(db.recorder.all.some((st) => /^ROLLBACK TO SAVEPOINT/i.test(st.sql))).toBe(true);
  });

  test('a flush failing inside a savepoint rolls back to it: the outer transaction goes on, no rollback() needed', async () => {
    await db.engine.session(async (s) => {
      const a = s.add(author('ann'));
      a.posts.add(Object.assign(new Post(), { title: 'taken' }));
    });
    await db.engine.session(async (s) => {
      const a = (await s.findOne(User))!;
      s.add(author('before'));
      const error = await s
        .transaction(async () => {
          s.add(Object.assign(new Post(), { title: 'taken', author: a as never }));
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(s.new).toEqual([]);
      s.add(author('after'));
    });
    expect(await names()).toEqual(['after', 'ann', 'before']);
  });

  test('the scoped form: transaction(fn) nests; commit() is the scope’s', async () => {
    await db.engine.session(async (s) => {
      await s.transaction(async () => {
        s.add(author('nested'));
      });
      await expect(s.commit()).rejects.toThrow(/engine.session\(fn\) commits when fn resolves/);
    });
    expect(await names()).toEqual(['nested']);
  });

  test('transaction(fn) outside any transaction begins one and commits it', async () => {
    await using s = db.engine.session();
    const result = await s.transaction(async (t: Session) => {
      t.add(author('ann'));
      return 'ok';
    });
    expect(result).toBe('ok');
    expect(s.currentTransaction).toBeUndefined();
    expect(await names()).toEqual(['ann']);
  });

  test('objects keep their values after commit; expireOnCommit marks them expired (reloaded by the next get)', async () => {
    await using s = db.engine.session();
    const a = s.add(author('ann'));
    await s.commit();
    expect(stateOf(a)!.expired).toBe(false);
    expect(a.name).toBe('ann');
    db.recorder.clear();
    expect(await s.get(User, a.id)).toBe(a);
    expect(db.recorder.count).toBe(0);

    await using e = db.engine.session({ expireOnCommit: true });
    const b = (await e.get(User, a.id))!;
    b.age = 5;
    await e.commit();
    expect(stateOf(b)!.expired).toBe(true);
    expect(b.age).toBe(5);
    db.recorder.clear();
    expect(await e.get(User, a.id)).toBe(b);
    expect(db.recorder.count).toBe(1);
    expect(stateOf(b)!.expired).toBe(false);
  });

  test('engine.session(fn, { retry }): a transient failure re-runs the whole function in a fresh session', async () => {
    const sessions: Session[] = [];
    const result = await db.engine.session(
      async (s) => {
        sessions.push(s);
        s.add(author(`try${sessions.length}`));
        await s.flush();
        if (sessions.length === 1) {
          const error = new DeadlockError('deadlock (simulated)');
          rememberClassification(error, { transient: true, disconnect: false });
          throw error;
        }
        return s.new.length;
      },
      { retry: { attempts: 3, baseMs: 1, maxMs: 2 } },
    );
    expect(result).toBe(0);
    expect(sessions).toHaveLength(2);
    expect(sessions[0]).not.toBe(sessions[1]);
    expect(await names()).toEqual(['try2']);
  });
});
