import { select, table, TransactionStateError } from '@athanor/core';
import type { AnyTable, Session } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { calls, HookedUser, useModel } from './model';

/**
 * Flushing from inside a flush (SQLAlchemy: "Session is already flushing"): `flush()` raises
 * naming the fix; queries autoflush nothing; what before-listeners and before-hooks change is
 * written by the flush under way, what after-listeners change by the next one.
 */

describeEachDialect('flushes from listeners and hooks', (ctx) => {
  const db = useModel(ctx, HookedUser);
  const users = table(HookedUser) as AnyTable;

  const newUser = (email: string): HookedUser => Object.assign(new HookedUser(), { email });
  const emails = async (): Promise<string[]> =>
    ((await db.engine.execute(select(users).from(users))) as { email: string }[]).map((r) => r.email).sort();

  test('flush() inside a beforeFlush listener raises TransactionStateError naming the fix; nothing is written and the session goes on', async () => {
    await using s = db.engine.session();
    const listener = async (session: Session): Promise<void> => {
      await session.flush();
    };
    s.on('beforeFlush', listener);
    s.add(newUser('ann@x.org'));
    const failed = s.flush();
    await expect(failed).rejects.toThrow(TransactionStateError);
    await expect(failed).rejects.toThrow(
      'flush() was called while the session is flushing (from a beforeFlush/afterFlush listener or an entity hook such as @BeforeInsert). Remove the call: changes made in beforeFlush listeners and before-hooks are written by the flush under way',
    );
    expect(await emails()).toEqual([]);
    s.off('beforeFlush', listener);
    await s.commit();
    expect(await emails()).toEqual(['ann@x.org']);
  });

  test('what a beforeFlush listener adds and changes is written by the same flush; its query does not flush', async () => {
    await using s = db.engine.session();
    const bob = s.add(newUser('bob@x.org'));
    await s.flush();
    let found = -1;
    s.on('beforeFlush', async (session) => {
      found = (await session.find(HookedUser)).length;
      session.add(newUser('cat@x.org'));
      bob.email = 'bob2@x.org';
    });
    s.add(newUser('dan@x.org'));
    db.recorder.clear();
    await s.flush();
    // The query saw the table as it was: dan was not flushed by its autoflush.
    expect(found).toBe(1);
    const verbs = db.recorder.sql.map((q) => q.split(' ')[0]!.toUpperCase());
    expect(verbs).toEqual(['SELECT', 'INSERT', 'UPDATE']);
    expect(s.new).toEqual([]);
    expect(s.dirty).toEqual([]);
    await s.commit();
    expect(await emails()).toEqual(['bob2@x.org', 'cat@x.org', 'dan@x.org']);
  });

  test('@BeforeInsert values and a flush() from an afterFlush listener: the first written, the second refused; after-listener changes go in the next flush', async () => {
    await using s = db.engine.session();
    let refused: unknown;
    let once = true;
    s.on('afterFlush', async (session) => {
      if (!once) return;
      once = false;
      session.add(newUser('eve@x.org'));
      await session.flush().catch((e: unknown) => {
        refused = e;
      });
    });
    s.add(newUser('fay@x.org'));
    await s.flush();
    expect(refused).toBeInstanceOf(TransactionStateError);
    expect(calls).toEqual(['beforeInsert:fay@x.org', 'afterInsert:fay@x.org:number']);
    expect(s.new.map((u) => (u as HookedUser).email)).toEqual(['eve@x.org']);
    await s.commit();
    expect(await emails()).toEqual(['eve@x.org', 'fay@x.org']);
    const rows = (await db.engine.execute(select(users).from(users))) as { email: string; slug: string }[];
    expect(rows.map((r) => r.slug).sort()).toEqual(['eve', 'fay']);
  });

  test('concurrent flush() calls outside listeners still run one after another', async () => {
    await using s = db.engine.session();
    s.on('beforeFlush', async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
    });
    s.add(newUser('gus@x.org'));
    const first = s.flush();
    s.add(newUser('hal@x.org'));
    await Promise.all([first, s.flush()]);
    await s.commit();
    expect(await emails()).toEqual(['gus@x.org', 'hal@x.org']);
  });
});
