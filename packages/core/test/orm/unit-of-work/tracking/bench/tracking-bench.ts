/**
 * Tracking measurements (not a test):
 *
 *   node --expose-gc -r @swc-node/register packages/core/test/orm/unit-of-work/tracking/bench/tracking-bench.ts [--runs=9] [--only=w2,n1]
 *
 * W2 (ORM): load and hydrate 50k posts with `session.find(Post)` on SQLite, against the raw
 * driver's `stmt.all()`; "hydrate" times the hydrator alone on rows already fetched, and
 * "read" adds one property read per entity (what accessors cost). N1: a session holding 100k
 * loaded, unchanged posts and one changed one; time the flush (statements counted).
 * Interleaved, each run after a forced GC, median of the runs after a warm-up.
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Column, createEngine, Entity, installAccessors, ManyToOne, PrimaryKey, ref, Ref, Registry, select, table } from '../../../../../src/index';
import { hydratorFor } from '../../../../../src/orm/hydration/hydrator';
import { IdentityMap } from '../../../../../src/orm/identity/identity-map';
import { resultColumnsOf } from '../../../../../src/orm/hydration/result-columns';
import { sqliteDialect } from '../../../../../../sqlite/src/index';
import { hydratorFor as baselineHydratorFor } from './baseline/hydrator';

const packages = resolve(__dirname, '../../../../../..');
const Database = createRequire(resolve(packages, 'sqlite', 'package.json'))('better-sqlite3');

const registry = new Registry({ name: 'tracking-bench' });

@Entity({ registry, table: 'bench_users' })
class BUser {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) username!: string;
}

@Entity({ registry, table: 'bench_posts' })
class BPost {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column() views!: number;
  @ManyToOne(() => BUser) author!: Ref<BUser>;
}

/** The same table, for the baseline hydrator (own properties): a class no session sets up with accessors. */
const oldRegistry = new Registry({ name: 'tracking-bench-baseline' });

@Entity({ registry: oldRegistry, table: 'bench_users' })
class OldUser {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) username!: string;
}

@Entity({ registry: oldRegistry, table: 'bench_posts' })
class OldPost {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column() views!: number;
  @ManyToOne(() => OldUser) author!: Ref<OldUser>;
}

const args = process.argv.slice(2);
const RUNS = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 9);
const ONLY = args.find((a) => a.startsWith('--only='))?.slice(7).split(',') ?? ['w2', 'n1', 'w1w5'];
const file = '/tmp/athanor-tracking-bench.sqlite';

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function gc(): void {
  (globalThis as { gc?: () => void }).gc?.();
}

async function fill(posts: number): Promise<void> {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  db.exec('CREATE TABLE bench_users (id INTEGER PRIMARY KEY AUTOINCREMENT, username VARCHAR(50) NOT NULL)');
  db.exec('CREATE TABLE bench_posts (id INTEGER PRIMARY KEY AUTOINCREMENT, title VARCHAR(200) NOT NULL, views INTEGER NOT NULL, author_id INTEGER NOT NULL REFERENCES bench_users(id))');
  db.exec('BEGIN');
  const iu = db.prepare('INSERT INTO bench_users (username) VALUES (?)');
  for (let i = 0; i < 10_000; i++) iu.run(`user${i}`);
  const ip = db.prepare('INSERT INTO bench_posts (title, views, author_id) VALUES (?, ?, ?)');
  for (let i = 0; i < posts; i++) ip.run(`post ${i}`, i, (i % 10_000) + 1);
  db.exec('COMMIT');
  db.close();
}

async function w2(): Promise<void> {
  await fill(50_000);
  const engine = createEngine(`sqlite:${file}`, { dialect: sqliteDialect });
  const raw = new Database(file);
  const stmt = raw.prepare('SELECT id, title, views, author_id FROM bench_posts');
  const meta = registry.get(BPost);
  const compiled = select(table(BPost)).compile(engine.dialect);
  const rows = await engine.executeArrays({ ...compiled, columns: resultColumnsOf(meta.table.$columns, engine.dialect) });
  const hydrator = hydratorFor(meta);
  const baseline = baselineHydratorFor(oldRegistry.get(OldPost));
  const target = () => ({ map: new IdentityMap(), session: { isClosed: false } });
  const contenders: Record<string, () => Promise<number>> = {
    raw: async () => stmt.all().length,
    'athanor find': async () => {
      const s = engine.session();
      const n = (await s.find(BPost)).length;
      await s.close();
      return n;
    },
    'hydrate (accessors)': async () => hydrator.hydrate(rows, target(), true).length,
    'hydrate (before: own props)': async () => baseline.hydrate(rows, target(), true).length,
    'hydrate+read title (acc.)': async () => {
      const out = hydrator.hydrate(rows, target(), true) as BPost[];
      let n = 0;
      for (const p of out) n += p.title.length + p.views;
      return n;
    },
    'hydrate+read title (before)': async () => {
      const out = baseline.hydrate(rows, target(), true) as OldPost[];
      let n = 0;
      for (const p of out) n += p.title.length + p.views;
      return n;
    },
    'hydrate+author.id (acc.)': async () => {
      const out = hydrator.hydrate(rows, target(), true) as BPost[];
      let n = 0;
      for (const p of out) n += p.author.id;
      return n;
    },
    'hydrate+author.id (before)': async () => {
      const out = baseline.hydrate(rows, target(), true) as OldPost[];
      let n = 0;
      for (const p of out) n += p.author.id;
      return n;
    },
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(contenders).map((k) => [k, []]));
  for (let round = -2; round < RUNS; round++) {
    for (const [name, fn] of Object.entries(contenders)) {
      gc();
      const t = performance.now();
      await fn();
      const ms = performance.now() - t;
      if (round >= 0) times[name]!.push(ms);
    }
  }
  const base = median(times.raw!);
  console.log(`W2 (50k posts, SQLite), median of ${RUNS}:`);
  for (const [name, xs] of Object.entries(times)) {
    console.log(`  ${name.padEnd(30)} ${median(xs).toFixed(1).padStart(7)} ms (min ${Math.min(...xs).toFixed(1).padStart(6)})  ${(median(xs) / base).toFixed(2)}× raw`);
  }
  raw.close();
  await engine.dispose();
}

