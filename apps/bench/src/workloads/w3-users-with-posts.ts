/**
 * W3: the first 1,000 users (by id) with their posts collections, eager-loaded. Athanor's
 * default shape is `load: { posts: 'selectin' }` (users, then one `IN (…)` for their posts);
 * W3-joined loads them in the users' statement (LEFT JOIN, the limit applying to users) and
 * W3-lazy loads every collection on demand, batched into one statement by
 * `Promise.all(users.map((u) => u.posts.load()))`. All three race the same raw code: two
 * hand-written queries (users, then their posts by `author_id`), grouped into arrays by hand.
 */
import type { Session } from '@athanor/core';
import { benchEngine } from '../contenders/athanor';
import { inspectUsersWithPosts } from '../contenders/peer-results';
import { Post, User } from '../entities';
import type { DbId, Implementation, Inspection, Sizes, Workload } from '../model';
import { mysqlConnection, openSqlite, pgClient } from '../raw-drivers';

const USERS_SQL = 'SELECT id, username, email, age FROM users ORDER BY id LIMIT ?';
const POST_COLUMNS = 'id, author_id, title, body, views';

interface RawPost {
  readonly id: number;
  readonly author_id: number;
  readonly title: string;
  readonly body: string;
  readonly views: number;
}
interface RawUser {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly age: number | null;
  posts: RawPost[];
}

/** Untimed: users read, posts attached to them, the sum of those posts' keys (the check the peers use too). */
const inspect = inspectUsersWithPosts;

const athanorInspect = (users: readonly User[]): Inspection =>
  inspect(users.map((u) => ({ posts: u.posts.getItems() as readonly Post[] })));

/** Attach each post to its author's array (users come from the first query, posts in any order). */
function group(users: RawUser[], posts: readonly RawPost[]): RawUser[] {
  const byId = new Map<number, RawUser>();
  for (const user of users) {
    user.posts = [];
    byId.set(user.id, user);
  }
  for (const post of posts) byId.get(post.author_id)!.posts.push(post);
  return users;
}

const raw: Implementation = async ({ target, sizes, counter }) => {
  const limit = sizes.w3Users;
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      const usersStmt = db.prepare<[number], RawUser>(USERS_SQL);
      // One statement for the whole run: the key list is as long as the users page.
      const postsStmt = db.prepare<number[], RawPost>(
        `SELECT ${POST_COLUMNS} FROM posts WHERE author_id IN (${new Array<string>(limit).fill('?').join(', ')})`,
      );
      return {
        async run(): Promise<RawUser[]> {
          const users = usersStmt.all(limit);
          counter.add();
          const posts = postsStmt.all(...padded(users.map((u) => u.id), limit));
          counter.add();
          return group(users, posts);
        },
        inspect,
        teardown: async () => void db.close(),
      };
    }
    case 'postgres': {
      const client = await pgClient(target);
      return {
        async run(): Promise<RawUser[]> {
          const { rows: users } = await client.query<RawUser>({ name: 'bench_w3_users', text: 'SELECT id, username, email, age FROM users ORDER BY id LIMIT $1', values: [limit] });
          counter.add();
          const { rows: posts } = await client.query<RawPost>({
            name: 'bench_w3_posts',
            text: `SELECT ${POST_COLUMNS} FROM posts WHERE author_id = ANY($1::int[])`,
            values: [users.map((u) => u.id)],
          });
          counter.add();
          return group(users, posts);
        },
        inspect,
        teardown: () => client.end(),
      };
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      const postsSql = `SELECT ${POST_COLUMNS} FROM posts WHERE author_id IN (${new Array<string>(limit).fill('?').join(', ')})`;
      return {
        async run(): Promise<RawUser[]> {
          const [users] = await conn.execute(USERS_SQL, [limit]);
          counter.add();
          const ids = (users as RawUser[]).map((u) => u.id);
          const [posts] = await conn.execute(postsSql, padded(ids, limit));
          counter.add();
          return group(users as RawUser[], posts as RawPost[]);
        },
        inspect,
        teardown: () => conn.end(),
      };
    }
  }
};

/** A prepared `IN (?, …)` of fixed width: fewer keys repeat the last one (no match twice). */
function padded(ids: readonly number[], width: number): number[] {
  const out = ids.slice(0, width);
  while (out.length < width) out.push(out.length > 0 ? out[out.length - 1]! : 0);
  return out;
}

type Load = (session: Session, sizes: Sizes) => Promise<User[]>;

function athanorWith(load: Load): Implementation {
  return async (ctx) => {
    const engine = benchEngine(ctx);
    return {
      async run(): Promise<User[]> {
        const session = engine.session();
        try {
          return await load(session, ctx.sizes);
        } finally {
          await session.close();
        }
      },
      inspect: athanorInspect,
      teardown: () => engine.dispose(),
    };
  };
}

const firstUsers = (sizes: Sizes) => ({ orderBy: { id: 'asc' }, limit: sizes.w3Users }) as const;

const selectin = athanorWith((session, sizes) => session.find(User, { ...firstUsers(sizes), load: { posts: 'selectin' } }));
const joined = athanorWith((session, sizes) => session.find(User, { ...firstUsers(sizes), load: { posts: 'joined' } }));
const lazy = athanorWith(async (session, sizes) => {
  const users = await session.find(User, firstUsers(sizes));
  await Promise.all(users.map((u) => u.posts.load()));
  return users;
});

const RAW_STATEMENTS = 2;

/** The variants compare Athanor's loading strategies with one raw baseline; peer ORMs run W3 itself. */
const athanorOnly = (_db: DbId, contender: string): string | undefined =>
  contender === 'raw' || contender === 'athanor' ? undefined : 'an Athanor-only variant of W3 (its loading strategies)';

function statements(athanor: number): (sizes: Sizes, db: DbId, contender: string) => number | undefined {
  return (_sizes, _db, contender) => (contender === 'raw' ? RAW_STATEMENTS : contender === 'athanor' ? athanor : undefined);
}

export const w3UsersWithPosts: Workload = {
  id: 'W3',
  title: 'first 1,000 users with their posts, eager-loaded (Athanor: selectin)',
  expectedStatements: statements(2),
  implementations: { raw, athanor: selectin },
};

export const w3Joined: Workload = {
  id: 'W3-joined',
  title: 'W3 with a joined eager load (Athanor only; raw = the same two queries)',
  notApplicable: athanorOnly,
  expectedStatements: statements(1),
  implementations: { raw, athanor: joined },
};

export const w3Lazy: Workload = {
  id: 'W3-lazy',
  title: 'W3 with lazy loads batched by Promise.all (Athanor only; raw = the same two queries)',
  notApplicable: athanorOnly,
  expectedStatements: statements(2),
  implementations: { raw, athanor: lazy },
};
