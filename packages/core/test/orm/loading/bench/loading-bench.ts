/**
 * Loading measurements against the raw drivers (not a test; the bench app will carry W2/W3):
 *
 *   node --expose-gc -r @swc-node/register packages/core/test/orm/loading/bench/loading-bench.ts [sqlite|postgres|mysql …] [--runs=7]
 *
 * W2: load and hydrate 50,000 posts (Athanor: `find(Post)` in a fresh session, entities in an
 * identity map; raw: the driver's row objects). W3: 1,000 users with their 5,000 posts (raw:
 * two hand-written queries, the second `WHERE author_id IN (…)`, grouped into arrays by hand;
 * Athanor: select-in, joined, and lazy loads batched through `Promise.all`). Interleaved,
 * median of the runs after a warm-up, GC forced before each. Uses its own database
 * (athanor_load_bench) on the local servers.
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Collection, Column, createEngine, Entity, insert, ManyToOne, OneToMany, PrimaryKey, Registry, table } from '../../../../src/index';
import type { AnyTable, Dialect, Engine, Ref } from '../../../../src/index';
import { mariadbDialect } from '../../../../../mysql/src/index';
import { postgresDialect } from '../../../../../postgres/src/index';
import { sqliteDialect } from '../../../../../sqlite/src/index';

const packages = resolve(__dirname, '../../../../..');
const req = (pkg: string, mod: string): any => createRequire(resolve(packages, pkg, 'package.json'))(mod);
const Database = req('sqlite', 'better-sqlite3');
const { Client } = req('postgres', 'pg');
const mysql = req('mysql', 'mysql2/promise');

const registry = new Registry({ name: 'loading-bench' });

@Entity({ registry, table: 'lb_users' })
class BUser {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) username!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @OneToMany(() => BPost, 'author') posts = new Collection<BPost>(this);
}

@Entity({ registry, table: 'lb_posts' })
class BPost {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column() views!: number;
  @ManyToOne(() => BUser) author!: Ref<BUser>;
}

const USERS = 10_000;
const POSTS = 50_000;
const W3_USERS = 1_000;

interface RawRow {
  id: number;
  [k: string]: unknown;
}

interface Raw {
  query(sql: string, params?: unknown[]): Promise<RawRow[]>;
  placeholders(n: number): string;
  close(): Promise<void>;
}

interface Db {
  readonly dialect: Dialect;
  readonly url: string;
  setup(): Promise<void>;
  raw(): Promise<Raw>;
}

const sqliteFile = '/tmp/athanor-load-bench.sqlite';
const DBS: Record<string, Db> = {
  sqlite: {
    dialect: sqliteDialect,
    url: `sqlite://${sqliteFile}`,
    async setup() {
      for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) rmSync(f, { force: true });
    },
    async raw() {
      const db = new Database(sqliteFile);
      const cache = new Map<string, any>();
      return {
        async query(sql, params = []) {
          let st = cache.get(sql);
          if (!st) cache.set(sql, (st = db.prepare(sql)));
          return st.all(...params);
        },
        placeholders: (n) => Array.from({ length: n }, () => '?').join(', '),
        async close() {
          db.close();
        },
      };
    },
  },
  postgres: {
    dialect: postgresDialect,
    url: 'postgres://postgres@127.0.0.1:5432/athanor_load_bench',
    async setup() {
      const c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' });
      await c.connect();
      const { rows } = await c.query(`SELECT 1 FROM pg_database WHERE datname = 'athanor_load_bench'`);
      if (rows.length === 0) await c.query('CREATE DATABASE athanor_load_bench');
      await c.end();
    },
    async raw() {
      const c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'athanor_load_bench' });
      await c.connect();
      return {
        async query(sql, params = []) {
          return (await c.query(sql, params)).rows;
        },
        placeholders: (n) => Array.from({ length: n }, (_, i) => `$${i + 1}`).join(', '),
        close: () => c.end(),
      };
    },
  },
  mysql: {
    dialect: mariadbDialect,
    url: 'mariadb://root@127.0.0.1:3306/athanor_load_bench',
    async setup() {
      const c = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
      await c.query('CREATE DATABASE IF NOT EXISTS athanor_load_bench');
      await c.end();
    },
    async raw() {
      const c = await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'athanor_load_bench' });
      return {
        async query(sql, params = []) {
          const [rows] = await c.execute(sql, params);
          return rows as RawRow[];
        },
        placeholders: (n) => Array.from({ length: n }, () => '?').join(', '),
        close: () => c.end(),
      };
    },
  },
};

async function seed(engine: Engine): Promise<void> {
  await engine.dropAll(registry).catch(() => undefined);
  await engine.createAll(registry);
  const users = Array.from({ length: USERS }, (_, i) => ({ id: i + 1, username: `user${i + 1}`, age: i % 80 }));
  const posts = Array.from({ length: POSTS }, (_, i) => ({ id: i + 1, title: `post ${i + 1}`, views: i, authorId: Math.floor(i / 5) + 1 }));
  for (let i = 0; i < users.length; i += 2000) await engine.execute(insert(table(BUser) as AnyTable).values(users.slice(i, i + 2000) as never));
  for (let i = 0; i < posts.length; i += 2000) await engine.execute(insert(table(BPost) as AnyTable).values(posts.slice(i, i + 2000) as never));
}

type Job = () => Promise<number>;

async function measure(jobs: Record<string, Job>, runs: number): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = {};
  for (const name of Object.keys(jobs)) times[name] = [];
  for (let run = -1; run < runs; run++) {
    for (const [name, job] of Object.entries(jobs)) {
      (globalThis as { gc?: () => void }).gc?.();
      const start = performance.now();
      const check = await job();
      const ms = performance.now() - start;
      if (run >= 0) times[name]!.push(ms);
      if (run === -1) console.log(`    ${name}: check ${check}`);
    }
  }
  return times;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(name: string, db: Db, runs: number): Promise<void> {
  await db.setup();
  const engine = createEngine(db.url, { dialect: db.dialect });
  await seed(engine);
  const raw = await db.raw();
  const ids = Array.from({ length: W3_USERS }, (_, i) => i + 1);
  const w2: Record<string, Job> = {
    raw: async () => (await raw.query('SELECT id, title, views, author_id FROM lb_posts')).length,
    athanor: async () => {
      await using s = engine.session();
      return (await s.find(BPost)).length;
    },
  };
  const countPosts = (users: BUser[]): number => users.reduce((n, u) => n + u.posts.length, 0);
  const w3: Record<string, Job> = {
    raw: async () => {
      const users = await raw.query(`SELECT id, username, age FROM lb_users WHERE id <= ${W3_USERS} ORDER BY id`);
      const posts = await raw.query(`SELECT id, title, views, author_id FROM lb_posts WHERE author_id IN (${raw.placeholders(users.length)})`, users.map((u) => u.id));
      const byUser = new Map<number, RawRow[]>();
      for (const u of users) byUser.set(u.id, (u.posts = []) as RawRow[]);
      for (const p of posts) byUser.get(p.author_id as number)!.push(p);
      return posts.length;
    },
    selectin: async () => {
      await using s = engine.session();
      return countPosts(await s.find(BUser, { where: { id: { lte: W3_USERS } }, orderBy: { id: 'asc' }, load: { posts: 'selectin' } }));
    },
    joined: async () => {
      await using s = engine.session();
      return countPosts(await s.find(BUser, { where: { id: { lte: W3_USERS } }, orderBy: { id: 'asc' }, load: { posts: 'joined' } }));
    },
    lazyBatched: async () => {
      await using s = engine.session();
      const users = await s.find(BUser, { where: { id: { lte: W3_USERS } }, orderBy: { id: 'asc' } });
      await Promise.all(users.map((u) => u.posts.load()));
      return countPosts(users);
    },
  };
  void ids;
  console.log(`${name}:`);
  for (const [label, jobs] of [['W2 load + hydrate 50k posts', w2], ['W3 1,000 users with their posts', w3]] as const) {
    const times = await measure(jobs, runs);
    const base = median(times.raw!);
    console.log(`  ${label}`);
    for (const [job, ts] of Object.entries(times)) {
      console.log(`    ${job.padEnd(12)} ${median(ts).toFixed(1).padStart(8)} ms  ${(median(ts) / base).toFixed(2)}× raw  (min ${Math.min(...ts).toFixed(1)}, max ${Math.max(...ts).toFixed(1)})`);
    }
  }
  await raw.close();
  await engine.dispose();
}

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 7);
  const names = args.filter((a) => !a.startsWith('--'));
  for (const name of names.length > 0 ? names : Object.keys(DBS)) await bench(name, DBS[name]!, runs);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
