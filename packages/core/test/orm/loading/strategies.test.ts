import { NotLoadedError, NPlusOneError } from '@athanor/core';
import type { Logger } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { COMMENTS_PER_POST, Post, POSTS_PER_USER, seedLarge, User, USERS } from './model';

/**
 * The strategies on 1,000 users × 5 posts × 3 comments, with the exact number of statements
 * each issues: select-in one per level, joined one in all, lazy loads batched per tick, and
 * the N+1 detector on a sequential loop.
 */

function captureLogger(): Logger & { warnings: string[] } {
  const warnings: string[] = [];
  return { warnings, debug: () => {}, info: () => {}, error: () => {}, warn: (m: string) => void warnings.push(m) };
}

describeEachDialect('loading strategies on 1,000 users × 5 posts × 3 comments', (ctx) => {
  const logger = captureLogger();
  const db = useTestEngine(ctx, { setUp: (engine) => seedLarge(engine), engineOptions: { logger }, setUpTimeoutMs: 120_000 });

  /** Every user holds its 5 posts (each pointing back at it), each post its 3 comments; one expect (jest's are slow by the thousand). */
  const checkAll = (users: readonly User[]): void => {
    expect(users.map((u) => u.id)).toEqual(Array.from({ length: USERS }, (_, i) => i + 1));
    const wrong: string[] = [];
    for (const u of users) {
      const posts = u.posts.getItems();
      const expected = Array.from({ length: POSTS_PER_USER }, (_, i) => (u.id - 1) * POSTS_PER_USER + i + 1);
      if (posts.map((p) => p.id).join() !== expected.join()) wrong.push(`user ${u.id}: posts ${posts.map((p) => p.id).join()}`);
      for (const p of posts) {
        if (p.author.get() !== u) wrong.push(`post ${p.id}: author`);
        const comments = p.comments.getItems().map((c) => c.id).join();
        const want = Array.from({ length: COMMENTS_PER_POST }, (_, i) => (p.id - 1) * COMMENTS_PER_POST + i + 1).join();
        if (comments !== want) wrong.push(`post ${p.id}: comments ${comments}`);
      }
    }
    expect(wrong).toEqual([]);
  };

  test('selectin: 3 statements for users, posts and comments', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { orderBy: { id: 'asc' }, load: { posts: 'selectin', 'posts.comments': 'selectin' } });
    expect(db.recorder.count).toBe(3);
    expect(db.recorder.sql[1]).toMatch(/ IN \(/);
    checkAll(users);
    // Everything is in place: reading it issues nothing.
    expect(db.recorder.count).toBe(3);
  });

  test('joined users + posts: 1 statement; duplicate parent rows collapse', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { orderBy: { id: 'asc' }, load: { posts: 'joined' } });
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.sql[0]).toMatch(/LEFT OUTER JOIN/);
    expect(users).toHaveLength(USERS);
    expect(new Set(users).size).toBe(USERS);
    expect(users[7]!.posts.getItems().map((p) => p.id)).toEqual([36, 37, 38, 39, 40]);
    expect(users[7]!.posts.getItems()[0]!.author.get()).toBe(users[7]);
  });

  test('joined all the way down: users + posts + comments in 1 statement', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { orderBy: { id: 'asc' }, load: { posts: 'joined', 'posts.comments': 'joined' } });
    expect(db.recorder.count).toBe(1);
    checkAll(users);
  });

  test('a mix: posts select-in with comments joined into that statement: 2 statements', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { orderBy: { id: 'asc' }, load: { posts: 'selectin', 'posts.comments': 'joined' } });
    expect(db.recorder.count).toBe(2);
    expect(db.recorder.sql[1]).toMatch(/LEFT OUTER JOIN/);
    checkAll(users);
  });

  test('lazy through Promise.all: 1 statement for the users, 1 for every collection at once', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { orderBy: { id: 'asc' } });
    expect(users[0]!.posts.isLoaded).toBe(false);
    expect(() => users[0]!.posts.getItems()).toThrow(NotLoadedError);
    const loaded = await Promise.all(users.map((u) => u.posts.load()));
    expect(db.recorder.count).toBe(1 + 1);
    expect(loaded[3]!.map((p) => p.id)).toEqual([16, 17, 18, 19, 20]);
    // Loading again: nothing to do.
    await Promise.all(users.map((u) => u.posts.load()));
    expect(db.recorder.count).toBe(2);
    // The other way: every author is in the identity map; no statement.
    const posts = users.flatMap((u) => u.posts.getItems());
    const authors = await Promise.all(posts.map((p) => p.author.load()));
    expect(authors[5]).toBe(users[1]);
    expect(db.recorder.count).toBe(2);
    // Comments of all 5,000 posts: one more.
    await Promise.all(posts.map((p) => p.comments.load()));
    expect(db.recorder.count).toBe(3);
    checkAll(users);
  });

  test('a lazy to-one load goes through the identity map: an object already loaded is not fetched again', async () => {
    await using s = db.engine.session();
    const posts = await s.find(Post, { where: { id: { in: [1, 2, 6] } }, orderBy: { id: 'asc' } });
    db.recorder.clear();
    const [a, b, c] = await Promise.all(posts.map((p) => p.author.load()));
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.statements[0]!.params.slice(0, 2)).toEqual([1, 2]);
    expect(a).toBe(b);
    expect(c!.id).toBe(2);
    expect(await s.get(User, 1)).toBe(a);
    const again = await s.find(Post, { where: { id: 3 } });
    db.recorder.clear();
    expect(await again[0]!.author.load()).toBe(a);
    expect(db.recorder.count).toBe(0);
  });

  test('a sequential for … await lazy loop is caught by the N+1 detector (warn)', async () => {
    await using s = db.engine.session({ nPlusOne: { warnAfter: 5 } });
    const users = await s.find(User, { where: { id: { lte: 20 } }, orderBy: { id: 'asc' } });
    logger.warnings.length = 0;
    for (const u of users) await u.posts.load();
    expect(db.recorder.count).toBe(1 + 20);
    expect(logger.warnings).toHaveLength(1);
    expect(logger.warnings[0]).toContain('N+1 loading: User.posts was loaded for one User at a time 6 times in this session');
    expect(logger.warnings[0]).toContain("load: { posts: 'selectin' }");
    // The scoped form takes the option too; a to-one loop counts the same way.
    logger.warnings.length = 0;
    await db.engine.session(
      async (scoped) => {
        const posts = await scoped.find(Post, { where: { id: { in: [1, 6, 11, 16] } }, orderBy: { id: 'asc' } });
        for (const p of posts) await p.author.load();
      },
      { nPlusOne: { warnAfter: 3 } },
    );
    expect(logger.warnings).toEqual([expect.stringContaining('Post.author was loaded for one Post at a time 4 times')]);
  });

  test('the N+1 detector in strict mode throws, from the engine option too', async () => {
    const strict = ctx.createEngine({ nPlusOne: { warnAfter: 3, mode: 'throw' } });
    await using s = strict.session();
    const users = await s.find(User, { where: { id: { lte: 10 } }, orderBy: { id: 'asc' } });
    const loop = async (): Promise<void> => {
      for (const u of users) await u.posts.load();
    };
    await expect(loop()).rejects.toThrow(NPlusOneError);
    expect(users[2]!.posts.isLoaded).toBe(true);
    expect(users[3]!.posts.isLoaded).toBe(false);
    await expect(users[3]!.posts.load()).rejects.toThrow(/User\.posts was loaded for one User at a time 5 times/);
    // Batched loads are fine.
    await Promise.all(users.map((u) => u.posts.load()));
    expect(users[9]!.posts.length).toBe(5);
    // The session can switch it off.
    await using relaxed = strict.session({ nPlusOne: false });
    for (const u of await relaxed.find(User, { where: { id: { lte: 10 } } })) await u.posts.load();
  });

  test('joined + limit: the limit applies to the parents (a subquery), not to the joined rows', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { where: { id: { gt: 100 } }, orderBy: { name: 'desc' }, limit: 3, offset: 1, load: { posts: 'joined' } });
    expect(db.recorder.count).toBe(1);
    // Names sort as text: user999, user998, user997, user996 …; offset 1 skips user999.
    expect(users.map((u) => u.id)).toEqual([998, 997, 996]);
    for (const u of users) expect(u.posts.length).toBe(5);
    // findOne: LIMIT 1 of users, all five posts.
    const one = await s.findOne(User, { where: { id: 12 }, load: { posts: 'joined', 'posts.comments': 'joined' } });
    expect(one!.posts.length).toBe(5);
    expect(one!.posts.getItems()[4]!.comments.length).toBe(3);
    // With only to-one joins the limit stays on the statement itself.
    db.recorder.clear();
    const posts = await s.find(Post, { orderBy: { id: 'asc' }, limit: 2, load: { author: 'joined' } });
    expect(posts.map((p) => p.author.get().id)).toEqual([1, 1]);
    expect(db.recorder.sql[0]).not.toMatch(/athanor_o/);
  });

  test('select-in lists and lazy batches are chunked under the parameter limit', async () => {
    // The same dialect with a limit of 300 parameters: 1,000 keys go in 4 statements.
    const dialect = Object.create(ctx.dialect, { adapter: { value: { ...ctx.dialect.adapter, maxParameters: 300 } } }) as typeof ctx.dialect;
    const small = ctx.createEngine({ dialect });
    const record = ctx.recordStatements(small);
    {
      await using s = small.session();
      const users = await s.find(User, { orderBy: { id: 'asc' }, load: { posts: 'selectin' } });
      expect(record.count).toBe(1 + 4);
      expect(Math.max(...record.statements.map((x) => x.params.length))).toBeLessThanOrEqual(300);
      expect(users[999]!.posts.getItems().map((p) => p.id)).toEqual([4996, 4997, 4998, 4999, 5000]);
    }
    record.clear();
    {
      await using s = small.session();
      const users = await s.find(User, { orderBy: { id: 'asc' } });
      await Promise.all(users.map((u) => u.posts.load()));
      expect(record.count).toBe(1 + 4);
      expect(users.every((u) => u.posts.length === 5)).toBe(true);
    }
  });

  test('count and loadCount without loading rows; matching() queries a large collection', async () => {
    await using s = db.engine.session();
    const users = await s.find(User, { where: { id: { lte: 50 } } });
    db.recorder.clear();
    const counts = await Promise.all(users.map((u) => u.posts.loadCount()));
    expect(counts.every((n) => n === 5)).toBe(true);
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.sql[0]).toMatch(/COUNT\(\*\)/i);
    expect(users[0]!.posts.isLoaded).toBe(false);
    const u7 = users.find((u) => u.id === 7)!;
    const some = await u7.posts.matching({ where: { title: { in: ['post33', 'post35', 'post1'] } }, orderBy: { id: 'desc' }, limit: 5 });
    expect(some.map((p) => p.id)).toEqual([35, 33]);
    expect(u7.posts.isLoaded).toBe(false);
    await u7.posts.load();
    expect(await u7.posts.loadCount()).toBe(5);
  });
});
