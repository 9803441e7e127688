import { InvalidArgumentError, ref, Ref, select, stateOf, table } from '@athanor/core';
import type { AnyTable, EntityClass } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Comment, Member, Post, postTags, rowCount, stored, Tag, Team, useModel, User } from '../model';

/** Cascades (save, delete, delete-orphan), many-to-many links, back-population through the session. */

describeEachDialect('session cascades', (ctx) => {
  const db = useModel(ctx);

  const count = (of: EntityClass | AnyTable): Promise<number> => rowCount(db.engine, of);
  const verbs = (): string[] => db.recorder.sql.map((q) => q.split(' ')[0]!.toUpperCase());

  /** ann with two posts, each with two comments; the first post tagged 'x'. */
  async function seed(): Promise<{ ann: number; posts: number[] }> {
    return db.engine.session(async (s) => {
      const ann = s.add(Object.assign(new User(), { name: 'ann' }));
      const tag = Object.assign(new Tag(), { name: 'x' });
      for (const title of ['one', 'two']) {
        const p = Object.assign(new Post(), { title });
        p.comments.add(Object.assign(new Comment(), { body: `${title}-1` }), Object.assign(new Comment(), { body: `${title}-2` }));
        ann.posts.add(p);
      }
      ann.posts.getItems()[0]!.tags.add(tag);
      await s.flush();
      return { ann: ann.id, posts: ann.posts.getItems().map((p) => p.id) };
    });
  }

  test('save: adding a parent inserts the new children and grandchildren it reaches (one flush, parents first)', async () => {
    await seed();
    expect(await count(User)).toBe(1);
    expect(await count(Post)).toBe(2);
    expect(await count(Comment)).toBe(4);
    expect(await count(Tag)).toBe(1);
    expect(await count(postTags())).toBe(1);
    const inserts = db.recorder.sql.filter((q) => /^INSERT/i.test(q)).map((q) => /INTO\s+\W?(\w+)/i.exec(q)![1]);
    expect(inserts.indexOf('users')).toBeLessThan(inserts.indexOf('posts'));
    expect(inserts.indexOf('posts')).toBeLessThan(inserts.lastIndexOf('comments'));
  });

  test('save: a new parent in a Ref is inserted before its child; objects attached after add() join at once', async () => {
    await using s = db.engine.session();
    const p = Object.assign(new Post(), { title: 'solo' });
    p.author = ref(Object.assign(new User(), { name: 'new parent' }));
    s.add(p);
    expect(s.new).toHaveLength(2);
    const later = Object.assign(new Comment(), { body: 'late' });
    p.comments.add(later);
    expect(stateOf(later)!.status).toBe('pending');
    await s.commit();
    expect(p.author.id).toBe(p.author.get().id);
    expect(await count(Comment)).toBe(1);
  });

  test('save: a tree built with parent.children.add() — children read before or after the flush point at the inserted parent', async () => {
    const [ann, bob] = [Object.assign(new User(), { name: 'ann' }), Object.assign(new User(), { name: 'bob' })];
    const [a, b] = [Object.assign(new Post(), { title: 'a' }), Object.assign(new Post(), { title: 'b' })];
    ann.posts.add(a);
    bob.posts.add(b);
    const early = b.author; // a Ref made before the flush learns bob's key from it
    expect(early.id).toBeUndefined();
    await db.engine.session(async (s) => {
      s.addAll([ann, bob]);
      await s.flush();
    });
    expect(a.author).toBeInstanceOf(Ref);
    expect(a.author).toBe(a.author);
    expect(a.author.id).toBe(ann.id);
    expect(a.author.get()).toBe(ann);
    expect(b.author).toBe(early);
    expect(early.id).toBe(bob.id);
    const rows = await db.engine.execute(select(table(Post)).orderBy(table(Post).title));
    expect(rows.map((r) => [r.title, r.authorId])).toEqual([
      ['a', ann.id],
      ['b', bob.id],
    ]);
  });

  test('save: a failed flush leaves a new tree as it was: the children still point at their parents, which have no key', async () => {
    const ann = Object.assign(new User(), { name: 'ann' });
    const a = Object.assign(new Post(), { title: 'a' });
    const bad = Object.assign(new Post(), { title: null as never });
    ann.posts.add(a, bad);
    await using s = db.engine.session();
    s.add(ann);
    await expect(s.flush()).rejects.toThrow();
    await s.rollback();
    expect(ann.id).toBeUndefined();
    expect(a.author.get()).toBe(ann);
    expect(a.author.id).toBeUndefined();
    expect(await count(User)).toBe(0);
  });

  test('without a save cascade, a new object in the relationship is an error naming the fix', async () => {
    const { posts } = await seed();
    await using s = db.engine.session();
    const c = (await s.find(Comment, { where: { post: posts[0]! } }))[0]!;
    c.editor = ref(Object.assign(new User(), { name: 'not cascaded' }));
    expect(s.new).toEqual([]);
    await expect(s.flush()).rejects.toThrow(InvalidArgumentError);
    await s.rollback();
    expect(c.editor).toBeNull();
  });

  test('delete: children are loaded (one statement per relationship level) and deleted before the parent', async () => {
    const { ann } = await seed();
    await using s = db.engine.session();
    const a = (await s.get(User, ann))!;
    s.delete(a);
    db.recorder.clear();
    await s.commit();
    expect(verbs()).toEqual(['SELECT', 'SELECT', 'DELETE', 'DELETE', 'DELETE']);
    expect(db.recorder.sql[2]).toMatch(/comments/);
    expect(db.recorder.sql[3]).toMatch(/posts/);
    expect(db.recorder.sql[4]).toMatch(/users/);
    for (const t of [User, Post, Comment]) expect(await count(t)).toBe(0);
    expect(await count(postTags())).toBe(0);
    expect(await count(Tag)).toBe(1);
    expect(stateOf(a)!.status).toBe('detached');
  });

  test('delete: loaded children are not loaded again', async () => {
    const { ann } = await seed();
    await using s = db.engine.session();
    const [a] = await s.find(User, { where: { id: ann }, load: { posts: 'selectin', 'posts.comments': 'selectin' } });
    s.delete(a!);
    db.recorder.clear();
    await s.commit();
    expect(verbs()).toEqual(['DELETE', 'DELETE', 'DELETE']);
  });

  test('delete-orphan: a post removed from its author’s posts is deleted (its comments too); one moved to another author is not', async () => {
    const { ann } = await seed();
    const bob = await stored(db.engine, Object.assign(new User(), { name: 'bob' }));
    await using s = db.engine.session();
    const [a] = await s.find(User, { where: { id: ann }, load: { posts: 'selectin' } });
    const b = (await s.get(User, bob))!;
    const [one, two] = a!.posts.getItems();
    a!.posts.remove(one!);
    a!.posts.remove(two!);
    b.posts.add(two!);
    expect(one!.author).toBeNull();
    await s.commit();
    expect((await db.engine.execute(select(table(Post)).from(table(Post)))).map((r) => [r.title, r.authorId])).toEqual([['two', bob]]);
    expect(await count(Comment)).toBe(2);
    expect(stateOf(one!)!.status).toBe('detached');
  });

  test('delete-orphan of a new child: it is never inserted', async () => {
    await using s = db.engine.session();
    const a = s.add(Object.assign(new User(), { name: 'ann' }));
    const p = Object.assign(new Post(), { title: 'draft' });
    a.posts.add(p);
    expect(s.new).toContain(p);
    a.posts.remove(p);
    await s.commit();
    expect(await count(Post)).toBe(0);
    expect(stateOf(p)!.status).toBe('transient');
  });

  test('without delete-orphan, a child removed from the collection keeps its row with a NULL key', async () => {
    const ids = await db.engine.session(async (s) => {
      const team = s.add(Object.assign(new Team(), { name: 'red' }));
      team.members.add(Object.assign(new Member(), { name: 'm1' }), Object.assign(new Member(), { name: 'm2' }));
      await s.flush();
      return { team: team.id, members: team.members.getItems().map((m) => m.id) };
    });
    await using s = db.engine.session();
    const [team] = await s.find(Team, { load: { members: 'selectin' } });
    const m1 = team!.members.getItems().find((m) => m.id === ids.members[0])!;
    team!.members.remove(m1);
    expect(m1.team).toBeNull();
    db.recorder.clear();
    await s.commit();
    expect(verbs()).toEqual(['UPDATE']);
    const rows = await db.engine.execute(select(table(Member)).from(table(Member)).orderBy(table(Member).id));
    expect(rows.map((r) => r.teamId)).toEqual([null, ids.team]);
  });

  test('many-to-many: links and unlinks as the collections change, on either side', async () => {
    const { posts } = await seed();
    await using s = db.engine.session();
    const [one] = await s.find(Post, { where: { id: posts[0]! }, load: { tags: 'selectin' } });
    const x = one!.tags.getItems()[0]!;
    const y = s.add(Object.assign(new Tag(), { name: 'y' }));
    one!.tags.remove(x);
    one!.tags.add(y);
    db.recorder.clear();
    await s.commit();
    expect(verbs()).toEqual(['INSERT', 'DELETE', 'INSERT']);
    const links = await db.engine.execute(select(postTags()).from(postTags()));
    expect(links).toHaveLength(1);
    // From the inverse side: tag y's posts.
    const [two] = await s.find(Post, { where: { id: posts[1]! } });
    await y.posts.load();
    y.posts.add(two!);
    db.recorder.clear();
    await s.commit();
    expect(verbs()).toEqual(['INSERT']);
    expect(await count(postTags())).toBe(2);
  });

  test('back-population through the identity map: post.author = ref(User, id) adds the post to the held author’s loaded posts', async () => {
    const { ann } = await seed();
    const bob = await stored(db.engine, Object.assign(new User(), { name: 'bob' }));
    await using s = db.engine.session();
    const [b] = await s.find(User, { where: { id: bob }, load: { posts: 'selectin' } });
    const [p] = await s.find(Post, { where: { author: ann }, orderBy: { id: 'asc' } });
    p!.author = ref(User, bob);
    expect(p!.author.isLoaded).toBe(true);
    expect(b!.posts.getItems()).toEqual([p]);
    await s.commit();
    expect((await db.engine.execute(select(table(Post)).from(table(Post)).where(table(Post).id.eq(p!.id))))[0]!.authorId).toBe(bob);
  });

  test('deleting a new object drops it and the new children it cascades delete to', async () => {
    await using s = db.engine.session();
    const a = s.add(Object.assign(new User(), { name: 'gone' }));
    a.posts.add(Object.assign(new Post(), { title: 'gone too' }));
    s.delete(a);
    expect(s.new).toEqual([]);
    await s.commit();
    expect(db.recorder.count).toBe(0);
  });
});
