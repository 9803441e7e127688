/**
 * Drizzle's code for the ORM workloads, in its documented style: multi-row
 * `insert(...).values([...]).returning()` chunked under the bound-parameter limits (W1),
 * `select()` (W2), the relational query `db.query.users.findMany({ with: { posts: true } })`
 * (W3), prepared statements (W4), and for W5 its bulk-update recipe (`CASE` chunks) on the
 * servers, a prepared per-row UPDATE on SQLite (no round trips there), in one transaction.
 * Drizzle is a query builder without a unit of work, so N1 does not apply.
 */
import { w1Post, w1User, W1_RESET_SQL, w5NextAge } from '../../checks';
import { scatteredKeys } from '../../dataset';
import type { Implementation, Sizes } from '../../model';
import {
  type ChangeOutcome,
  inspectPkReads,
  inspectPosts,
  inspectUsersWithPosts,
  inspectW5,
  type PkReadsOutcome,
  rowsPerInsert,
  type W1Outcome,
  w1Inspector,
} from '../peer-results';
import { type AgeChange, openDrizzle } from './bench-db';
import type { NewPost, NewUser } from './schema';

function chunked<T>(total: number, perChunk: number, row: (n: number) => T): T[][] {
  const chunks: T[][] = [];
  for (let start = 0; start < total; start += perChunk) {
    const chunk: T[] = [];
    for (let n = start; n < start + perChunk && n < total; n++) chunk.push(row(n));
    chunks.push(chunk);
  }
  return chunks;
}

/** Posts of W1's users, user by user, pointing at the keys the users' INSERTs returned. */
function w1Posts(sizes: Sizes, userIds: readonly number[]): NewPost[][] {
  const per = sizes.postsPerUser;
  return chunked(userIds.length * per, rowsPerInsert(5), (n) => {
    const i = Math.floor(n / per) + 1;
    return { ...w1Post(i, n % per), authorId: userIds[i - 1]! };
  });
}

const w1: Implementation = async (ctx) => {
  const db = await openDrizzle(ctx);
  const { sizes } = ctx;
  const reset = async (): Promise<void> => {
    await db.reset(W1_RESET_SQL.posts, sizes.posts);
    await db.reset(W1_RESET_SQL.users, sizes.users);
  };
  return {
    reset,
    async run(): Promise<W1Outcome> {
      const userChunks: NewUser[][] = chunked(sizes.w1Users, rowsPerInsert(4), (n) => w1User(n + 1));
      let postChunks: NewPost[][] = [];
      const userIds = await db.insertUsersWithPosts(userChunks, (ids) => (postChunks = w1Posts(sizes, ids)));
      const postAuthorIds: number[] = [];
      for (const chunk of postChunks) for (const post of chunk) postAuthorIds.push(post.authorId);
      return { userIds, postAuthorIds };
    },
    inspect: w1Inspector(sizes),
    // Leave the seeded tables to the workloads after W1.
    teardown: () => reset().finally(() => db.close()),
  };
};

const w2: Implementation = async (ctx) => {
  const db = await openDrizzle(ctx);
  return { run: () => db.allPosts(), inspect: inspectPosts, teardown: () => db.close() };
};

const w3: Implementation = async (ctx) => {
  const db = await openDrizzle(ctx);
  const limit = ctx.sizes.w3Users;
  return { run: () => db.usersWithPosts(limit), inspect: inspectUsersWithPosts, teardown: () => db.close() };
};

const w4: Implementation = async (ctx) => {
  const db = await openDrizzle(ctx);
  const keys = scatteredKeys(ctx.sizes.w4Reads, ctx.sizes.users);
  const userById = db.userById();
  return {
    async run(): Promise<PkReadsOutcome> {
      const outcome: PkReadsOutcome = { found: 0, idSum: 0 };
      for (const id of keys) {
        const user = await userById(id);
        if (user !== undefined) {
          outcome.found++;
          outcome.idSum += user.id;
        }
      }
      return outcome;
    },
    inspect: inspectPkReads,
    teardown: () => db.close(),
  };
};

const w5: Implementation = async (ctx) => {
  const db = await openDrizzle(ctx);
  return {
    async run(): Promise<ChangeOutcome> {
      const users = await db.allUsers();
      const changes: AgeChange[] = [];
      for (const user of users) {
        const age = w5NextAge(user.age);
        if (age !== user.age) changes.push({ id: user.id, age });
      }
      await db.updateAges(changes);
      return { loaded: users.length, changed: changes.length };
    },
    inspect: inspectW5,
    teardown: () => db.close(),
  };
};

export const drizzleImplementations = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 } as const;
