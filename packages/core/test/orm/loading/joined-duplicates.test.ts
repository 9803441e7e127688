import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { Post, seedLarge, Tag } from './model';

/**
 * Sibling to-many relationships joined in one statement multiply each other's rows (a post
 * with 3 comments and 2 tags comes back in 6 rows, each comment and each tag several times,
 * not next to each other): every collection still lists each of its objects once, in order,
 * for a one-to-many (comments) and a many-to-many (tags, whose objects belong to several posts).
 * Posts 1-30 carry tag (p mod 3) + 1, and tag 1 too when p is even; post p has comments 3p-2 … 3p.
 */
const tagsOf = (p: number): number[] => [...new Set([...(p % 2 === 0 ? [1] : []), (p % 3) + 1])].sort((a, b) => a - b);

describeEachDialect('joined sibling collections: multiplied rows collapse to one item each', (ctx) => {
  const db = useTestEngine(ctx, { setUp: (engine) => seedLarge(engine, 6), setUpTimeoutMs: 60_000 });

  test('posts with their comments and tags joined: one statement, no duplicates', async () => {
    await using s = db.engine.session();
    const posts = await s.find(Post, { where: { id: { lte: 12 } }, orderBy: { id: 'asc' }, load: { comments: 'joined', tags: 'joined' } });
    expect(db.recorder.count).toBe(1);
    expect(posts.map((p) => p.id)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(posts.map((p) => p.comments.getItems().map((c) => c.id))).toEqual(posts.map((p) => [3 * p.id - 2, 3 * p.id - 1, 3 * p.id]));
    expect(posts.map((p) => p.tags.getItems().map((t) => t.id))).toEqual(posts.map((p) => tagsOf(p.id)));
    // A tag shared by several posts is one object in each of their collections.
    const tagOne = posts[1]!.tags.getItems()[0]!;
    expect(tagOne).toBeInstanceOf(Tag);
    expect(posts[3]!.tags.getItems()[0]).toBe(tagOne);
    expect(db.recorder.count).toBe(1);
  });

  test('the same from the other side: tags with their posts joined', async () => {
    await using s = db.engine.session();
    const tags = await s.find(Tag, { orderBy: { id: 'asc' }, load: { posts: 'joined', 'posts.comments': 'joined' } });
    expect(db.recorder.count).toBe(1);
    const postsOfTag = (tag: number): number[] => Array.from({ length: 30 }, (_, i) => i + 1).filter((p) => tagsOf(p).includes(tag));
    expect(tags.map((t) => t.posts.getItems().map((p) => p.id))).toEqual([postsOfTag(1), postsOfTag(2), postsOfTag(3)]);
    for (const t of tags) for (const p of t.posts.getItems()) expect(p.comments.getItems().map((c) => c.id)).toEqual([3 * p.id - 2, 3 * p.id - 1, 3 * p.id]);
  });
});
