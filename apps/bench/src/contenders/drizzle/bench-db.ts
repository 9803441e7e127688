/**
 * The statements the workloads need, written in Drizzle per dialect (Drizzle types its query
 * builders by dialect, so each database gets its own small module). The workloads in
 * workloads.ts are written once against this interface.
 */
import { type AnyColumn, type Logger, type SQL, sql } from 'drizzle-orm';
import type { SetupContext } from '../../model';
import type { StatementCounter } from '../../statement-counter';
import type { DrizzlePost, DrizzleUser, NewPost, NewUser } from './schema';

export interface DrizzleBench {
  /** Untimed: runs one `?`-placeholder statement (W1's reset). */
  reset(sql: string, bound: number): Promise<void>;
  /**
   * W1's write, in one transaction: each chunk of users as one multi-row INSERT … RETURNING
   * (or its dialect's equivalent), then the posts `postsFor` builds from the generated keys,
   * chunk by chunk. Resolves with the user keys in creation order.
   */
  insertUsersWithPosts(userChunks: NewUser[][], postsFor: (userIds: number[]) => NewPost[][]): Promise<number[]>;
  /**
   * W5's write, in one transaction. SQLite: a prepared `UPDATE … WHERE id = ?` per row (no
   * round trips); the servers: Drizzle's documented bulk update, `SET age = CASE WHEN id = ?
   * THEN ? … END WHERE id IN (…)`, `ROWS_PER_UPDATE` rows per statement.
   */
  updateAges(changes: readonly AgeChange[]): Promise<void>;
  allPosts(): Promise<DrizzlePost[]>;
  allUsers(): Promise<DrizzleUser[]>;
  /** The first `limit` users by id, each with its posts (Drizzle's relational query). */
  usersWithPosts(limit: number): Promise<(DrizzleUser & { posts: DrizzlePost[] })[]>;
  /** A prepared primary-key read. */
  userById(): (id: number) => Promise<DrizzleUser | undefined>;
  close(): Promise<void>;
}

export interface AgeChange {
  readonly id: number;
  readonly age: number;
}

/** Drizzle's logger hook: each statement it runs passes through `logQuery`. */
export function countingLogger(counter: StatementCounter): Logger {
  return {
    logQuery(): void {
      if (counter.active) counter.add();
    },
  };
}

export async function openDrizzle(ctx: SetupContext): Promise<DrizzleBench> {
  switch (ctx.target.id) {
    case 'sqlite':
      return (await import('./sqlite')).openSqliteDrizzle(ctx);
    case 'postgres':
      return (await import('./postgres')).openPostgresDrizzle(ctx);
    case 'mysql':
      return (await import('./mysql')).openMysqlDrizzle(ctx);
  }
}

/** Rows per CASE update: 3 bound values each, far under the servers' 65,535. */
const ROWS_PER_UPDATE = 1_000;

/**
 * W5 on the servers, Drizzle's bulk-update recipe: the changes in chunks of `ROWS_PER_UPDATE`,
 * each one statement that `update` builds from the chunk's `CASE` expression and its keys
 * (the dialect module, as Drizzle types its builders by dialect); `cast` as for `ageCase`.
 */
export async function updateAgesByCase(
  changes: readonly AgeChange[],
  id: AnyColumn,
  cast: boolean,
  update: (age: SQL, ids: number[]) => PromiseLike<unknown>,
): Promise<void> {
  for (let start = 0; start < changes.length; start += ROWS_PER_UPDATE) {
    const chunk = changes.slice(start, start + ROWS_PER_UPDATE);
    await update(ageCase(id, chunk, cast), chunk.map((c) => c.id));
  }
}

/** `CASE WHEN id = ? THEN ? … END` for one chunk of changes; `cast` types the values for PostgreSQL. */
function ageCase(id: AnyColumn, changes: readonly AgeChange[], cast: boolean): SQL {
  const parts: SQL[] = [sql`(case`];
  for (const change of changes) {
    parts.push(cast ? sql`when ${id} = ${change.id} then ${change.age}::integer` : sql`when ${id} = ${change.id} then ${change.age}`);
  }
  parts.push(sql`end)`);
  return sql.join(parts, sql` `);
}
