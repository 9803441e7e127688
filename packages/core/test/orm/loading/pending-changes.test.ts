import { ref } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { Comment, Post, seedLarge, User } from './model';

/**
 * Loads meeting the session's unflushed changes: lazy loads and populate autoflush first when a
 * flush could change what they find, and a collection changed before it was loaded keeps those
 * changes when its rows arrive. Sessions here never commit: the seeded rows stay as they are.
 * New rows get explicit keys above the seeded ones.
 */

const ids = (objects: Iterable<{ id: number }>): number[] => [...objects].map((o) => o.id);

describeEachDialect('loading with pending changes', (ctx) => {
  const db = useTestEngine(ctx, { setUp: (engine) => seedLarge(engine, 10), setUpTimeoutMs: 60_000 });

  const verbs = (): string[] => db.recorder.sql.map((q) => q.split(' ')[0]!.toUpperCase());

  test('collection.load() autoflushes a new post whose author is the user: one INSERT, then the SELECT that finds it', async () => {
    await using s = db.engine.session();
    const u = (await s.get(User, 1))!;
    const fresh = s.add(Object.assign(new Post(), { id: 1001, title: 'fresh', author: u }));
    db.recorder.clear();
    const posts = await u.posts.load();
    expect(verbs()).toEqual(['INSERT', 'SELECT']);
    expect(ids(posts)).toEqual([1, 2, 3, 4, 5, 1001]);
    expect(posts[5]).toBe(fresh);
  });

  test('a column-only change does not autoflush a lazy load', async () => {
    await using s = db.engine.session();
    const u = (await s.get(User, 2))!;
    u.name = 'renamed';
    db.recorder.clear();
    await u.posts.load();
    expect(verbs()).toEqual(['SELECT']);
    expect(s.isModified(u)).toBe(true);
  });

  test('ref.load() autoflushes pending changes before its SELECT; a Ref to a pending object resolves in memory', async () => {
    await using s = db.engine.session();
    const p = (await s.get(Post, 7))!;
    s.add(Object.assign(new Comment(), { id: 5002, body: 'pending', post: p }));
    db.recorder.clear();
    expect((await p.author.load()).id).toBe(2);
    expect(verbs()).toEqual(['INSERT', 'SELECT']);
    const mentor = s.add(Object.assign(new User(), { id: 2001, name: 'new mentor' }));
    const u = (await s.get(User, 3))!;
    u.mentor = ref(User, 2001);
    db.recorder.clear();
    expect(await u.mentor.load()).toBe(mentor);
    expect(db.recorder.count).toBe(0);
  });

  test('populate autoflushes: a new comment added to an unloaded collection is found', async () => {
    await using s = db.engine.session();
    const p = (await s.get(Post, 4))!;
    const c = s.add(Object.assign(new Comment(), { id: 5001, body: 'late', post: p }));
    db.recorder.clear();
    await s.populate(p, ['comments']);
    expect(verbs()).toEqual(['INSERT', 'SELECT']);
    expect(ids(p.comments)).toEqual([10, 11, 12, 5001]);
    expect(p.comments.getItems()[3]).toBe(c);
  });

  test('without autoflush: adds and removes made before the load are merged with the rows, without duplicates', async () => {
    await using s = db.engine.session({ autoflush: false });
    const u = (await s.get(User, 1))!;
    const [p2, p3] = [(await s.get(Post, 2))!, (await s.get(Post, 3))!];
    const fresh = Object.assign(new Post(), { id: 1002, title: 'fresh' });
    u.posts.add(fresh);
    // Already the user's in the database: added again, listed once.
    u.posts.add(p3);
    u.posts.remove(p2);
    expect(p2.author).toBeNull();
    expect(s.new).toEqual([fresh]);
    db.recorder.clear();
    const posts = await u.posts.load();
    expect(verbs()).toEqual(['SELECT']);
    expect(ids(posts)).toEqual([1, 3, 4, 5, 1002]);
    expect(posts[4]).toBe(fresh);
  });

  test('without autoflush: assignments of the child side count too, and a child moved on since is not kept', async () => {
    await using s = db.engine.session({ autoflush: false });
    const [u4, u5] = [(await s.get(User, 4))!, (await s.get(User, 5))!];
    const moved = Object.assign(new Post(), { id: 1003, title: 'moved', author: u4 });
    const stays = Object.assign(new Post(), { id: 1004, title: 'stays', author: u4 });
    s.addAll([moved, stays]);
    (moved as Post).author = ref(u5);
    const p16 = (await s.get(Post, 16))!;
    p16.author = ref(u5);
    const [a, b] = await Promise.all([u4.posts.load(), u5.posts.load()]);
    expect(ids(a)).toEqual([17, 18, 19, 20, 1004]);
    expect(ids(b)).toEqual([21, 22, 23, 24, 25, 1003, 16]);
  });

  test('without autoflush: a select-in load by a query keeps the changes too', async () => {
    await using s = db.engine.session({ autoflush: false });
    const u = (await s.get(User, 6))!;
    const fresh = Object.assign(new Post(), { id: 1005, title: 'fresh' });
    u.posts.add(fresh);
    const [again] = await s.find(User, { where: { id: 6 }, load: { posts: 'selectin' } });
    expect(again).toBe(u);
    expect(ids(u.posts)).toEqual([26, 27, 28, 29, 30, 1005]);
  });
});
