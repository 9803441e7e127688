import { create, InvalidArgumentError, MappingError, Ref, select, stateOf, table } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { metadataOf } from '@athanor/core';
import { makeWriter } from '../../../../src/orm/unit-of-work/tracking/create-entity';
import { Comment, Post, postTags, Tag, useModel, User } from '../model';

/** `create(Entity, data)` and `session.create`: new objects from data, through the mapped properties. */

describeEachDialect('create', (ctx) => {
  const db = useModel(ctx);

  test('create() builds a transient object through its accessors; a tree of them is stored by adding its root', async () => {
    const ann = create(User, { name: 'ann', age: 31 });
    expect(ann).toBeInstanceOf(User);
    expect(stateOf(ann)).toBeUndefined();
    // Values live in the accessors' storage, not as own properties; the constructor's Collection is there.
    expect(Object.keys(ann)).toEqual(['posts']);
    expect([ann.name, ann.age]).toEqual(['ann', 31]);
    const posts = ['one', 'two'].map((title) => create(Post, { title, views: 3 }));
    ann.posts.add(...posts);
    expect(posts[0]!.author.get()).toBe(ann);
    await db.engine.session(async (s) => {
      s.add(ann);
    });
    const rows = await db.engine.execute(select(table(Post)).orderBy(table(Post).title));
    expect(rows.map((r) => [r.title, r.views, r.authorId])).toEqual([
      ['one', 3, ann.id],
      ['two', 3, ann.id],
    ]);
  });

  test('relationships in the data are kept in step both ways: a to-one from the entity or a Ref, a to-many from an array', async () => {
    const ann = create(User, { name: 'ann' });
    const p = create(Post, { title: 'p', author: ann });
    expect(ann.posts.getItems()).toEqual([p]);
    expect(p.author).toBeInstanceOf(Ref);
    const c1 = create(Comment, { body: 'c1' });
    const c2 = create(Comment, { body: 'c2' });
    const q = create(Post, { title: 'q', author: ann, comments: [c1, c2], tags: [create(Tag, { name: 'x' })] });
    expect(c2.post.get()).toBe(q);
    expect(q.comments.getItems()).toEqual([c1, c2]);
    await using s = db.engine.session();
    s.add(ann);
    await s.commit();
    const stored = await db.engine.execute(select(table(Comment)));
    expect(stored.map((r) => r.postId)).toEqual([q.id, q.id]);
    expect(await db.engine.execute(select(postTags()))).toHaveLength(1);
  });

  test('session.create() adds the new object: it is pending and inserted at the next flush', async () => {
    await using s = db.engine.session();
    const ann = s.create(User, { name: 'ann' });
    const p = s.create(Post, { title: 'p', author: ann });
    expect(stateOf(ann)!.status).toBe('pending');
    expect(s.new).toEqual([ann, p]);
    await s.commit();
    expect(db.recorder.sql.filter((q) => /^INSERT/i.test(q))).toHaveLength(2);
    const rows = await db.engine.execute(select(table(Post)));
    expect(rows.map((r) => [r.title, r.authorId])).toEqual([['p', ann.id]]);
  });

  test('data of different shapes, and data leaving properties out (defaults apply at flush)', async () => {
    await using s = db.engine.session();
    const a = s.create(Post, { title: 'a', author: s.create(User, { name: 'ann' }) });
    const b = s.create(Post, { views: 7, title: 'b', author: a.author });
    const c = s.create(Post, { title: 'c', author: a.author.get() });
    await s.commit();
    expect([a.views, b.views, c.views]).toEqual([0, 7, 0]);
  });

  test('a key that is not a mapped property raises, naming the entity’s properties; nothing is added', async () => {
    await using s = db.engine.session();
    const typo = { name: 'ann', nmae: 'x' } as unknown as { name: string };
    expect(() => s.create(User, typo)).toThrow(InvalidArgumentError);
    expect(() => s.create(User, typo)).toThrow(/"nmae" is not a mapped property of User \(its mapped properties: .*name.*posts/);
    expect(() => create(User, JSON.parse('{"__proto__": {"polluted": true}}') as never)).toThrow(/"__proto__" is not a mapped property/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(s.new).toEqual([]);
  });

  test('bad arguments: not an entity class, data not an object, a to-many given something other than items', () => {
    class Plain {
      name = '';
    }
    expect(() => create(Plain, { name: 'x' })).toThrow(MappingError);
    expect(() => create(User, [] as never)).toThrow(/data is an object of User's property values; got an array/);
    expect(() => create(User, 'ann' as never)).toThrow(/got string/);
    expect(() => create(User, { posts: 5 as never })).toThrow(/User.posts is a to-many relationship: give an array of its items; got number/);
  });

  test('the generated writer and the loop (no new Function) write the same; data of one shape in another key order', () => {
    const ann = create(User, { name: 'ann' });
    const made = [true, false].map((codegen) => {
      // A comment has one post: each writer gets its own.
      const data = { title: 't', views: 1, author: ann, comments: [create(Comment, { body: 'c' })] };
      const p = new Post();
      makeWriter(metadataOf(Post), Object.keys(data), codegen).write(p, data);
      return p;
    });
    for (const p of made) {
      expect([p.title, p.views, p.author.get(), p.comments.length]).toEqual(['t', 1, ann, 1]);
      expect(Object.keys(p)).toEqual(['comments', 'tags']);
    }
    expect(() => makeWriter(metadataOf(Post), ['title', 'nope'], false)).toThrow(/"nope" is not a mapped property of Post/);
    const b = create(Post, { views: 1, title: 't' });
    expect([b.title, b.views]).toEqual(['t', 1]);
    const many = Array.from({ length: 50 }, (_, i) => create(Tag, { name: `t${i}` }));
    expect(many.map((t) => t.name)).toEqual(Array.from({ length: 50 }, (_, i) => `t${i}`));
  });
});
