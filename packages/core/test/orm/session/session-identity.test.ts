import { NotFoundError, SessionClosedError, stateOf, table, update } from '@athanor/core';
import type { Session } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { collectGarbage } from './gc';
import { Animal, Cat, Dog, Membership, Post, seed, User } from './model';

/** One object per row per session, key reads from the identity map, refresh/expire/expunge/close. */

describeEachDialect('session identity', (ctx) => {
  const db = useTestEngine(ctx, { setUp: seed });

  test('get() twice gives the same object; the second issues no statement', async () => {
    await using s = db.engine.session();
    const first = await s.get(User, 1);
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.statements[0]!.params).toEqual([1]);
    expect(db.recorder.sql[0]).toMatch(/^SELECT .* FROM .*users.* WHERE .*id.* = /);
    db.recorder.clear();
    const second = await s.get(User, 1);
    expect(second).toBe(first);
    expect(db.recorder.count).toBe(0);
  });

  test('the key read reuses one SQL text for every key (compiled once per entity)', async () => {
    await using s = db.engine.session();
    await s.get(User, 2);
    await s.get(User, 3);
    await s.get(User, 4);
    expect(new Set(db.recorder.sql).size).toBe(1);
    expect(db.recorder.statements.map((st) => st.params)).toEqual([[2], [3], [4]]);
  });

  test('get() of a missing key is null, and asks again next time', async () => {
    await using s = db.engine.session();
    expect(await s.get(User, 999)).toBeNull();
    expect(await s.get(User, 999)).toBeNull();
    expect(db.recorder.count).toBe(2);
  });

  test('objects loaded by queries are merged: the same object from find, findOne and get', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { orderBy: { id: 'asc' } });
    const ann = await s.findOne(User, { where: { username: 'ann' } });
    expect(ann).toBe(users[0]);
    const again = await s.find(User, { where: { id: { in: [1, 2] } }, orderBy: { id: 'asc' } });
    expect(again[0]).toBe(users[0]);
    expect(again[1]).toBe(users[1]);
    db.recorder.clear();
    expect(await s.get(User, 2)).toBe(users[1]);
    expect(db.recorder.count).toBe(0);
    // through a relationship filter too
    const [author] = await s.find(User, { where: { posts: { id: 15 } } });
    expect(author).toBe(users[3]);
  });

  test('a query does not overwrite the current values of an object the session holds', async () => {
    // autoflush off: the query must not write the change first.
    await using s = db.engine.session({ autoflush: false });
    const ann = (await s.get(User, 1))!;
    ann.age = 99;
    const [again] = await s.find(User, { where: { id: 1 } });
    expect(again).toBe(ann);
    expect(again!.age).toBe(99);
    expect(stateOf(ann)!.snapshot).toContain(31);
  });

  test('composite keys: get by an object of key properties, from the map the second time', async () => {
    await using s = db.engine.session();
    const m = await s.get(Membership, { orgId: 1, member: 'ann' });
    expect(m).toMatchObject({ orgId: 1, member: 'ann', role: 'owner' });
    expect(db.recorder.statements[0]!.params).toEqual([1, 'ann']);
    db.recorder.clear();
    expect(await s.get(Membership, { member: 'ann', orgId: 1 })).toBe(m);
    expect(db.recorder.count).toBe(0);
    const all = await s.find(Membership, { orderBy: { orgId: 'asc', member: 'asc' } });
    expect(all).toHaveLength(3);
    expect(all[0]).toBe(m);
    expect(await s.get(Membership, { orgId: 2, member: 'bob' })).toBeNull();
  });

  test('single-table inheritance: get() through the root or a subclass shares one identity', async () => {
    await using s = db.engine.session();
    const tom = await s.get(Animal, 2);
    expect(tom).toBeInstanceOf(Cat);
    db.recorder.clear();
    expect(await s.get(Cat, 2)).toBe(tom);
    expect(await s.get(Dog, 2)).toBeNull();
    expect(db.recorder.count).toBe(0);
    expect(await s.get(Dog, 3)).toBeInstanceOf(Dog);
    expect(await s.get(Cat, 1)).toBeNull();
  });

  test('expire(): the next get() reloads and overwrites', async () => {
    await using s = db.engine.session();
    const bob = (await s.get(User, 2))!;
    bob.age = 1;
    s.expire(bob);
    db.recorder.clear();
    expect(await s.get(User, 2)).toBe(bob);
    expect(db.recorder.count).toBe(1);
    expect(bob.age).toBe(25);
    expect(stateOf(bob)!.expired).toBe(false);
  });

  test('expire(): a query that loads the row overwrites too', async () => {
    await using s = db.engine.session();
    const bob = (await s.get(User, 2))!;
    bob.username = 'renamed';
    s.expire(bob);
    const [again] = await s.find(User, { where: { id: 2 } });
    expect(again).toBe(bob);
    expect(bob.username).toBe('bob');
  });

  test('refresh(): reloads from the database, overwriting', async () => {
    await using s = db.engine.session();
    const post = (await s.get(Post, 14))!;
    post.title = 'edited in memory';
    const p = table(Post);
    await db.engine.execute(update(p).set({ views: 70, reviewerId: 1 }).where(p.id.eq(14)));
    try {
      await s.refresh(post);
      expect(post.title).toBe('Bob again');
      expect(post.views).toBe(70);
      expect(post.reviewer!.id).toBe(1);
      expect(stateOf(post)!.snapshot).toContain(70);
    } finally {
      await db.engine.execute(update(p).set({ views: 7, reviewerId: null }).where(p.id.eq(14)));
    }
  });

  test('refresh() of an object whose row is gone is NotFoundError', async () => {
    await using s = db.engine.session();
    const u = table(User);
    const ghost = (await s.get(User, 5))!;
    await db.engine.execute(update(u).set({ id: 50 }).where(u.id.eq(5)));
    try {
      await expect(s.refresh(ghost)).rejects.toThrow(NotFoundError);
      await expect(s.refresh(ghost)).rejects.toThrow('refresh(User#5): the User row no longer exists.');
    } finally {
      await db.engine.execute(update(u).set({ id: 5 }).where(u.id.eq(50)));
    }
  });

  test('expunge() and contains()', async () => {
    await using s = db.engine.session();
    const ann = (await s.get(User, 1))!;
    expect(s.contains(ann)).toBe(true);
    expect(s.contains({ ...ann })).toBe(false);
    expect(s.contains(new User())).toBe(false);
    s.expunge(ann);
    expect(s.contains(ann)).toBe(false);
    expect(stateOf(ann)!.status).toBe('detached');
    const fresh = await s.get(User, 1);
    expect(fresh).not.toBe(ann);
    expect(() => s.expunge(ann)).toThrow(/not in this session/);
    expect(() => s.expire({})).toThrow(/a Object this session does not know/);
    await using other = db.engine.session();
    expect(other.contains(fresh!)).toBe(false);
  });

  test('close() detaches everything; the session refuses further use', async () => {
    const s = db.engine.session();
    const ann = (await s.get(User, 1))!;
    await s.close();
    expect(s.contains(ann)).toBe(false);
    expect(stateOf(ann)!.status).toBe('detached');
    expect(s.identityMap.size).toBe(0);
    await expect(s.get(User, 1)).rejects.toThrow(SessionClosedError);
    expect(() => s.query(User)).toThrow('This session is closed; start another with engine.session().');
    await s.close(); // twice is fine
  });

  test('await using closes the session', async () => {
    let kept: User;
    let session: { isClosed: boolean };
    {
      await using s = db.engine.session();
      session = s;
      kept = (await s.get(User, 1))!;
    }
    expect(session.isClosed).toBe(true);
    expect(stateOf(kept)!.status).toBe('detached');
  });

  test('a closed session and its objects are collectable (nothing keeps sessions alive)', async () => {
    let s: Session | undefined = db.engine.session();
    let users: User[] | undefined = await s.find(User);
    const sessionRef = new WeakRef(s);
    const userRef = new WeakRef(users[0]!);
    await s.close();
    s = undefined;
    users = undefined;
    await collectGarbage();
    expect(sessionRef.deref()).toBeUndefined();
    expect(userRef.deref()).toBeUndefined();
  });

  test('sessions do not share objects', async () => {
    await using a = db.engine.session();
    await using b = db.engine.session();
    const fromA = await a.get(User, 1);
    const fromB = await b.get(User, 1);
    expect(fromA).not.toBe(fromB);
    expect(fromA).toEqual(fromB);
  });
});
