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
 *
 * W4: 5,000 sequential `get(Reader, id)` of distinct scattered keys, a fresh session every
 * 100 reads (raw: one prepared statement per driver). `--only=W2,W3,W4` picks workloads;
 * `--cpu` times process CPU instead of the wall clock, `--repeat=N` runs a job N times per
 * sample, `--no-gc` skips the forced collections (for profiles).
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

@Entity({ registry, table: 'lb_readers' })
class BReader {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) username!: string;
  @Column({ length: 100 }) email!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
}

const USERS = 10_000;
const W4_READS = 5_000;
const W4_SESSION_READS = 100;

/** Distinct keys spread over the table (the bench app's choice). */
function scatteredKeys(count: number, max: number): number[] {
  const stride = [7919, 7907, 7901].find((p) => max % p !== 0)!;
  return Array.from({ length: count }, (_, i) => ((i * stride) % max) + 1);
}
const POSTS = 50_000;
const W3_USERS = 1_000;

interface RawRow {
  id: number;
  [k: string]: unknown;
}

interface Raw {
  query(sql: string, params?: unknown[]): Promise<RawRow[]>;
  /** One row by key through the driver's prepared statement (W4); better-sqlite3 answers synchronously, and is not awaited (as in the bench app). */
  byKey(sql: string, id: number): RawRow | undefined | Promise<RawRow | undefined>;
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
        byKey(sql, id) {
          let st = cache.get(sql);
          if (!st) cache.set(sql, (st = db.prepare(sql)));
          return st.get(id);
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
        async byKey(sql, id) {
          return (await c.query({ name: 'lb_by_key', text: sql.replace('?', '$1'), values: [id] })).rows[0];
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
        async byKey(sql, id) {
          const [rows] = await c.execute(sql, [id]);
          return (rows as RawRow[])[0];
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
  const readers = Array.from({ length: USERS }, (_, i) => ({ id: i + 1, username: `reader${i + 1}`, email: `reader${i + 1}@example.com`, age: i % 80 }));
  for (let i = 0; i < readers.length; i += 2000) await engine.execute(insert(table(BReader) as AnyTable).values(readers.slice(i, i + 2000) as never));
}

type Job = () => Promise<number>;

/** `--cpu`: time this process's CPU use rather than the wall clock (steadier on a busy machine; the database server's share is then left out). */
let cpuTime = false;
/** `--no-gc`: skip the forced collection before each job (for profiles, where it would dominate). */
let forceGc = true;
/** `--repeat=N`: each sample runs the job N times (short jobs, W3, then outlast the machine's noise). */
let repeat = 1;

async function measure(jobs: Record<string, Job>, runs: number): Promise<Record<string, number[]>> {
  const times: Record<string, number[]> = {};
  for (const name of Object.keys(jobs)) times[name] = [];
  for (let run = -1; run < runs; run++) {
    for (const [name, job] of Object.entries(jobs)) {
      if (forceGc) (globalThis as { gc?: () => void }).gc?.();
      const start = performance.now();
      const cpu = process.cpuUsage();
      let check = await job();
      for (let r = 1; r < repeat; r++) check = await job();
      const used = process.cpuUsage(cpu);
      const ms = cpuTime ? (used.user + used.system) / 1000 : performance.now() - start;
      if (run >= 0) times[name]!.push(ms);
      if (run === -1) console.log(`    ${name}: check ${check}`);
    }
  }
  return times;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function bench(name: string, db: Db, runs: number, only: ReadonlySet<string>): Promise<void> {
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
  const keys = scatteredKeys(W4_READS, USERS);
  const w4: Record<string, Job> = {
    raw: async () => {
      let sum = 0;
      for (const id of keys) {
        const found = raw.byKey('SELECT id, username, email, age FROM lb_readers WHERE id = ?', id);
        sum += (found instanceof Promise ? await found : found)!.id;
      }
      return sum;
    },
    athanor: async () => {
      let sum = 0;
      for (let i = 0; i < keys.length; i += W4_SESSION_READS) {
        const s = engine.session();
        for (let k = i; k < i + W4_SESSION_READS && k < keys.length; k++) sum += (await s.get(BReader, keys[k]!))!.id;
        await s.close();
      }
      return sum;
    },
  };
  void ids;
  console.log(`${name}:`);
  const workloads = [
    ['W2', 'W2 load + hydrate 50k posts', w2],
    ['W3', 'W3 1,000 users with their posts', w3],
    ['W4', 'W4 5,000 key reads, a session per 100', w4],
  ] as const;
  for (const [id, label, jobs] of workloads) {
    if (!only.has(id)) continue;
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
  cpuTime = args.includes('--cpu');
  forceGc = !args.includes('--no-gc');
  repeat = Number(args.find((a) => a.startsWith('--repeat='))?.slice(9) ?? 1);
  const only = new Set((args.find((a) => a.startsWith('--only='))?.slice(7) ?? 'W2,W3,W4').split(',').map((w) => w.trim().toUpperCase()));
  const names = args.filter((a) => !a.startsWith('--'));
  for (const name of names.length > 0 ? names : Object.keys(DBS)) await bench(name, DBS[name]!, runs, only);
}

void main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
