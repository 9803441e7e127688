/**
 * W1: create 10,000 users with 5 posts each as new objects and persist them all in one
 * transaction, the database generating every key (posts need their user's). `reset` deletes
 * the rows above the seeded keys before every run, so each run starts from the seeded tables
 * (and `teardown` too, so the workloads after W1 see the seeded tables).
 *
 * Raw is the fastest idiomatic shape per driver: SQLite a prepared INSERT per row
 * (`lastInsertRowid`); PostgreSQL one `INSERT … SELECT * FROM unnest($1::text[], …) RETURNING id`
 * per table (measured faster than multi-row VALUES in chunks of 1,000 to 16,000 rows); MariaDB prepared
 * multi-row `INSERT … RETURNING id` (10.5+) in chunks. PostgreSQL and MariaDB return the rows of one INSERT in the
 * order they were given, which is how the raw code pairs keys with users. Athanor: entities made
 * with `new`, posts added to their user's collection, `session.addAll(users)` (posts follow
 * by the save cascade) and `commit()`.
 */
import { W1_RESET_SQL, w1Check, w1Post, w1User } from '../checks';
import { benchEngine } from '../contenders/athanor';
import { Post, User } from '../entities';
import type { Implementation, Inspection, Sizes, Workload, WorkloadRun } from '../model';
import { mysqlConnection, openSqlite, pgClient, rawStatements, type RawStatements } from '../raw-drivers';

/** What a run wrote, in creation order: the new users' keys and each new post's author key. */
interface Written {
  readonly userIds: ArrayLike<number>;
  readonly postAuthorIds: ArrayLike<number>;
}

/**
 * Rows per multi-row INSERT on MariaDB, prepared (`execute`): measured against 2,000 and 3,000
 * prepared and 500 to 5,000 through the text protocol (`query`), 1,000 prepared was fastest.
 */
export const MYSQL_CHUNK_ROWS = 1_000;

function inspectFor(sizes: Sizes): (w: Written) => Inspection {
  return (w) => w1Check(w.userIds, w.postAuthorIds, sizes.postsPerUser);
}

async function resetTables(statements: RawStatements, sizes: Sizes): Promise<void> {
  await statements.run(W1_RESET_SQL.posts, [sizes.posts]);
  await statements.run(W1_RESET_SQL.users, [sizes.users]);
}

/** The run's rows as column arrays (built inside the timed run: making the data is part of W1). */
function columns(sizes: Sizes) {
  const n = sizes.w1Users;
  const per = sizes.postsPerUser;
  const user = { username: new Array<string>(n), email: new Array<string>(n), age: new Array<number | null>(n) };
  const post = { title: new Array<string>(n * per), body: new Array<string>(n * per), views: new Array<number>(n * per) };
  for (let i = 1; i <= n; i++) {
    const u = w1User(i);
    user.username[i - 1] = u.username;
    user.email[i - 1] = u.email;
    user.age[i - 1] = u.age;
    for (let j = 0; j < per; j++) {
      const p = w1Post(i, j);
      const k = (i - 1) * per + j;
      post.title[k] = p.title;
      post.body[k] = p.body;
      post.views[k] = p.views;
    }
  }
  return { user, post };
}

