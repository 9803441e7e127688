import { InvalidArgumentError, NotFoundError, NotLoadedError, ref, select, table } from '@athanor/core';
import type { LoadSpec } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { Book, Comment, Post, seedLarge, seedSmall, Shelf, User } from './model';

/**
 * `raise` and `noload`, per query and as relationship defaults (Shelf.books select-in, Book.shelf
 * joined on a composite key, Book.notes raise, Book.reviews noload), defaults applied by get()
 * and streams, and the errors of the load option and of loading outside a session.
 */

const ids = (objects: Iterable<{ id: number }>): number[] => [...objects].map((o) => o.id);

describeEachDialect('loading options: raise, noload, defaults, errors', (ctx) => {
  const db = useTestEngine(ctx, { setUp: (engine) => seedLarge(engine, 20).then(() => seedSmall(engine)), setUpTimeoutMs: 60_000 });

  test("raise per query: touching the relationship throws NotLoadedError naming the entity, the relationship and the fix", async () => {
    await using s = db.engine.session();
    const [u] = await s.find(User, { where: { id: 1 }, load: { posts: 'raise' } });
    const message =
      "User.posts is not loaded and was loaded with 'raise' by the query, so it never loads lazily, `.load()` included (User#1). " +
      "Load it with the query that fetches the User: `load: { posts: 'selectin' }`, or with `await session.populate(users, ['posts'])`.";
    await expect(u!.posts.load()).rejects.toThrow(NotLoadedError);
    await expect(u!.posts.load()).rejects.toThrow(message);
    // Reading the items says the same (not "call .load()", which raise refuses).
    expect(() => u!.posts.getItems()).toThrow(message);
    expect(() => [...u!.posts]).toThrow(message);
    const [p] = await s.find(Post, { where: { id: 1 }, load: { author: 'raise', comments: 'selectin', 'comments.post': 'raise' } });
    const authorMessage =
      "Post.author is not loaded and was loaded with 'raise' by the query, so it never loads lazily, `.load()` included (Post#1). Load it with the query that fetches the Post: `load: { author: 'joined' }`";
    await expect(p!.author.load()).rejects.toThrow(authorMessage);
    expect(() => p!.author.get()).toThrow(NotLoadedError);
    expect(() => p!.author.get()).toThrow(authorMessage);
    // A lazy relationship still points at .load().
    const [lazy] = await s.find(User, { where: { id: 2 } });
    expect(() => lazy!.posts.getItems()).toThrow("User.posts is not loaded. Load it first: `await user.posts.load()`, or with the query that fetches the User: `load: { posts: 'selectin' }`.");
    // comments.post is back-populated (comments were loaded through post.comments): nothing to raise.
    expect(p!.comments.getItems()[0]!.post.get()).toBe(p);
    // Nested: the message gives the whole path from the query's entity.
    const [u2] = await s.find(User, { where: { id: 2 }, load: { posts: 'selectin', 'posts.comments': 'raise' } });
    await expect(u2!.posts.getItems()[0]!.comments.load()).rejects.toThrow("Load it with the query that fetches the User: `load: { 'posts.comments': 'selectin' }`");
    // populate still loads it: raise only refuses lazy loads.
    await s.populate(u2!, ['posts.comments']);
    expect(u2!.posts.getItems()[0]!.comments.length).toBe(3);
  });

  test('raise as the relationship default (Book.notes), overridden per query', async () => {
    await using s = db.engine.session();
    const books = await s.find(Book, { orderBy: { id: 'asc' } });
    await expect(books[0]!.notes.load()).rejects.toThrow(
      "Book.notes is not loaded and is declared with loading: 'raise', so it never loads lazily, `.load()` included (Book#1). Load it with the query that fetches the Book: `load: { notes: 'selectin' }`",
    );
    expect(() => books[0]!.notes.length).toThrow("Book.notes is not loaded and is declared with loading: 'raise'");
    const loaded = await s.find(Book, { orderBy: { id: 'asc' }, load: { notes: 'selectin' } });
    expect(loaded[0]).toBe(books[0]);
    expect(loaded.map((b) => b.notes.getItems().map((n) => n.text))).toEqual([['good'], [], ['long'], []]);
    const [again] = await s.find(User, { where: { id: 3 }, load: { posts: 'lazy' } });
    expect((await again!.posts.load()).length).toBe(5);
  });

  test('noload: collections stay empty without a statement, by default (Book.reviews) or per query', async () => {
    await using s = db.engine.session();
    const [book] = await s.find(Book, { where: { id: 1 } });
    db.recorder.clear();
    expect(book!.reviews.getItems()).toEqual([]);
    expect(await book!.reviews.load()).toEqual([]);
    expect(db.recorder.count).toBe(0);
    await using s2 = db.engine.session();
    const [loaded] = await s2.find(Book, { where: { id: 1 }, load: { reviews: 'selectin' } });
    expect(loaded!.reviews.getItems().map((r) => r.stars)).toEqual([5]);
    const [u] = await s2.find(User, { where: { id: 4 }, load: { posts: 'noload', profile: 'noload' } });
    db.recorder.clear();
    expect(u!.posts.length).toBe(0);
    expect(await u!.posts.load()).toEqual([]);
    expect(u!.profile).toBeNull();
    expect(db.recorder.count).toBe(0);
  });

  test('relationship defaults: select-in by a composite key, joined on a composite key, applied by find and get', async () => {
    await using s = db.engine.session();
    const shelves = await s.find(Shelf, { orderBy: { site: 'asc', code: 'asc' } });
    // Shelves, then their books (select-in on (site, code)); Book.shelf is filled from the other side.
    expect(db.recorder.count).toBe(2);
    expect(db.recorder.sql[1]).toMatch(/IN \(\(/);
    expect(shelves.map((sh) => ids(sh.books))).toEqual([[1, 2], [4], [3]]);
    expect(shelves[0]!.books.getItems()[1]!.shelf.get()).toBe(shelves[0]);
    expect(shelves[0]!.books.getItems()[0]!.reviews.getItems()).toEqual([]);
    await using s2 = db.engine.session();
    db.recorder.clear();
    const books = await s2.find(Book, { orderBy: { id: 'asc' } });
    // Book.shelf is joined (a LEFT JOIN on both key columns); Shelf.books is its other side: not followed back.
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.sql[0]).toMatch(/LEFT OUTER JOIN/);
    expect(books.map((b) => b.shelf.get().label)).toEqual(['N1', 'N1', 'S1', 'N2']);
    expect(books[0]!.shelf.get()).toBe(books[1]!.shelf.get());
    expect(books[0]!.shelf.get().books.isLoaded).toBe(false);
    await using s3 = db.engine.session();
    db.recorder.clear();
    const shelf = await s3.get(Shelf, { site: 'north', code: 1 });
    expect(db.recorder.count).toBe(2);
    expect(ids(shelf!.books)).toEqual([1, 2]);
  });

  test('fromStatement queries load relationships afterwards; streams refuse to (their connection is busy)', async () => {
    await using s = db.engine.session();
    expect(() => s.query(User).load({ posts: 'selectin' }).stream()).toThrow(/stream\(\) loads no relationships: its connection stays busy while you iterate/);
    const stream = s.stream(User, { load: { posts: 'selectin' } } as never);
    await expect(stream.next()).rejects.toThrow(InvalidArgumentError);
    const p = table(Post);
    const posts = await s.query(Post).fromStatement(select(p).from(p).where(p.id.lte(3))).load({ author: 'joined', comments: 'selectin' }).all();
    expect(posts.map((x) => [x.author.get().id, x.comments.length])).toEqual([[1, 3], [1, 3], [1, 3]]);
  });

  test('the load option is checked: unknown paths and strategies, paths below a relationship not loaded', async () => {
    await using s = db.engine.session();
    await expect(s.find(User, { load: { postz: 'selectin' } as LoadSpec<User> })).rejects.toThrow(InvalidArgumentError);
    await expect(s.find(User, { load: { 'posts.coments': 'selectin' } as LoadSpec<User> })).rejects.toThrow(
      'User query: load "posts.coments": Post has no relationship "coments"; its relationships are author, comments, tags.',
    );
    await expect(s.find(User, { load: { posts: 'eager' } as unknown as LoadSpec<User> })).rejects.toThrow(
      `User query: load "posts": unknown strategy "eager"; use one of 'lazy', 'joined', 'selectin', 'raise', 'noload'.`,
    );
    await expect(s.find(User, { load: { posts: 'lazy', 'posts.comments': 'selectin' } })).rejects.toThrow(
      `load "posts.comments": User.posts is 'lazy' in the same load option, so it is not loaded and paths below it cannot apply; give "posts" 'selectin' or 'joined'.`,
    );
    expect(() => s.query(User).load('posts' as never)).toThrow(InvalidArgumentError);
  });

  test('loading outside a session, and a missing row', async () => {
    const u = new User();
    await expect(u.posts.load()).resolves.toEqual([]);
    const post = new Post();
    post.author = ref(User, 1);
    expect(post.author.id).toBe(1);
    expect(post.author.isLoaded).toBe(false);
    // Not in a session: nothing can load it (the message says so, and how to read it through a session).
    await expect(post.author.load()).rejects.toThrow(NotLoadedError);
    await expect(post.author.load()).rejects.toThrow(/session/);
    let held: Comment;
    {
      await using s = db.engine.session();
      held = (await s.get(Comment, 1))!;
    }
    await expect(held.post.load()).rejects.toThrow(/Comment#1\.post cannot be loaded: the Comment is detached/);
    await using s = db.engine.session();
    const c = (await s.get(Comment, 2))!;
    // A dangling key (as when a row is gone): NotFoundError names it.
    c.post.key = 99_999 as never;
    await expect(c.post.load()).rejects.toThrow(NotFoundError);
  });
});
