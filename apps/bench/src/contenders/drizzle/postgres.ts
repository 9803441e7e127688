/** Drizzle on node-postgres, over one Client, as the raw contender. */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/node-postgres';
import { Client } from 'pg';
import type { SetupContext } from '../../model';
import { pgPlaceholders } from '../../schema';
import { countingLogger, type DrizzleBench, updateAgesByCase } from './bench-db';
import { pgPosts as posts, pgSchema, pgUsers as users } from './schema';

export async function openPostgresDrizzle(ctx: SetupContext): Promise<DrizzleBench> {
  const client = new Client({ ...ctx.target.server!, application_name: 'athanor-bench-drizzle' });
  await client.connect();
  const db = drizzle({ client, schema: pgSchema, logger: countingLogger(ctx.counter) });
  const byId = db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare('drizzle_user_by_id');

  return {
    reset: async (text, bound) => void (await client.query(pgPlaceholders(text), [bound])),
    insertUsersWithPosts: (userChunks, postsFor) =>
      db.transaction(async (tx) => {
        const ids: number[] = [];
        for (const chunk of userChunks) {
          for (const row of await tx.insert(users).values(chunk).returning({ id: users.id })) ids.push(row.id);
        }
        for (const chunk of postsFor(ids)) await tx.insert(posts).values(chunk);
        return ids;
      }),
    updateAges: (changes) =>
      db.transaction((tx) => updateAgesByCase(changes, users.id, true, (age, ids) => tx.update(users).set({ age }).where(inArray(users.id, ids)))),
    allPosts: () => db.select().from(posts),
    allUsers: () => db.select().from(users),
    usersWithPosts: (limit) => db.query.users.findMany({ with: { posts: true }, orderBy: [asc(users.id)], limit }),
    userById: () => async (id) => (await byId.execute({ id }))[0],
    close: () => client.end(),
  };
}