const raw: Implementation = async ({ target, sizes, counter }) => {
  const n = sizes.w1Users;
  const per = sizes.postsPerUser;
  const inspect = inspectFor(sizes);
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      const insertUser = db.prepare('INSERT INTO users (username, email, age) VALUES (?, ?, ?)');
      const insertPost = db.prepare('INSERT INTO posts (author_id, title, body, views) VALUES (?, ?, ?, ?)');
      const reset: RawStatements = { run: async (sql, params) => void db.prepare(sql).run(...params), close: async () => {} };
      return {
        reset: () => resetTables(reset, sizes),
        async run(): Promise<Written> {
          const userIds = new Array<number>(n);
          const postAuthorIds = new Array<number>(n * per);
          db.exec('BEGIN');
          try {
            for (let i = 1; i <= n; i++) {
              const u = w1User(i);
              const id = Number(insertUser.run(u.username, u.email, u.age).lastInsertRowid);
              userIds[i - 1] = id;
              for (let j = 0; j < per; j++) {
                const p = w1Post(i, j);
                insertPost.run(id, p.title, p.body, p.views);
                postAuthorIds[(i - 1) * per + j] = id;
              }
            }
            db.exec('COMMIT');
          } catch (error) {
            db.exec('ROLLBACK');
            throw error;
          }
          counter.add(2 + n + n * per);
          return { userIds, postAuthorIds };
        },
        inspect,
        teardown: async () => {
          await resetTables(reset, sizes);
          db.close();
        },
      };
    }
    case 'postgres': {
      const client = await pgClient(target);
      const reset = await rawStatements(target);
      return {
        reset: () => resetTables(reset, sizes),
        async run(): Promise<Written> {
          const { user, post } = columns(sizes);
          await client.query('BEGIN');
          try {
            const { rows: users } = await client.query<{ id: number }>(
              'INSERT INTO users (username, email, age) SELECT * FROM unnest($1::text[], $2::text[], $3::int[]) RETURNING id',
              [user.username, user.email, user.age],
            );
            const userIds = users.map((r) => r.id);
            const authorIds = new Array<number>(n * per);
            for (let k = 0; k < authorIds.length; k++) authorIds[k] = userIds[Math.floor(k / per)]!;
            const { rows: posts } = await client.query<{ author_id: number }>(
              'INSERT INTO posts (author_id, title, body, views) SELECT * FROM unnest($1::int[], $2::text[], $3::text[], $4::int[]) RETURNING author_id',
              [authorIds, post.title, post.body, post.views],
            );
            await client.query('COMMIT');
            counter.add(4);
            return { userIds, postAuthorIds: posts.map((r) => r.author_id) };
          } catch (error) {
            await client.query('ROLLBACK');
            throw error;
          }
        },
        inspect,
        teardown: async () => {
          await resetTables(reset, sizes);
          await reset.close();
          await client.end();
        },
      };
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      const reset = await rawStatements(target);
      /** Multi-row INSERT … RETURNING id of `rows` rows starting at `from` (values from `value(k, column)`). */
      const insertReturning = async (sql: string, width: number, from: number, rows: number, value: (k: number, c: number) => string | number | null): Promise<number[]> => {
        const params = new Array<string | number | null>(rows * width);
        for (let r = 0; r < rows; r++) for (let c = 0; c < width; c++) params[r * width + c] = value(from + r, c);
        const tuple = `(${new Array<string>(width).fill('?').join(', ')})`;
        const [out] = await conn.execute(`${sql} VALUES ${new Array<string>(rows).fill(tuple).join(', ')} RETURNING id`, params);
        counter.add();
        return (out as { id: number }[]).map((r) => r.id);
      };
      return {
        reset: () => resetTables(reset, sizes),
        async run(): Promise<Written> {
          const { user, post } = columns(sizes);
          await conn.query('BEGIN');
          try {
            const userIds: number[] = [];
            for (let from = 0; from < n; from += MYSQL_CHUNK_ROWS) {
              const ids = await insertReturning('INSERT INTO users (username, email, age)', 3, from, Math.min(MYSQL_CHUNK_ROWS, n - from), (k, c) =>
                c === 0 ? user.username[k] : c === 1 ? user.email[k] : user.age[k],
              );
              for (const id of ids) userIds.push(id);
            }
            const total = n * per;
            const authorOf = (k: number): number => userIds[Math.floor(k / per)]!;
            for (let from = 0; from < total; from += MYSQL_CHUNK_ROWS) {
              await insertReturning('INSERT INTO posts (author_id, title, body, views)', 4, from, Math.min(MYSQL_CHUNK_ROWS, total - from), (k, c) =>
                c === 0 ? authorOf(k) : c === 1 ? post.title[k] : c === 2 ? post.body[k] : post.views[k],
              );
            }
            await conn.query('COMMIT');
            counter.add(2);
            const postAuthorIds = new Array<number>(total);
            for (let k = 0; k < total; k++) postAuthorIds[k] = authorOf(k);
            return { userIds, postAuthorIds };
          } catch (error) {
            await conn.query('ROLLBACK');
            throw error;
          }
        },
        inspect,
        teardown: async () => {
          await resetTables(reset, sizes);
          await reset.close();
          await conn.end();
        },
      };
    }
  }
};

interface AthanorWritten {
  readonly users: readonly User[];
  readonly posts: readonly Post[];
}

const athanor: Implementation = async (ctx) => {
  const { sizes } = ctx;
  const engine = benchEngine(ctx);
  const reset = await rawStatements(ctx.target);
  const inspect = inspectFor(sizes);
  const instance: WorkloadRun<AthanorWritten> = {
    reset: () => resetTables(reset, sizes),
    async run(): Promise<AthanorWritten> {
      const session = engine.session();
      try {
        const users = new Array<User>(sizes.w1Users);
        const posts: Post[] = [];
        for (let i = 1; i <= sizes.w1Users; i++) {
          const user = Object.assign(new User(), w1User(i));
          for (let j = 0; j < sizes.postsPerUser; j++) {
            const post = Object.assign(new Post(), w1Post(i, j));
            user.posts.add(post);
            posts.push(post);
          }
          users[i - 1] = user;
        }
        session.addAll(users);
        await session.commit();
        return { users, posts };
      } finally {
        await session.close();
      }
    },
    inspect: (w) => inspect({ userIds: w.users.map((u) => u.id), postAuthorIds: w.posts.map((p) => p.author.id) }),
    teardown: async () => {
      await resetTables(reset, sizes);
      await reset.close();
      await engine.dispose();
    },
  };
  return instance;
};

export const w1CreateUsersPosts: Workload = {
  id: 'W1',
  title: 'create 10,000 users + 50,000 posts as objects, persist in one transaction',
  note: (db) => (db === 'mysql' ? `W1: raw MariaDB inserts ${MYSQL_CHUNK_ROWS} rows per INSERT … RETURNING.` : undefined),
  expectedStatements: (sizes, db, contender) => {
    if (contender !== 'raw') return undefined;
    const users = sizes.w1Users;
    const posts = users * sizes.postsPerUser;
    if (db === 'sqlite') return 2 + users + posts;
    if (db === 'postgres') return 4;
    return 2 + Math.ceil(users / MYSQL_CHUNK_ROWS) + Math.ceil(posts / MYSQL_CHUNK_ROWS);
  },
  implementations: { raw, athanor },
};
