/** Drizzle on mysql2, over one connection, as the raw contender. */
import { asc, eq, inArray, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/mysql2';
import { createConnection } from 'mysql2/promise';
import type { SetupContext } from '../../model';
import { countingLogger, type DrizzleBench, updateAgesByCase } from './bench-db';
import { mysqlPosts as posts, mysqlSchema, mysqlUsers as users } from './schema';

export async function openMysqlDrizzle(ctx: SetupContext): Promise<DrizzleBench> {
  const client = await createConnection({ ...ctx.target.server! });
  // 'planetscale' mode builds relational queries from correlated subqueries; the default
  // mode's LATERAL joins are MySQL-only (MariaDB has none).
  const mode = ctx.target.url.startsWith('mariadb:') ? 'planetscale' : 'default';
  const db = drizzle({ client, schema: mysqlSchema, mode, logger: countingLogger(ctx.counter) });
  const byId = db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare();

  return {
    reset: async (text, bound) => void (await client.execute(text, [bound])),
    insertUsersWithPosts: (userChunks, postsFor) =>
      db.transaction(async (tx) => {
        const ids: number[] = [];
        // MySQL has no RETURNING: Drizzle derives the keys from the statement's first insert id.
        for (const chunk of userChunks) for (const row of await tx.insert(users).values(chunk).$returningId()) ids.push(row.id);
        for (const chunk of postsFor(ids)) await tx.insert(posts).values(chunk);
        return ids;
      }),
    updateAges: (changes) =>
      db.transaction((tx) => updateAgesByCase(changes, users.id, false, (age, ids) => tx.update(users).set({ age }).where(inArray(users.id, ids)))),
    allPosts: () => db.select().from(posts),
    allUsers: () => db.select().from(users),
    usersWithPosts: (limit) => db.query.users.findMany({ with: { posts: true }, orderBy: [asc(users.id)], limit }),
    userById: () => async (id) => (await byId.execute({ id }))[0],
    close: () => client.end(),
  };
}
