import { select, stateOf, table } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Post, useModel, User } from '../model';

/**
 * A flushed new object takes its inserted row (generated key, defaults, version) as its values
 * and snapshot in one step; what the application writes afterwards is tracked against that
 * snapshot, and a rollback takes back what the flush set while keeping what the application set.
 */

describeEachDialect('values of inserted objects', (ctx) => {
  const db = useModel(ctx);

  const author = (name: string, age: number | null = null): User => Object.assign(new User(), { name, age });
  const rows = (t: AnyTable) => db.engine.execute(select(t).from(t));

  test('after the INSERT the object holds the row; a later write is one UPDATE of that column, and writing the value back is none', async () => {
    await using s = db.engine.session();
    const a = s.add(author('ann', 30));
    await s.flush();
    expect(a.id).toEqual(expect.any(Number));
    expect(a.version).toBe(1);
    expect(stateOf(a)!.snapshot).toContain(30);
    a.age = 31;
    expect(s.dirty).toEqual([a]);
    // The snapshot is the row as inserted: the write went to a copy.
    expect(stateOf(a)!.snapshot).toContain(30);
    expect(stateOf(a)!.snapshot).not.toContain(31);
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.sql.filter((q) => /^UPDATE/i.test(q))).toHaveLength(1);
    expect(db.recorder.sql.find((q) => /^UPDATE/i.test(q))).not.toMatch(/name/);
    expect(a.version).toBe(2);
    a.age = 40;
    a.age = 31;
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.sql.filter((q) => /^(UPDATE|INSERT)/i.test(q))).toEqual([]);
    expect((await rows(table(User) as AnyTable))[0]).toMatchObject({ name: 'ann', age: 31, version: 2 });
  });

  test('a rollback after the flush takes back the key, defaults and version, and keeps what the application set', async () => {
    await using s = db.engine.session();
    const a = s.add(author('ann', 30));
    const p = Object.assign(new Post(), { title: 'hello' });
    a.posts.add(p);
    await s.flush();
    expect(p.views).toBe(0);
    expect(p.author.id).toBe(a.id);
    a.age = 31;
    p.title = 'hello again';
    await s.rollback();
    for (const o of [a, p]) expect(stateOf(o)!.status).toBe('transient');
    expect(a.id).toBeUndefined();
    expect(a.version).toBeUndefined();
    expect(a.age).toBe(31);
    expect(p.id).toBeUndefined();
    expect(p.views).toBeUndefined();
    expect(p.title).toBe('hello again');
    expect(p.author.value).toBe(a);
    expect(await rows(table(Post) as AnyTable)).toEqual([]);
    // Added again, they are inserted with the values they hold, the post pointing at its author's new key.
    s.add(a);
    await s.commit();
    const [authorRow] = await rows(table(User) as AnyTable);
    const [postRow] = await rows(table(Post) as AnyTable);
    expect(authorRow).toMatchObject({ name: 'ann', age: 31, version: 1 });
    expect(postRow).toMatchObject({ title: 'hello again', views: 0 });
    expect(Object.values(postRow as object)).toContain(a.id);
  });
});
