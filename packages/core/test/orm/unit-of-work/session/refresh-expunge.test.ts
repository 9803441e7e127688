import { table, update } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Comment, Post, useModel, User } from '../model';

/**
 * The `refresh` and `expunge` cascades: User.posts cascades `all` (refresh and expunge
 * included), Post.comments only save and delete, so the walk stops at the posts.
 */

describeEachDialect('refresh and expunge cascades', (ctx) => {
  const db = useModel(ctx);

  /** ann with two posts of one comment each. */
  async function seed(): Promise<number> {
    return db.engine.session(async (s) => {
      const ann = s.add(Object.assign(new User(), { name: 'ann' }));
      for (const title of ['one', 'two']) {
        const p = Object.assign(new Post(), { title });
        p.comments.add(Object.assign(new Comment(), { body: `${title}-c` }));
        ann.posts.add(p);
      }
      await s.flush();
      return ann.id;
    });
  }

  test('expunge: the loaded posts leave the session with their author; comments (no expunge cascade) stay', async () => {
    const ann = await seed();
    await using s = db.engine.session();
    const [a] = await s.find(User, { where: { id: ann }, load: { posts: 'selectin', 'posts.comments': 'selectin' } });
    const [one, two] = a!.posts.getItems();
    const comment = one!.comments.getItems()[0]!;
    s.expunge(a!);
    expect([s.contains(a!), s.contains(one!), s.contains(two!)]).toEqual([false, false, false]);
    expect(s.contains(comment)).toBe(true);
    // Detached: their changes are no longer the session's to write.
    one!.views = 9;
    a!.age = 40;
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.count).toBe(0);
    // A get reads the rows afresh: new objects, not the expunged ones.
    const again = (await s.get(Post, one!.id))!;
    expect(again).not.toBe(one);
    expect(again.views).toBe(0);
  });

  test('expunge: unloaded posts are not loaded for it; a relationship without the cascade detaches nothing', async () => {
    const ann = await seed();
    await using s = db.engine.session();
    const a = (await s.get(User, ann))!;
    const posts = await s.find(Post, { orderBy: { id: 'asc' } });
    db.recorder.clear();
    s.expunge(posts[0]!);
    expect(db.recorder.count).toBe(0);
    // Post.author cascades save only: the author stays.
    expect(s.contains(a)).toBe(true);
    expect(s.contains(posts[1]!)).toBe(true);
    // posts were not loaded through a.posts: expunging the author leaves them in the session.
    s.expunge(a);
    expect(s.contains(posts[1]!)).toBe(true);
    expect(db.recorder.count).toBe(0);
  });

  test('expunge cascades to pending children too: they are never inserted', async () => {
    const ann = await seed();
    await using s = db.engine.session();
    const [a] = await s.find(User, { where: { id: ann }, load: { posts: 'selectin' } });
    const fresh = Object.assign(new Post(), { title: 'fresh' });
    a!.posts.add(fresh);
    expect(s.new).toEqual([fresh]);
    s.expunge(a!);
    expect(s.new).toEqual([]);
    await s.commit();
    const titles = (await db.engine.session((s2) => s2.find(Post, { orderBy: { id: 'asc' } }))).map((p) => p.title);
    expect(titles).toEqual(['one', 'two']);
  });

  test("refresh: the loaded posts' columns are read back (one statement for all of them), their unflushed changes dropped; comments are not", async () => {
    const ann = await seed();
    await using s = db.engine.session();
    const [a] = await s.find(User, { where: { id: ann }, load: { posts: 'selectin', 'posts.comments': 'selectin' } });
    const [one, two] = a!.posts.getItems();
    const comment = one!.comments.getItems()[0]!;
    const p = table(Post);
    const c = table(Comment);
    await db.engine.execute(update(p).set({ views: 7 }));
    await db.engine.execute(update(c).set({ body: 'changed' }));
    await db.engine.execute(update(table(User)).set({ age: 33 }));
    one!.title = 'local edit';
    expect(s.isModified(one!)).toBe(true);
    db.recorder.clear();
    await s.refresh(a!);
    expect(db.recorder.sql).toHaveLength(2);
    expect(db.recorder.sql.every((q) => /^SELECT/i.test(q))).toBe(true);
    expect(db.recorder.sql[1]).toMatch(/posts/);
    expect(a!.age).toBe(33);
    expect([one!.title, one!.views, two!.views]).toEqual(['one', 7, 7]);
    expect(s.isModified(one!)).toBe(false);
    expect(comment.body).toBe('one-c');
    // Nothing left to write.
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.count).toBe(0);
  });

  test('refresh without loaded children reads only the row; a pending child is left as it is', async () => {
    const ann = await seed();
    await using s = db.engine.session();
    const a = (await s.get(User, ann))!;
    db.recorder.clear();
    await s.refresh(a);
    expect(db.recorder.count).toBe(1);
    await a.posts.load();
    const fresh = Object.assign(new Post(), { title: 'fresh' });
    a.posts.add(fresh);
    db.recorder.clear();
    await s.refresh(a);
    // The pending post has no row to read; it is still inserted at commit.
    expect(db.recorder.count).toBe(2);
    expect(s.new).toEqual([fresh]);
    await s.commit();
    expect(typeof fresh.id).toBe('number');
  });
});
