import { select, stateOf, table, update } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { stateIfMade } from '../../../src/orm/identity/instance-state';
import { collectGarbage } from './gc';
import { Post, seed, User } from './model';

/**
 * Entities a query loads get their state when something asks for it (LoadedGroup), not at
 * hydration. Everything a state says must be what an eager one would have said.
 */

describeEachDialect('states of loaded entities', (ctx) => {
  const db = useTestEngine(ctx, { setUp: seed });

  test('a loaded entity has no state until asked; then it has the one hydration would have made, kept', async () => {
    await using s = db.engine.session();
    const posts = await s.find(Post, { orderBy: { id: 'asc' } });
    expect(posts.map((p) => stateIfMade(p))).toEqual(posts.map(() => undefined));
    // Reading values and to-one keys makes none.
    expect(posts.map((p) => [p.title, p.author.id])).toEqual([
      ['Hello world', 1],
      ['Second post', 1],
      ['hello again', 1],
      ['Bob writes', 2],
      ['Bob again', 2],
      ['Dee', 4],
    ]);
    expect(stateIfMade(posts[3]!)).toBeUndefined();
    const state = stateOf(posts[3]!)!;
    expect([state.status, state.key, state.meta.name, state.expired]).toEqual(['persistent', 13, 'Post', false]);
    expect(state.snapshot).toEqual([13, 'Bob writes', 0, 2, 1]);
    expect(stateOf(posts[3]!)).toBe(state);
    expect(stateIfMade(posts[3]!)).toBe(state);
    expect(s.contains(posts[5]!)).toBe(true);
  });

  test('a write to a loaded entity is tracked from its loaded values: one UPDATE of the changed column, by key', async () => {
    await using s = db.engine.session();
    const posts = await s.find(Post, { orderBy: { id: 'asc' } });
    posts[4]!.views = 70;
    posts[5]!.views = 1000; // unchanged: nothing to write
    expect(s.dirty).toEqual([posts[4]]);
    db.recorder.clear();
    await s.commit();
    const updates = db.recorder.sql.filter((q) => /^UPDATE/i.test(q));
    expect(updates).toHaveLength(1);
    expect(updates[0]).toMatch(/views/);
    expect(updates[0]).not.toMatch(/title/);
    const p = table(Post);
    const rows = await db.engine.execute(select(p).where(p.id.in([14, 15])).orderBy(p.id));
    expect(rows.map((r) => [r.id, r.views])).toEqual([
      [14, 70],
      [15, 1000],
    ]);
    expect(stateOf(posts[4]!)!.snapshot![2]).toBe(70);
  });

  test('the same row loaded again is the same object; expire makes the next load refresh it', async () => {
    await using s = db.engine.session();
    const [first] = await s.find(Post, { where: { id: 10 } });
    const p = table(Post);
    await db.engine.execute(update(p).set({ views: 101 }).where(p.id.eq(10)));
    const [again] = await s.find(Post, { where: { id: 10 } });
    expect(again).toBe(first);
    expect(again!.views).toBe(100);
    s.expire(first!);
    const [refreshed] = await s.find(Post, { where: { id: 10 } });
    expect(refreshed).toBe(first);
    expect(first!.views).toBe(101);
  });

  test('closing the session detaches loaded entities, states made before or after; unreferenced ones are collected', async () => {
    const s = db.engine.session();
    const posts = await s.find(Post, { orderBy: { id: 'asc' } });
    const before = stateOf(posts[0]!)!;
    await s.close();
    expect(before.status).toBe('detached');
    expect(stateOf(posts[1]!)!.status).toBe('detached');
    expect(stateOf(posts[1]!)!.key).toBe(11);

    await using t = db.engine.session({ identityMap: { strongGroups: 0 } });
    await t.find(User);
    const kept = await t.find(Post, { where: { id: 15 } });
    await collectGarbage();
    t.identityMap.sweep();
    // Only the post still referenced here (with its loaded group) is held.
    expect(t.identityMap.size).toBe(1);
    expect(stateOf(kept[0]!)!.key).toBe(15);
  });
});
