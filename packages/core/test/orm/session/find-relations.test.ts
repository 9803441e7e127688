import { InvalidArgumentError, ref, select, table } from '@athanor/core';
import type { Where } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { Animal, Cat, Dog, ids, idsWhere, Post, Profile, Puppy, seed, User } from './model';

/**
 * Conditions through relationships (to-one: LEFT JOIN; to-many and many-to-many: EXISTS),
 * ordering through a to-one, the query builder, fromStatement, and single-table inheritance.
 * Posts: 10 'Hello world' (ann, tags news+tech) · 11 'Second post' (ann, reviewed by bob) ·
 * 12 'hello again' (ann) · 13 'Bob writes' (bob, reviewed by ann, tag tech) · 14 'Bob again'
 * (bob) · 15 'Dee' (dee, reviewed by dee, 1000 views).
 */

describeEachDialect('find: relationships, queries, inheritance', (ctx) => {
  const db = useTestEngine(ctx, { setUp: seed });
  const posts = (where: Where<Post>): Promise<number[]> => idsWhere(db.engine, Post, where);
  const users = (where: Where<User>): Promise<number[]> => idsWhere(db.engine, User, where);

  test('a condition on a to-one relationship joins it (LEFT JOIN, once per path)', async () => {
    expect(await posts({ author: { username: 'bob' } })).toEqual([13, 14]);
    expect(db.recorder.sql[0]).toMatch(/LEFT OUTER JOIN/);
    expect(await posts({ author: { username: 'ann', active: true }, views: { gt: 10 } })).toEqual([10, 12]);
    expect(db.recorder.sql[1]!.match(/LEFT OUTER JOIN/g)).toHaveLength(1);
    expect(await posts({ reviewer: { username: 'ann' } })).toEqual([13]);
    expect(await posts({ author: { username: 'ann' }, reviewer: { username: 'bob' } })).toEqual([11]);
    expect(db.recorder.sql[3]!.match(/LEFT OUTER JOIN/g)).toHaveLength(2);
  });

  test('a related entity, a Ref, a key, or null compares the foreign key without a join', async () => {
    await using s = db.engine.session();
    const ann = (await s.get(User, 1))!;
    db.recorder.clear();
    expect(await posts({ author: ann })).toEqual([10, 11, 12]);
    expect(await posts({ author: ref(User, 2) })).toEqual([13, 14]);
    expect(await posts({ author: 4 })).toEqual([15]);
    expect(await posts({ author: { id: 4 } })).toEqual([15]);
    expect(await posts({ reviewer: null })).toEqual([10, 12, 14]);
    expect(await posts({ reviewer: { isNull: false } })).toEqual([11, 13, 15]);
    expect(await posts({ author: { in: [2, 4] } })).toEqual([13, 14, 15]);
    expect(await posts({ reviewer: { ne: 1 } })).toEqual([11, 15]);
    expect(db.recorder.count).toBe(8);
    for (const text of db.recorder.sql) expect(text).not.toMatch(/JOIN/);
    await expect(posts({ author: { in: [1, undefined as unknown as number] } })).rejects.toThrow('Post.author.in[1] is undefined in a filter');
  });

  test('nothing about a relationship filter changes OR semantics (the join is an outer join)', async () => {
    expect(await posts({ or: [{ reviewer: { username: 'ann' } }, { views: { gt: 500 } }] })).toEqual([13, 15]);
    expect(await posts({ not: { reviewer: { username: 'bob' } } })).toEqual([13, 15]);
  });

  test('a condition on a to-many relationship matches when some related row does (EXISTS)', async () => {
    expect(await users({ posts: { title: { ilike: 'hello%' } } })).toEqual([1]);
    expect(db.recorder.sql[0]).toMatch(/EXISTS/);
    expect(await users({ posts: { views: { gt: 5 } } })).toEqual([1, 2, 4]);
    expect(await users({ posts: {} })).toEqual([1, 2, 4]);
    expect(await users({ not: { posts: {} } })).toEqual([3, 5]);
    // nested: users with a post reviewed by ann
    expect(await users({ posts: { reviewer: { username: 'ann' } } })).toEqual([2]);
    // and back again: posts whose author wrote a post with more than 500 views
    expect(await posts({ author: { posts: { views: { gt: 500 } } } })).toEqual([15]);
  });

  test('a condition on a many-to-many relationship goes through the join table', async () => {
    expect(await posts({ tags: { name: 'tech' } })).toEqual([10, 13]);
    expect(await posts({ tags: { name: 'news' }, author: { username: 'ann' } })).toEqual([10]);
    expect(await posts({ not: { tags: {} } })).toEqual([11, 12, 14, 15]);
  });

  test('self-referential relationships: each join level under its own alias', async () => {
    // mentors: ann → bob, cid; bob → dee
    expect(await users({ mentor: { username: 'ann' } })).toEqual([2, 3]);
    expect(await users({ mentor: { mentor: { username: 'ann' } } })).toEqual([4]);
    expect(db.recorder.sql[1]!.match(/LEFT OUTER JOIN/g)).toHaveLength(2);
    expect(await users({ mentees: { username: 'dee' } })).toEqual([2]);
    expect(await users({ mentor: null, mentees: {} })).toEqual([1]);
    expect(await users({ mentor: { isNull: false }, mentees: {} })).toEqual([2]);
  });

  test('one-to-one: through the owning side and the inverse side', async () => {
    // profiles: ann, dee
    expect(await users({ profile: { bio: { like: 'Dee%' } } })).toEqual([4]);
    expect(await users({ profile: null })).toEqual([2, 3, 5]);
    expect(await users({ profile: { id: { gt: 0 } }, age: { gt: 40 } })).toEqual([4]);
    await using s = db.engine.session();
    const profiles = await s.find(Profile, { where: { user: { username: 'ann' } } });
    expect(profiles.map((p) => p.bio)).toEqual(['Ann here']);
    expect(profiles[0]!.user.id).toBe(1);
  });

  test('a relationship filter of the wrong shape is refused', async () => {
    await using s = db.engine.session();
    await expect(s.find(User, { where: { posts: 5 } as unknown as Where<User> })).rejects.toThrow(
      'User.posts: a to-many relationship takes a condition on Post (matched by some related row); got number.',
    );
    await expect(s.find(Post, { where: { author: { nope: 1 } } as unknown as Where<Post> })).rejects.toThrow(InvalidArgumentError);
    await expect(s.find(Post, { where: { author: { nope: 1 } } as unknown as Where<Post> })).rejects.toThrow(/Post\.author has no property "nope"/);
  });

  test('ordering through a to-one relationship', async () => {
    await using s = db.engine.session();
    const ordered = await s.find(Post, { orderBy: { author: { username: 'desc' }, id: 'asc' } });
    expect(ids(ordered)).toEqual([15, 13, 14, 10, 11, 12]);
    const filteredAndOrdered = await s.find(Post, { where: { author: { active: true } }, orderBy: { author: { username: 'asc' }, views: 'desc' } });
    expect(ids(filteredAndOrdered)).toEqual([10, 12, 11, 14, 13, 15]);
    expect(db.recorder.sql.at(-1)!.match(/LEFT OUTER JOIN/g)).toHaveLength(1);
  });

  test('the query builder: where (objects, functions), orderBy, limit, first, count, exists', async () => {
    await using s = db.engine.session();
    const q = s.query(Post).where({ author: { username: 'ann' } }).where((p) => p.views.gte(50));
    expect(ids(await q.orderBy({ views: 'asc' }).all())).toEqual([12, 10]);
    expect((await q.orderBy({ views: 'desc' }).first())!.id).toBe(10);
    expect(await q.count()).toBe(2);
    expect(await q.exists()).toBe(true);
    expect(await q.where({ views: { gt: 1000 } }).first()).toBeNull();
    await expect(q.where({ views: { gt: 1000 } }).firstOrFail()).rejects.toThrow(
      "No Post matches where { author: { username: 'ann' } } and <function> and { views: { gt: 1000 } }.",
    );
    const sqlText = q.statement().toSQL(db.engine.dialect).sql;
    expect(sqlText).toMatch(/LEFT OUTER JOIN/);
  });

  test('fromStatement: entities from any Core SELECT of the entity columns, one object per row', async () => {
    await using s = db.engine.session();
    const u = table(User);
    const p = table(Post);
    const viaJoin = await s
      .query(User)
      .fromStatement(select(u).from(u).innerJoin(p, p.authorId.eq(u.id)).where(p.views.gte(50)).orderBy(u.id, p.id))
      .all();
    expect(ids(viaJoin)).toEqual([1, 1, 4]);
    expect(viaJoin[0]).toBe(viaJoin[1]);
    expect(viaJoin[0]).toBe(await s.get(User, 1));
    const wrong = s.query(User).fromStatement(select(u.id, u.username).from(u) as never);
    await expect(wrong.all()).rejects.toThrow(/does not select User\.age/);
    expect(() => s.query(User).fromStatement(select(u)).where({ id: 1 })).toThrow(/cannot be combined with fromStatement/);
  });

  test('execute() runs Core statements in the session; scalars() returns the first column', async () => {
    await using s = db.engine.session();
    const u = table(User);
    expect(await s.execute(select({ name: u.username }).from(u).where(u.id.eq(2)))).toEqual([{ name: 'bob' }]);
    expect(await s.scalars(select(u.id).from(u).where(u.active.eq(true)).orderBy(u.id))).toEqual([1, 2, 4]);
  });

  test('single-table inheritance: the root returns subclass instances; a subclass adds the discriminator condition', async () => {
    await using s = db.engine.session();
    const all = await s.find(Animal, { orderBy: { id: 'asc' } });
    expect(all.map((a) => a.constructor)).toEqual([Dog, Cat, Puppy]);
    expect(all.map((a) => a.describe())).toEqual(['dog Rex', 'animal Tom', 'dog Bit']);
    db.recorder.clear();
    const dogs = await s.find(Dog, { orderBy: { id: 'asc' } });
    expect(dogs).toEqual([all[0], all[2]]);
    expect(db.recorder.sql[0]).toMatch(/IN \(/);
    expect(db.recorder.statements[0]!.params).toEqual(expect.arrayContaining(['dog', 'puppy']));
    expect(await s.find(Puppy)).toEqual([all[2]]);
    expect(await s.count(Cat)).toBe(1);
    expect(await s.count(Dog, { goodBoy: true })).toBe(1);
    expect(ids(await s.find(Dog, { where: { name: { like: 'B%' } } }))).toEqual([3]);
    expect(await s.exists(Cat, { name: 'Rex' })).toBe(false);
  });
});
