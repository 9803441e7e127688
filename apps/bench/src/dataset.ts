/**
 * Deterministic bench data: N users and 5 posts per user, written once per database before
 * the workloads run (untimed), through Athanor Core in one transaction.
 */
import { createEngine, insert, sql } from '@athanor/core';
import type { Sizes } from './model';
import { metadata, n1Items, posts, users } from './schema';
import type { Target } from './targets';

export const USERS_AT_SCALE_1 = 10_000;
export const POSTS_PER_USER = 5;
const SEED_CHUNK = 500;

const scaled = (atScale1: number, scale: number, min: number): number => Math.max(min, Math.round(atScale1 * scale));

export function sizesFor(scale: number): Sizes {
  if (!(scale > 0)) throw new Error(`--scale must be a positive number (got ${scale})`);
  const userCount = scaled(USERS_AT_SCALE_1, scale, 20);
  return {
    scale,
    users: userCount,
    posts: userCount * POSTS_PER_USER,
    postsPerUser: POSTS_PER_USER,
    w1Users: userCount,
    w3Users: Math.min(userCount, scaled(1_000, scale, 1)),
    w4Reads: Math.min(userCount, scaled(5_000, scale, 1)),
    w4SessionReads: 100,
    n1Rows: scaled(100_000, scale, 20),
  };
}

const WORDS = 'lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore magna aliqua'.split(' ');

export function userRow(i: number): typeof users.$inferInsert {
  return { id: i, username: `user${i}`, email: `user${i}@example.com`, age: i % 10 === 0 ? null : 18 + (i % 60) };
}

export function postRow(j: number, userCount: number): typeof posts.$inferInsert {
  const words: string[] = [];
  for (let k = 0; k < 20 + (j % 15); k++) words.push(WORDS[(j * 7 + k * 3) % WORDS.length]!);
  return { id: j, authorId: ((j - 1) % userCount) + 1, title: `Post ${j}`, body: words.join(' '), views: (j * 37) % 1000 };
}

export function n1Row(i: number): typeof n1Items.$inferInsert {
  return { id: i, label: `item ${i}`, counter: 0 };
}

/**
 * `count` distinct keys from 1..max in a scattered order: i·stride mod max with a prime
 * stride that does not divide max, so neighbours in the sequence are far apart in the index.
 */
export function scatteredKeys(count: number, max: number): number[] {
  if (count > max) throw new Error(`cannot pick ${count} distinct keys from ${max}`);
  const stride = [7919, 7907, 7901].find((p) => max % p !== 0)!;
  const keys = new Array<number>(count);
  for (let i = 0; i < count; i++) keys[i] = ((i * stride) % max) + 1;
  return keys;
}

async function insertChunked<T>(total: number, row: (i: number) => T, write: (rows: T[]) => unknown): Promise<void> {
  for (let start = 1; start <= total; start += SEED_CHUNK) {
    const rows: T[] = [];
    for (let i = start; i < start + SEED_CHUNK && i <= total; i++) rows.push(row(i));
    await write(rows);
  }
}

/** Drop and recreate the bench tables and fill them. */
export async function seed(target: Target, sizes: Sizes): Promise<void> {
  const engine = createEngine(target.url, { pool: { size: 1, maxOverflow: 0 } });
  try {
    await metadata.dropAll(engine, { ifExists: true });
    await metadata.createAll(engine);
    await engine.transaction(async (tx) => {
      await insertChunked(sizes.users, userRow, (rows) => tx.execute(insert(users).values(rows)));
      await insertChunked(sizes.posts, (j) => postRow(j, sizes.users), (rows) => tx.execute(insert(posts).values(rows)));
      await insertChunked(sizes.n1Rows, n1Row, (rows) => tx.execute(insert(n1Items).values(rows)));
    });
    // The rows above carry explicit keys, which PostgreSQL's identity columns do not see:
    // move them past the seeded keys so W1's generated keys do not collide.
    if (target.id === 'postgres') {
      await engine.execute(sql`SELECT setval(pg_get_serial_sequence('users', 'id'), ${sizes.users})`);
      await engine.execute(sql`SELECT setval(pg_get_serial_sequence('posts', 'id'), ${sizes.posts})`);
    }
    // Fresh statistics, so the planner sees the real table sizes.
    if (target.id === 'postgres') await engine.execute(sql`ANALYZE users, posts, n1_items`);
    if (target.id === 'mysql') await engine.execute(sql`ANALYZE TABLE users, posts, n1_items`);
    if (target.id === 'sqlite') await engine.execute(sql`ANALYZE`);
  } finally {
    await engine.dispose();
  }
}
