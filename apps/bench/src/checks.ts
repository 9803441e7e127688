/**
 * What every contender must agree on, per ORM workload, and the data the writing workloads
 * create. Each contender's `inspect` (untimed) reduces its own result to these numbers and
 * calls the function here, so the strings match only when the work done matches; the runner
 * stops the bench when they differ.
 */
import type { Inspection } from './model';

/** The first key W1 may generate: rows above the seeded ones are W1's and `reset` deletes them. */
export const W1_RESET_SQL = {
  posts: 'DELETE FROM posts WHERE id > ?',
  users: 'DELETE FROM users WHERE id > ?',
} as const;

/** W1's i-th new user (i from 1); usernames cannot collide with the seeded `user<i>`. */
export function w1User(i: number): { username: string; email: string; age: number | null } {
  return { username: `w1-${i}`, email: `w1-${i}@example.com`, age: i % 10 === 0 ? null : 20 + (i % 50) };
}

/** W1's j-th post (j from 0) of its i-th new user. */
export function w1Post(i: number, j: number): { title: string; body: string; views: number } {
  return { title: `W1 post ${i}.${j}`, body: `Body of post ${j} by w1-${i}`, views: (i + j) % 100 };
}

/**
 * W1: the generated keys of the new users (in creation order) and, for each new post (in
 * creation order, user by user), the key of its author as the contender saw it after the write.
 */
export function w1Check(userIds: ArrayLike<number>, postAuthorIds: ArrayLike<number>, postsPerUser: number): Inspection {
  const seen = new Set<number>();
  for (let i = 0; i < userIds.length; i++) {
    const id = userIds[i]!;
    if (!Number.isInteger(id) || id <= 0) return { check: `user ${i} has no generated key (${String(id)})` };
    seen.add(id);
  }
  if (seen.size !== userIds.length) return { check: `${userIds.length - seen.size} duplicate user keys` };
  for (let p = 0; p < postAuthorIds.length; p++) {
    const expected = userIds[Math.floor(p / postsPerUser)];
    if (postAuthorIds[p] !== expected) return { check: `post ${p} points at ${String(postAuthorIds[p])}, not its author ${String(expected)}` };
  }
  return { check: `${userIds.length} users and ${postAuthorIds.length} posts written, every post pointing at its new author` };
}

/** W2 (and W2-core): the posts read and the sum of their `views`. */
export function postsCheck(count: number, viewsSum: number): Inspection {
  return { check: `${count} rows, views sum ${viewsSum}` };
}

/** W3: users read, posts attached to them, and the sum of those posts' keys. */
export function w3Check(users: number, posts: number, postIdSum: number): Inspection {
  return { check: `${users} users, ${posts} posts, post id sum ${postIdSum}` };
}

/** W4 (and W4-core): rows found and the sum of their keys. */
export function pkReadsCheck(found: number, idSum: number): Inspection {
  return { check: `${found} rows, id sum ${idSum}` };
}

/**
 * W5's new `age` for a user, from the value the contender loaded. Every contender runs on the
 * same rows in turn, so the new value depends only on the old one and always differs from it.
 */
export function w5NextAge(age: number | null): number {
  return age === null || age >= 90 ? 18 : age + 1;
}

/** W5: users loaded and changed. */
export function w5Check(loaded: number, changed: number): Inspection {
  return { check: `${loaded} users loaded, ${changed} changed` };
}

/** N1: objects the session holds and rows the flush changed. */
export function n1Check(held: number, changed: number): Inspection {
  return { check: `${held} objects held, ${changed} changed` };
}
