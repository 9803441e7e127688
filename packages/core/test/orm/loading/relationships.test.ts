import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { Category, Comment, Post, Profile, seedLarge, seedSmall, Tag, User } from './model';

/**
 * Nested paths mixing strategies, many-to-many, self-referential relationships (a tree three
 * levels deep, a to-one chain), the inverse side of a one-to-one, populate, and loading into
 * objects the session already holds. 40 users × 5 posts × 3 comments; see model.ts.
 */

const ids = (objects: Iterable<{ id: number }>): number[] => [...objects].map((o) => o.id);
const range = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
/** Posts 1-30 carry tag (p mod 3) + 1, and tag 1 too when p is even. */
const postsOfTag = (tag: number): number[] => range(1, 30).filter((p) => (p % 3) + 1 === tag || (tag === 1 && p % 2 === 0));

describeEachDialect('loading relationships: nested mixes, many-to-many, self-references', (ctx) => {
  const db = useTestEngine(ctx, { setUp: (engine) => seedLarge(engine, 40).then(() => seedSmall(engine)), setUpTimeoutMs: 60_000 });

  test('nested paths mixing joined and select-in, to-one and to-many, at several levels', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, {
      where: { id: { lte: 3 } },
      orderBy: { id: 'asc' },
      load: { posts: 'joined', 'posts.tags': 'joined', 'posts.comments': 'selectin', profile: 'joined', mentor: 'selectin' },
    });
    // One statement joins posts, their tags (through the join table) and the profile; one loads the comments;
    // the mentors (users 1 and 2) are already in the identity map.
    expect(db.recorder.count).toBe(2);
    expect(db.recorder.sql[0]!.match(/LEFT OUTER JOIN/g)).toHaveLength(4);
    expect(ids(users)).toEqual([1, 2, 3]);
    const [u1, u2, u3] = users as [User, User, User];
    expect(ids(u1.posts)).toEqual([1, 2, 3, 4, 5]);
    expect(ids(u1.posts.getItems()[1]!.tags)).toEqual([1, 3]);
    expect(ids(u1.posts.getItems()[0]!.tags)).toEqual([2]);
    expect(ids(u3.posts.getItems()[4]!.comments)).toEqual([43, 44, 45]);
    expect(u1.profile!.get().bio).toBe('first');
    expect(u1.profile!.get().user.get()).toBe(u1);
    expect(u3.profile).toBeNull();
    expect(u1.mentor).toBeNull();
    expect(u2.mentor!.get()).toBe(u1);
    expect(u3.mentor!.get()).toBe(u2);
  });

  test('the query builder takes load() too, merged across calls', async () => {
    await using s = db.engine.session();
    const q = s.query(Post).where({ id: { in: [1, 6] } }).orderBy({ id: 'asc' }).load({ author: 'joined' }).load({ comments: 'selectin' });
    const posts = await q.all();
    expect(db.recorder.count).toBe(2);
    expect(posts.map((p) => p.author.get().name)).toEqual(['user1', 'user2']);
    expect(posts.map((p) => p.comments.length)).toEqual([3, 3]);
    expect(q.spec.load).toEqual({ author: 'joined', comments: 'selectin' });
  });

  test('many-to-many, both directions: select-in, joined, lazy batches', async () => {
    await using s = db.engine.session();
    const tags = await s.find(Tag, { orderBy: { id: 'asc' }, load: { posts: 'selectin' } });
    expect(db.recorder.count).toBe(2);
    expect(tags.map((t) => ids(t.posts))).toEqual([postsOfTag(1), postsOfTag(2), postsOfTag(3)]);
    // Posts 1-30 are in the identity map now; the same objects come back through another path.
    db.recorder.clear();
    const posts = await s.find(Post, { where: { id: { lte: 8 } }, orderBy: { id: 'asc' }, load: { tags: 'joined' } });
    expect(db.recorder.count).toBe(1);
    expect(posts[1]).toBe(tags[0]!.posts.getItems()[0]);
    expect(posts.map((p) => ids(p.tags))).toEqual([[2], [1, 3], [1], [1, 2], [3], [1], [2], [1, 3]]);
    const more = await s.find(Post, { where: { id: { between: [9, 40] } } });
    db.recorder.clear();
    await Promise.all(more.map((p) => p.tags.load()));
    expect(db.recorder.count).toBe(1);
    expect(ids(more.find((p) => p.id === 12)!.tags)).toEqual([1]);
    expect(more.find((p) => p.id === 35)!.tags.length).toBe(0);
    db.recorder.clear();
    const tag1 = tags[0]!;
    expect(await tag1.posts.loadCount()).toBe(postsOfTag(1).length);
    expect(db.recorder.count).toBe(0);
    const fresh = await s.find(Tag, { where: { id: 3 } });
    const [count, some] = await Promise.all([fresh[0]!.posts.loadCount(), fresh[0]!.posts.matching({ where: { id: { gt: 20 } }, orderBy: { id: 'desc' }, limit: 2 })]);
    expect(count).toBe(postsOfTag(3).length);
    expect(ids(some)).toEqual([29, 26]);
  });

  test('a self-referential tree loaded three levels deep: select-in (one statement per level) and joined (one)', async () => {
    const check = (roots: Category[]): void => {
      expect(roots.map((c) => c.name)).toEqual(['root']);
      const tree = (c: Category, depth: number): unknown => [c.name, depth === 0 ? c.children.isLoaded : c.children.getItems().map((x) => tree(x, depth - 1))];
      // Three levels below the root are loaded; the fourth is not.
      expect(tree(roots[0]!, 3)).toEqual(['root', [['a', [['a1', [['a1x', false]]], ['a2', []]]], ['b', [['b1', []]]]]]);
      const a1x = roots[0]!.children.getItems()[0]!.children.getItems()[0]!.children.getItems()[0]!;
      expect(a1x.parent!.get().parent!.get().parent!.get()).toBe(roots[0]);
    };
    {
      await using s = db.engine.session();
      const levels = { children: 'selectin', 'children.children': 'selectin', 'children.children.children': 'selectin' } as const;
      check(await s.find(Category, { where: { parent: null }, load: levels }));
      expect(db.recorder.count).toBe(4);
    }
    db.recorder.clear();
    {
      await using s = db.engine.session();
      check(await s.find(Category, { where: { parent: null }, load: { children: 'joined', 'children.children': 'joined', 'children.children.children': 'joined' } }));
      expect(db.recorder.count).toBe(1);
      expect(db.recorder.sql[0]!.match(/LEFT OUTER JOIN/g)).toHaveLength(3);
    }
  });

  test('a self-referential to-one chain: each level joined under its own alias', async () => {
    await using s = db.engine.session();
    const u = await s.findOneOrFail(User, { where: { id: 10 }, load: { mentor: 'joined', 'mentor.mentor': 'joined', 'mentor.mentor.mentor': 'selectin' } });
    expect(db.recorder.count).toBe(2);
    expect(u.mentor!.get().mentor!.get().mentor!.get().id).toBe(7);
    expect(u.mentor!.get().mentor!.get().mentor!.get().mentor!.isLoaded).toBe(false);
  });

  test('populate loads relationships of objects in hand, batched; loaded containers are left alone', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { where: { id: { lte: 10 } } });
    db.recorder.clear();
    expect(await s.populate(users, ['posts', 'posts.comments'])).toEqual(users);
    expect(db.recorder.count).toBe(2);
    expect(users.every((u) => u.posts.length === 5 && u.posts.getItems().every((p) => p.comments.length === 3))).toBe(true);
    db.recorder.clear();
    await s.populate(users, ['posts', 'posts.comments']);
    expect(db.recorder.count).toBe(0);
    const comments = await s.find(Comment, { where: { id: { in: [1, 200] } }, orderBy: { id: 'asc' } });
    const ann = users.find((u) => u.id === 1)!;
    db.recorder.clear();
    await s.populate(comments, { post: 'joined', 'post.author': 'selectin' });
    // Comment 1's post is held; comment 200's (post 67) is not: one statement; its author (user 14), another.
    expect(db.recorder.count).toBe(2);
    expect(comments[0]!.post.get().author.get()).toBe(ann);
    expect(comments[1]!.post.get().author.get().id).toBe(14);
    await expect(s.populate([new User()], ['posts'])).rejects.toThrow('populate(): a User this session does not know; load it through this session first.');
  });

  test('loading into objects the session holds never overwrites their unflushed changes', async () => {
    await using s = db.engine.session();
    const u = (await s.get(User, 2))!;
    const p6 = (await s.get(Post, 6))!;
    p6.title = 'changed, not flushed';
    db.recorder.clear();
    const posts = await u.posts.load();
    expect(db.recorder.count).toBe(1);
    expect(posts[0]).toBe(p6);
    expect(p6.title).toBe('changed, not flushed');
    expect(posts[1]!.title).toBe('post7');
  });

  test('a loaded collection keeps the items it holds, whatever a later query finds', async () => {
    await using s = db.engine.session();
    const u = (await s.get(User, 3))!;
    const posts = await u.posts.load();
    db.recorder.clear();
    const again = await s.find(User, { where: { id: 3 }, load: { posts: 'selectin', 'posts.comments': 'selectin' } });
    expect(again[0]).toBe(u);
    expect(u.posts.getItems()).toBe(posts);
    // The users' statement and the comments' (below the collection already loaded): none for the posts.
    expect(db.recorder.count).toBe(2);
    expect(u.posts.getItems()[0]!.comments.length).toBe(3);
  });

  test('the inverse side of a one-to-one, and its owning side', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { where: { id: { lte: 3 } }, orderBy: { id: 'asc' }, load: { profile: 'selectin' } });
    expect(db.recorder.count).toBe(2);
    expect(users.map((u) => u.profile?.get().bio ?? null)).toEqual(['first', 'second', null]);
    const profiles = await s.find(Profile, { load: { user: 'joined' }, orderBy: { id: 'asc' } });
    expect(profiles[0]!.user.get()).toBe(users[0]);
    expect(profiles[1]).toBe(users[1]!.profile!.get());
  });
});