async function n1(): Promise<void> {
  await fill(100_000);
  const engine = createEngine(`sqlite:${file}`, { dialect: sqliteDialect });
  let statements = 0;
  engine.on('beforeExecute', (e) => {
    if (!/^(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE)/i.test(e.sql)) statements++;
  });
  const flushTimes: number[] = [];
  for (let round = -2; round < RUNS; round++) {
    const s = engine.session() as any;
    const posts = (await s.find(BPost)) as BPost[];
    posts[500]!.views += 1;
    gc();
    statements = 0;
    const t = performance.now();
    await s.flush();
    const ms = performance.now() - t;
    const n = statements;
    await s.commit();
    if (round >= 0) flushTimes.push(ms);
    if (round === 0) console.log(`N1: ${posts.length} loaded, 1 changed: the flush sent ${n} statement(s)`);
    await s.close();
  }
  console.log(`N1 flush time, median of ${RUNS}: ${median(flushTimes).toFixed(2)} ms (min ${Math.min(...flushTimes).toFixed(2)}, max ${Math.max(...flushTimes).toFixed(2)})`);
  await engine.dispose();
}

/**
 * W1 and W5 through the session (what tracking adds to the flush machinery): 10k users and 50k
 * posts added and committed; 10k loaded users changed (one column each) and committed.
 */
async function w1w5(): Promise<void> {
  await fill(0);
  const engine = createEngine(`sqlite:${file}`, { dialect: sqliteDialect });
  // As configure would: the classes get their accessors before the application makes objects.
  installAccessors(registry.get(BUser));
  installAccessors(registry.get(BPost));
  const raw = new Database(file);
  const w1: number[] = [];
  const w1raw: number[] = [];
  const w5: number[] = [];
  const w5raw: number[] = [];
  for (let round = -2; round < RUNS; round++) {
    raw.exec('DELETE FROM bench_posts; DELETE FROM bench_users');
    gc();
    let t = performance.now();
    const s = engine.session();
    const users: BUser[] = [];
    for (let i = 0; i < 10_000; i++) users.push(s.add(Object.assign(new BUser(), { username: `user${i}` })));
    for (let i = 0; i < 50_000; i++) s.add(Object.assign(new BPost(), { title: `post${i}`, views: i, author: ref(users[i % 10_000]!) }));
    await s.commit();
    if (round >= 0) w1.push(performance.now() - t);
    raw.exec('DELETE FROM bench_posts; DELETE FROM bench_users');
    gc();
    t = performance.now();
    raw.exec('BEGIN');
    const iu = raw.prepare('INSERT INTO bench_users (username) VALUES (?)');
    const ids: number[] = [];
    for (let i = 0; i < 10_000; i++) ids.push(Number(iu.run(`user${i}`).lastInsertRowid));
    const ip = raw.prepare('INSERT INTO bench_posts (title, views, author_id) VALUES (?, ?, ?)');
    for (let i = 0; i < 50_000; i++) ip.run(`post${i}`, i, ids[i % 10_000]);
    raw.exec('COMMIT');
    if (round >= 0) w1raw.push(performance.now() - t);
    await s.close();

    const loader = engine.session();
    const loaded = await loader.find(BUser);
    gc();
    t = performance.now();
    for (const u of loaded) u.username = `${u.username}!${round}`;
    await loader.commit();
    if (round >= 0) w5.push(performance.now() - t);
    await loader.close();
    gc();
    t = performance.now();
    raw.exec('BEGIN');
    const up = raw.prepare('UPDATE bench_users SET username = ? WHERE id = ?');
    for (const id of ids) up.run(`raw${round}`, id);
    raw.exec('COMMIT');
    if (round >= 0) w5raw.push(performance.now() - t);
  }
  const line = (name: string, xs: number[], base: number[]): string => `  ${name.padEnd(30)} ${median(xs).toFixed(1).padStart(7)} ms (min ${Math.min(...xs).toFixed(1).padStart(6)})  ${(median(xs) / median(base)).toFixed(2)}× raw`;
  console.log(`W1/W5 through the session (SQLite), median of ${RUNS}:`);
  console.log(line('W1 raw', w1raw, w1raw));
  console.log(line('W1 session add + commit', w1, w1raw));
  console.log(line('W5 raw', w5raw, w5raw));
  console.log(line('W5 session change + commit', w5, w5raw));
  raw.close();
  await engine.dispose();
}

async function main(): Promise<void> {
  if (ONLY.includes('w2')) await w2();
  if (ONLY.includes('n1')) await n1();
  if (ONLY.includes('w1w5')) await w1w5();
}

void main();
