/** Drizzle on better-sqlite3, with its synchronous API (`.all()`, `.get()`, `.run()`, sync transactions). */
import Database from 'better-sqlite3';
import { asc, eq, sql } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import type { SetupContext } from '../../model';
import { countingLogger, type DrizzleBench } from './bench-db';
import { sqlitePosts as posts, sqliteSchema, sqliteUsers as users } from './schema';

export function openSqliteDrizzle(ctx: SetupContext): DrizzleBench {
  const client = new Database(ctx.target.file!);
  // As the raw driver and Athanor open the file.
  client.pragma('journal_mode = WAL');
  client.pragma('foreign_keys = ON');
  const db = drizzle({ client, schema: sqliteSchema, logger: countingLogger(ctx.counter) });
  const byId = db.select().from(users).where(eq(users.id, sql.placeholder('id'))).prepare();
  const setAge = db
    .update(users)
    .set({ age: sql`${sql.placeholder('age')}` })
    .where(eq(users.id, sql.placeholder('id')))
    .prepare();

  return {
    reset: async (text, bound) => void client.prepare(text).run(bound),
    async insertUsersWithPosts(userChunks, postsFor) {
      return db.transaction((tx) => {
        const ids: number[] = [];
        for (const chunk of userChunks) {
          for (const row of tx.insert(users).values(chunk).returning({ id: users.id }).all()) ids.push(row.id);
        }
        for (const chunk of postsFor(ids)) tx.insert(posts).values(chunk).run();
        return ids;
      });
    },
    async updateAges(changes) {
      // Same connection, so the statement prepared on `db` runs inside the transaction.
      db.transaction(() => {
        for (const { id, age } of changes) setAge.run({ id, age });
      });
    },
    allPosts: async () => db.select().from(posts).all(),
    allUsers: async () => db.select().from(users).all(),
    usersWithPosts: async (limit) => db.query.users.findMany({ with: { posts: true }, orderBy: [asc(users.id)], limit }).sync(),
    userById: () => async (id) => byId.get({ id }),
    close: async () => void client.close(),
  };
}
