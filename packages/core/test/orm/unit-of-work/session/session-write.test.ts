import { ReadOnlySessionError, ref, select, StaleDataError, stateOf, table } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Post, registry, Sample, stored, useModel, User } from '../model';

/** The session's write API: add, flush, commit, unchanged objects, set-to-same, JSON in place, merge, read-only. */

describeEachDialect('session writes', (ctx) => {
  const db = useModel(ctx);

  async function rows(t: AnyTable): Promise<Record<string, unknown>[]> {
    return db.engine.execute(select(t).from(t).orderBy(t.$columns[0]!)) as Promise<Record<string, unknown>[]>;
  }

  async function seedAuthor(name = 'ann', age: number | null = 30): Promise<number> {
    const a = Object.assign(new User(), { name, age });
    a.posts.add(Object.assign(new Post(), { title: `${name}'s first` }));
    return stored(db.engine, a);
  }

  test('add + commit: one flush, parents first, keys assigned, objects persistent in the identity map', async () => {
    const s = db.engine.session();
    const a = s.add(Object.assign(new User(), { name: 'ann', age: 30 }));
    const p = Object.assign(new Post(), { title: 'hello' });
    a.posts.add(p);
    expect(p.author.get()).toBe(a);
    expect(s.new).toEqual([a, p]);
    await s.commit();
    expect(typeof a.id).toBe('number');
    expect(p.author.id).toBe(a.id);
    expect(a.version).toBe(1);
    expect(p.views).toBe(0);
    expect(stateOf(a)!.status).toBe('persistent');
    expect(await s.get(User, a.id)).toBe(a);
    expect(s.new).toEqual([]);
    const inserts = db.recorder.sql.filter((q) => /^INSERT/i.test(q));
    expect(inserts).toHaveLength(2);
    expect(inserts[0]).toMatch(/users/);
    expect(inserts[1]).toMatch(/posts/);
    expect((await rows(table(Post) as AnyTable)).map((r) => r.title)).toEqual(['hello']);
    await s.close();
  });

  test('unchanged loaded objects issue no statement; setting a value to what it is issues none either', async () => {
    const id = await seedAuthor();
    await using s = db.engine.session();
    const [a] = await s.find(User, { where: { id } });
    const posts = await s.find(Post);
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.count).toBe(0);
    a!.name = 'ann';
    a!.age = 30;
    posts[0]!.title = posts[0]!.title;
    expect(s.dirty).toEqual([]);
    await s.commit();
    expect(db.recorder.count).toBe(0);
    a!.age = 31;
    a!.age = 30;
    expect(s.isModified(a!)).toBe(false);
    await s.commit();
    expect(db.recorder.count).toBe(0);
  });

  test('a changed property is one UPDATE of that column (and the version and @UpdatedAt)', async () => {
    const id = await seedAuthor();
    await using s = db.engine.session();
    const a = (await s.get(User, id))!;
    a.age = 41;
    expect(s.dirty).toEqual([a]);
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.sql[0]).toMatch(/^UPDATE/i);
    expect(db.recorder.sql[0]).not.toMatch(/name|created_at/);
    expect(db.recorder.sql[0]).toMatch(/updated_at/);
    expect(a.version).toBe(2);
    expect(s.dirty).toEqual([]);
    expect((await rows(table(User) as AnyTable))[0]).toMatchObject({ age: 41, version: 2 });
  });

  test('Dates compare by time, bytes by content, bigints by value', async () => {
    const at = new Date('2024-01-02T03:04:05.000Z');
    const id = await stored(db.engine, Object.assign(new Sample(), { at, bytes: Buffer.from('abc'), big: 5n, data: { a: 1 } }));
    await using s = db.engine.session();
    const d = (await s.get(Sample, id))!;
    d.at = new Date(at.getTime());
    d.bytes = Buffer.from('abc');
    d.big = 5n;
    d.data = { a: 1 };
    expect(s.dirty).toEqual([]);
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.count).toBe(0);
    d.at = new Date(at.getTime() + 1000);
    d.bytes = Buffer.from('abd');
    await s.commit();
    expect(db.recorder.count).toBe(1);
    const [row] = await rows(table(Sample) as AnyTable);
    expect((row!.at as Date).getTime()).toBe(at.getTime() + 1000);
    expect(Buffer.from(row!.bytes as Uint8Array).toString()).toBe('abd');
  });

  test('JSON changed in place is detected (the property was read) and written; an untouched JSON value is not compared', async () => {
    const id = await stored(db.engine, Object.assign(new Sample(), { data: { tags: ['a'], n: 1 } }));
    await using s = db.engine.session();
    const d = (await s.get(Sample, id))!;
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.count).toBe(0);
    (d.data!.tags as string[]).push('b');
    expect(s.isModified(d)).toBe(true);
    await s.commit();
    expect(db.recorder.count).toBe(1);
    expect((await rows(table(Sample) as AnyTable))[0]!.data).toEqual({ tags: ['a', 'b'], n: 1 });
    // Read again, unchanged: nothing written.
    db.recorder.clear();
    expect(d.data!.n).toBe(1);
    await s.commit();
    expect(db.recorder.count).toBe(0);
    // Changed in place, then rolled back: the value is what the row holds again.
    d.data!.n = 2;
    await s.flush();
    await s.rollback();
    expect(d.data).toEqual({ tags: ['a', 'b'], n: 1 });
    expect(s.isModified(d)).toBe(false);
  });

  test('autoflush: a query sees pending changes (flushed first); autoflush: false per query and per session', async () => {
    await using s = db.engine.session();
    s.add(Object.assign(new User(), { name: 'zed' }));
    db.recorder.clear();
    expect(await s.count(User, { name: 'zed' })).toBe(1);
    expect(db.recorder.sql.filter((q) => /^INSERT/i.test(q))).toHaveLength(1);
    expect(db.recorder.count).toBe(2);
    s.add(Object.assign(new User(), { name: 'yan' }));
    db.recorder.clear();
    expect(await s.find(User, { where: { name: 'yan' }, autoflush: false })).toEqual([]);
    expect(db.recorder.count).toBe(1);
    expect(await s.query(User, { autoflush: false }).where({ name: 'yan' }).count()).toBe(0);
    expect((await s.find(User, { where: { name: 'yan' } })).map((a) => a.name)).toEqual(['yan']);
    await s.rollback();

    await using quiet = db.engine.session({ autoflush: false });
    quiet.add(Object.assign(new User(), { name: 'xia' }));
    db.recorder.clear();
    expect(await quiet.count(User)).toBe(0);
    expect(db.recorder.count).toBe(1);
    await quiet.commit();
    expect(await quiet.count(User)).toBe(1);
  });

  test('merge: a detached copy is copied onto the session’s object (only differences written); an unknown one becomes new', async () => {
    const id = await seedAuthor('ann', 30);
    const detached = (await db.engine.session(async (s) => s.get(User, id)))!;
    expect(stateOf(detached)!.status).toBe('detached');
    detached.age = 77;
    await using s = db.engine.session();
    const held = (await s.get(User, id))!;
    db.recorder.clear();
    const merged = await s.merge(detached);
    expect(merged).toBe(held);
    expect(merged).not.toBe(detached);
    expect(held.age).toBe(77);
    expect(s.dirty).toEqual([held]);
    await s.commit();
    expect(db.recorder.sql.filter((q) => /^UPDATE/i.test(q))).toHaveLength(1);
    const fresh = Object.assign(new User(), { name: 'new one' });
    const added = await s.merge(fresh);
    expect(added).not.toBe(fresh);
    expect(s.new).toEqual([added]);
    await s.commit();
    expect((await rows(table(User) as AnyTable)).map((r) => r.name).sort()).toEqual(['ann', 'new one']);
  });

  test('merge: a detached copy at an older version is a StaleDataError naming the row', async () => {
    const id = await seedAuthor('ann', 30);
    const detached = (await db.engine.session(async (s) => s.get(User, id)))!;
    await db.engine.session(async (s) => {
      (await s.get(User, id))!.age = 31;
    });
    await using s = db.engine.session();
    await expect(s.merge(detached)).rejects.toThrow(StaleDataError);
    await expect(s.merge(detached)).rejects.toThrow(new RegExp(`detached User#${id} has version 1, the row has 2`));
  });

  test('a read-only session refuses add and flush', async () => {
    const id = await seedAuthor();
    await using s = db.engine.session({ readOnly: true });
    expect(() => s.add(new User())).toThrow(ReadOnlySessionError);
    const a = (await s.get(User, id))!;
    a.age = 99;
    db.recorder.clear();
    await expect(s.flush()).rejects.toThrow(ReadOnlySessionError);
    await expect(s.flush()).rejects.toThrow(/flush\(\): this session is read-only/);
    expect(db.recorder.count).toBe(0);
    // Reads still work (no autoflush in a read-only session).
    expect(await s.count(User)).toBe(1);
  });

  test('post.author = ref(User, id) sets the foreign key without loading the author', async () => {
    const [a, b] = [await seedAuthor('ann'), await seedAuthor('bob')];
    await using s = db.engine.session();
    const [p] = await s.find(Post, { where: { author: a } });
    db.recorder.clear();
    p!.author = ref(User, b);
    await s.commit();
    expect(db.recorder.count).toBe(1);
    expect((await rows(table(Post) as AnyTable)).filter((r) => r.authorId === b)).toHaveLength(2);
    expect(registry.get(Post).name).toBe('Post');
  });
});
