import { addEntityListener, select, table } from '@athanor/core';
import type { AnyTable, FlushEventContext, Session } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { calls, HookedUser, useModel } from './model';

/** Session events around flush, commit and rollback; entity lifecycle hooks; listeners by class. */

describeEachDialect('session events and lifecycle hooks', (ctx) => {
  const db = useModel(ctx, HookedUser);
  const users = table(HookedUser) as AnyTable;

  function newUser(email: string): HookedUser {
    return Object.assign(new HookedUser(), { email });
  }

  function sizes(f: FlushEventContext): string {
    return `${f.new.size}/${f.dirty.size}/${f.deleted.size}`;
  }

  test('beforeFlush, hooks, afterFlush, afterCommit in order; listeners get the session and the flush sets', async () => {
    const s = db.engine.session();
    const seen: string[] = [];
    s.on('beforeFlush', (session, f) => { expect(session).toBe(s); seen.push(`beforeFlush ${sizes(f)}`); calls.push('beforeFlush'); });
    s.on('afterFlush', (_s, f) => { seen.push(`afterFlush ${sizes(f)}`); calls.push('afterFlush'); });
    s.on('afterCommit', (session) => { expect(session).toBe(s); calls.push('afterCommit'); });
    s.on('afterRollback', () => calls.push('afterRollback'));
    const u = s.add(newUser('ann@x.org'));
    await s.commit();
    expect(calls).toEqual(['beforeFlush', 'beforeInsert:ann@x.org', 'afterInsert:ann@x.org:number', 'afterFlush', 'afterCommit']);
    expect(seen).toEqual(['beforeFlush 1/0/0', 'afterFlush 1/0/0']);

    calls.length = 0;
    seen.length = 0;
    u.email = 'ann2@x.org';
    await s.flush();
    s.delete(u);
    await s.flush();
    await s.rollback();
    expect(calls).toEqual([
      'beforeFlush', 'beforeUpdate:ann2@x.org', 'afterUpdate:ann2@x.org', 'afterFlush',
      'beforeFlush', 'beforeDelete:ann2@x.org', 'afterDelete:ann2@x.org', 'afterFlush',
      'afterRollback',
    ]);
    expect(seen).toEqual(['beforeFlush 0/1/0', 'afterFlush 0/1/0', 'beforeFlush 0/0/1', 'afterFlush 0/0/1']);
    await s.close();
  });

  test('no changes: no flush events; off() removes a listener', async () => {
    const s = db.engine.session();
    const l = (): void => { calls.push('beforeFlush'); };
    s.on('beforeFlush', l);
    await s.flush();
    expect(calls).toEqual([]);
    s.off('beforeFlush', l);
    s.add(newUser('bob@x.org'));
    await s.flush();
    expect(calls).toEqual(['beforeInsert:bob@x.org', 'afterInsert:bob@x.org:number']);
    await s.rollback();
    await s.close();
  });

  test('values set by before-hooks are written by the same flush; @AfterLoad runs at hydration', async () => {
    await db.engine.session(async (s) => {
      s.add(newUser('cat@x.org'));
    });
    expect((await db.engine.execute(select(users).from(users))) as Record<string, unknown>[]).toMatchObject([{ email: 'cat@x.org', slug: 'cat', edits: 0 }]);
    db.recorder.clear();
    await db.engine.session(async (s) => {
      const [u] = await s.find(HookedUser);
      expect(u!.loaded).toBe(true);
      u!.email = 'cat2@x.org';
    });
    const updates = db.recorder.sql.filter((q) => /^UPDATE/i.test(q));
    expect(updates).toHaveLength(1);
    expect((await db.engine.execute(select(users).from(users))) as Record<string, unknown>[]).toMatchObject([{ email: 'cat2@x.org', edits: 1 }]);
  });

  test('a beforeFlush listener can add objects, flushed with the rest', async () => {
    const s = db.engine.session();
    s.on('beforeFlush', (session: Session, f) => {
      if (f.new.size === 1) session.add(newUser('audit@x.org'));
    });
    s.add(newUser('dan@x.org'));
    await s.commit();
    const rows = (await db.engine.execute(select(users).from(users))) as Record<string, unknown>[];
    expect(rows.map((r) => r.email).sort()).toEqual(['audit@x.org', 'dan@x.org']);
    await s.close();
  });

  test('listeners registered by class get the instance and the session; a query inside a hook does not deadlock', async () => {
    const got: [HookedUser, unknown][] = [];
    const remove = addEntityListener(HookedUser, 'beforeInsert', async (user, session) => {
      got.push([user, session]);
      user.slug = `listener-${user.slug}`;
      await (session as Session).find(HookedUser);
    });
    try {
      const s = db.engine.session();
      const u = s.add(newUser('eve@x.org'));
      await s.commit();
      expect(got).toEqual([[u, s]]);
      const rows = (await db.engine.execute(select(users).from(users))) as Record<string, unknown>[];
      // Decorated hooks run first, then listeners by class.
      expect(rows[0]!.slug).toBe('listener-eve');
      await s.close();
    } finally {
      remove();
    }
    await db.engine.session(async (s) => {
      s.add(newUser('fay@x.org'));
    });
    expect(got).toHaveLength(1);
  });

  test('a failed flush: no afterFlush; after-rollback fires on rollback()', async () => {
    await db.engine.session(async (s) => {
      s.add(newUser('gil@x.org'));
    });
    calls.length = 0;
    const s = db.engine.session();
    s.on('afterFlush', () => calls.push('afterFlush'));
    s.on('afterRollback', () => calls.push('afterRollback'));
    s.add(newUser('gil@x.org'));
    await expect(s.flush()).rejects.toThrow();
    expect(calls).toEqual(['beforeInsert:gil@x.org']);
    await s.rollback();
    expect(calls).toEqual(['beforeInsert:gil@x.org', 'afterRollback']);
    await s.close();
  });

  test('engine-wide listeners run for every session, before the session\'s own; offSession removes them', async () => {
    const order: string[] = [];
    const shared = (session: Session): void => { order.push(`engine:${session === undefined ? '?' : 'session'}`); };
    db.engine.onSession('afterCommit', shared);
    try {
      const s = db.engine.session();
      s.on('afterCommit', () => order.push('own'));
      s.add(newUser('hal@x.org'));
      await s.commit();
      await s.close();
      await db.engine.session(async (t) => {
        t.add(newUser('ida@x.org'));
      });
      expect(order).toEqual(['engine:session', 'own', 'engine:session']);
    } finally {
      db.engine.offSession('afterCommit', shared);
    }
    await db.engine.session(async (t) => {
      t.add(newUser('jon@x.org'));
    });
    expect(order).toHaveLength(3);
  });

  test('transaction(fn): afterCommit when fn resolves, afterRollback when it throws', async () => {
    const s = db.engine.session();
    s.on('afterCommit', () => calls.push('afterCommit'));
    s.on('afterRollback', () => calls.push('afterRollback'));
    await s.transaction(async (t) => { t.add(newUser('kim@x.org')); });
    await expect(s.transaction(async (t) => { t.add(newUser('lea@x.org')); await t.flush(); throw new Error('no'); })).rejects.toThrow('no');
    expect(calls.filter((c) => c.startsWith('after') && !c.startsWith('afterInsert'))).toEqual(['afterCommit', 'afterRollback']);
    await s.close();
  });
});
