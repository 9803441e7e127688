/**
 * Flush measurements against the raw drivers (not a test; the bench app will carry W1/W5):
 *
 *   node -r @swc-node/register packages/core/test/orm/unit-of-work/bench/flush-bench.ts [sqlite|postgres|mysql …] [--runs=5]
 *
 * W1: insert 10k users + 50k posts in one flush (keys read back, posts pointing at their
 * users); W5: change one column of 10k loaded users and flush. Athanor runs commitOrder +
 * executeFlush + apply from a change set (what the session's flush will add on top: tracking);
 * the raw side is the fastest shape each driver offers: SQLite a prepared statement per row,
 * PostgreSQL unnest arrays, MariaDB multi-row VALUES/CASE. Interleaved, median of the runs
 * after a warm-up. Uses its own database (athanor_uow_bench) on the local servers.
 *
 * The "session" rows go through the public API as an application would (as apps/bench's
 * W1 and W5 do): W1 `Object.assign(new BUser(), …)`, `user.posts.add(post)` on the new
 * users, `s.addAll(users)` (posts join through the save cascade), `s.commit()`; W5 `s.find(BUser)`, `u.age = …` on each, `s.commit()`; the raw W5
 * they are compared with also reads the rows first (SELECT, then the UPDATE). `--session`
 * runs only the session rows (with their raw counterparts).
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import { Collection, Column, createEngine, Entity, ManyToOne, OneToMany, PrimaryKey, Ref, Registry } from '../../../../src/index';
import type { Dialect, Engine } from '../../../../src/index';
import { InstanceState } from '../../../../src/orm/identity/instance-state';
import { attachState } from '../../../../src/orm/identity/instance-state';
import type { ChangeSet, UpdateChange } from '../../../../src/orm/unit-of-work/change-set';
import { commitOrder } from '../../../../src/orm/unit-of-work/commit-order';
import { executeFlush } from '../../../../src/orm/unit-of-work/flush-executor';
import { type WritePlan, withPlan } from '../../../../src/orm/unit-of-work/persister/write-plan';
import { mariadbDialect } from '../../../../../mysql/src/index';
import { postgresDialect } from '../../../../../postgres/src/index';
import { sqliteDialect } from '../../../../../sqlite/src/index';

const packages = resolve(__dirname, '../../../../..');
const req = (pkg: string, mod: string): any => createRequire(resolve(packages, pkg, 'package.json'))(mod);
const Database = req('sqlite', 'better-sqlite3');
const { Client } = req('postgres', 'pg');
const mysql = req('mysql', 'mysql2/promise');

const registry = new Registry({ name: 'flush-bench' });

@Entity({ registry, table: 'bench_users' })
class BUser {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) username!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Column() active!: boolean;
  @OneToMany(() => BPost, 'author') posts = new Collection<BPost>(this);
}

@Entity({ registry, table: 'bench_posts' })
class BPost {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column() views!: number;
  @ManyToOne(() => BUser) author!: Ref<BUser>;
}

const USERS = 10_000;
const POSTS = 50_000;
const userMeta = registry.get(BUser);
const postMeta = registry.get(BPost);

interface Db {
  readonly name: string;
  readonly dialect: Dialect;
  readonly url: string;
  setup(): Promise<void>;
  raw: { w1(): Promise<unknown>; w5(ids: number[], round: number): Promise<unknown>; read(): Promise<number[]>; close(): Promise<void> };
}

function newUsersAndPosts(): ChangeSet {
  const inserts = [];
  const users: BUser[] = [];
  for (let i = 0; i < USERS; i++) {
    const u = Object.assign(Object.create(BUser.prototype) as BUser, { username: `user${i}`, age: i % 80, active: i % 2 === 0 });
    const state = new InstanceState(userMeta, undefined, undefined, 'pending');
    attachState(u, state);
    users.push(u);
    inserts.push({ kind: 'insert' as const, state, instance: u });
  }
  for (let i = 0; i < POSTS; i++) {
    const p = Object.assign(Object.create(BPost.prototype) as BPost, { title: `post${i}`, views: i, author: new Ref(BUser, undefined as never, users[i % USERS]) });
    const state = new InstanceState(postMeta, undefined, undefined, 'pending');
    attachState(p, state);
    inserts.push({ kind: 'insert' as const, state, instance: p });
  }
  return { inserts, updates: [], deletes: [], associations: [], isEmpty: false };
}

function loadedUsers(ids: number[], round: number): ChangeSet {
  const ageColumn = userMeta.columns.find((c) => c.name === 'age')!;
  const updates: UpdateChange[] = ids.map((id, i) => {
    const u = Object.assign(Object.create(BUser.prototype) as BUser, { id, username: `user${i}`, age: (i + round) % 90, active: true });
    const state = new InstanceState(userMeta, id, [id, `user${i}`, (i + round + 1) % 90, true], 'persistent');
    attachState(u, state);
    return { kind: 'update', state, instance: u, columns: [ageColumn] };
  });
  return { inserts: [], updates, deletes: [], associations: [], isEmpty: false };
}

/** With `--phases`, each session workload's phases are timed (creating objects, adding, committing). */
const phases: Record<string, number[]> | undefined = process.argv.includes('--phases') ? {} : undefined;
let phaseStart = 0;
function phase(name: string): void {
  const now = performance.now();
  if (phases !== undefined && name !== '') (phases[name] ??= []).push(now - phaseStart);
  phaseStart = now;
}

async function sessionW1(engine: Engine): Promise<void> {
  phase('');
  const s = engine.session();
  const users: BUser[] = [];
  const per = POSTS / USERS;
  for (let i = 0; i < USERS; i++) {
    const u = Object.assign(new BUser(), { username: `user${i}`, age: i % 80, active: i % 2 === 0 });
    for (let j = 0; j < per; j++) u.posts.add(Object.assign(new BPost(), { title: `post${i * per + j}`, views: i * per + j }));
    users.push(u);
  }
  phase('w1 new users and posts');
  s.addAll(users);
  phase('w1 addAll (posts by cascade)');
  await s.commit();
  phase('w1 commit');
  await s.close();
}

async function sessionW5(engine: Engine, round: number): Promise<void> {
  phase('');
  const s = engine.session();
  const users = await s.find(BUser);
  phase('w5 find');
  for (let i = 0; i < users.length; i++) users[i]!.age = (i + round) % 90;
  phase('w5 set age');
  await s.commit();
  phase('w5 commit');
  await s.close();
}

/** `--plan=insert:values,update:case` compares strategies on one database. */
let planPatch: Partial<WritePlan> | undefined;
let sessionOnly = false;

async function athanorFlush(engine: Engine, changes: ChangeSet): Promise<number> {
  const plan = planPatch ? withPlan(engine.dialect.adapter, planPatch) : undefined;
  const outcome = await engine.transaction((tx) => executeFlush(engine.dialect, tx, commitOrder(changes), { plan }));
  outcome.apply();
  return outcome.statements;
}

const sqliteFile = '/tmp/athanor-flush-bench.sqlite';
function dbs(): Record<string, Db> {
  return {
    sqlite: {
      name: 'SQLite',
      dialect: sqliteDialect,
      url: `sqlite://${sqliteFile}`,
      async setup() {
        for (const f of [sqliteFile, `${sqliteFile}-wal`, `${sqliteFile}-shm`]) rmSync(f, { force: true });
      },
      raw: (() => {
        let db: any;
        const open = () => (db ??= (() => { const d = new Database(sqliteFile); d.pragma('journal_mode = WAL'); d.pragma('foreign_keys = ON'); return d; })());
        return {
          async w1() {
            const d = open();
            d.exec('BEGIN');
            const iu = d.prepare('INSERT INTO bench_users (username, age, active) VALUES (?, ?, ?)');
            const ids: number[] = [];
            for (let i = 0; i < USERS; i++) ids.push(Number(iu.run(`user${i}`, i % 80, i % 2 === 0 ? 1 : 0).lastInsertRowid));
            const ip = d.prepare('INSERT INTO bench_posts (title, views, author_id) VALUES (?, ?, ?)');
            for (let i = 0; i < POSTS; i++) ip.run(`post${i}`, i, ids[i % USERS]);
            d.exec('COMMIT');
          },
          async w5(ids: number[], round: number) {
            const d = open();
            d.exec('BEGIN');
            const st = d.prepare('UPDATE bench_users SET age = ? WHERE id = ?');
            ids.forEach((id, i) => st.run((i + round) % 90, id));
            d.exec('COMMIT');
          },
          async read() {
            const rows = open().prepare('SELECT id, username, age, active FROM bench_users').all() as { id: number }[];
            return rows.map((r) => r.id);
          },
          async close() { db?.close(); db = undefined; },
        };
      })(),
    },
    postgres: {
      name: 'PostgreSQL',
      dialect: postgresDialect,
      url: 'postgres://postgres@127.0.0.1:5432/athanor_uow_bench',
      async setup() {
        const c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'postgres' });
        await c.connect();
        const { rows } = await c.query(`SELECT 1 FROM pg_database WHERE datname = 'athanor_uow_bench'`);
        if (rows.length === 0) await c.query('CREATE DATABASE athanor_uow_bench');
        await c.end();
      },
      raw: (() => {
        let c: any;
        const open = async () => { if (!c) { c = new Client({ host: '127.0.0.1', user: 'postgres', database: 'athanor_uow_bench' }); await c.connect(); } return c; };
        return {
          async w1() {
            const cl = await open();
            await cl.query('BEGIN');
            const u = await cl.query({ name: 'w1u', text: 'INSERT INTO bench_users (username, age, active) SELECT * FROM unnest($1::varchar[], $2::int4[], $3::bool[]) RETURNING id', rowMode: 'array',
              values: [Array.from({ length: USERS }, (_, i) => `user${i}`), Array.from({ length: USERS }, (_, i) => i % 80), Array.from({ length: USERS }, (_, i) => i % 2 === 0)] });
            const ids = u.rows.map((r: number[]) => r[0]).sort((a: number, b: number) => a - b);
            await cl.query({ name: 'w1p', text: 'INSERT INTO bench_posts (title, views, author_id) SELECT * FROM unnest($1::varchar[], $2::int4[], $3::int4[]) RETURNING id', rowMode: 'array',
              values: [Array.from({ length: POSTS }, (_, i) => `post${i}`), Array.from({ length: POSTS }, (_, i) => i), Array.from({ length: POSTS }, (_, i) => ids[i % USERS])] });
            await cl.query('COMMIT');
          },
          async w5(ids: number[], round: number) {
            const cl = await open();
            await cl.query('BEGIN');
            await cl.query({ name: 'w5', text: 'UPDATE bench_users AS t SET age = v.age FROM unnest($1::int4[], $2::int4[]) AS v(id, age) WHERE t.id = v.id', values: [ids, ids.map((_, i) => (i + round) % 90)] });
            await cl.query('COMMIT');
          },
          async read() {
            const cl = await open();
            const r = await cl.query({ name: 'w5r', text: 'SELECT id, username, age, active FROM bench_users', rowMode: 'array' });
            return r.rows.map((row: unknown[]) => row[0] as number);
          },
          async close() { await c?.end(); c = undefined; },
        };
      })(),
    },
    mysql: {
      name: 'MariaDB',
      dialect: mariadbDialect,
      url: 'mariadb://root@127.0.0.1:3306/athanor_uow_bench',
      async setup() {
        const c = await mysql.createConnection({ host: '127.0.0.1', user: 'root' });
        await c.query('CREATE DATABASE IF NOT EXISTS athanor_uow_bench');
        await c.end();
      },
      raw: (() => {
        let c: any;
        const open = async () => (c ??= await mysql.createConnection({ host: '127.0.0.1', user: 'root', database: 'athanor_uow_bench' }));
        const chunked = async (cl: any, table: string, cols: string, rows: unknown[][]) => {
          const out: number[] = [];
          const per = Math.floor(65535 / rows[0]!.length);
          for (let s = 0; s < rows.length; s += per) {
            const chunk = rows.slice(s, s + per);
            const [r] = await cl.execute(`INSERT INTO ${table} (${cols}) VALUES ${chunk.map((x) => `(${x.map(() => '?').join(', ')})`).join(', ')} RETURNING id`, chunk.flat());
            for (const row of r as { id: number }[]) out.push(row.id);
          }
          return out;
        };
        return {
          async w1() {
            const cl = await open();
            await cl.query('START TRANSACTION');
            const ids = await chunked(cl, 'bench_users', 'username, age, active', Array.from({ length: USERS }, (_, i) => [`user${i}`, i % 80, i % 2 === 0 ? 1 : 0]));
            await chunked(cl, 'bench_posts', 'title, views, author_id', Array.from({ length: POSTS }, (_, i) => [`post${i}`, i, ids[i % USERS]]));
            await cl.query('COMMIT');
          },
          async w5(ids: number[], round: number) {
            const cl = await open();
            await cl.query('START TRANSACTION');
            for (let s = 0; s < ids.length; s += 200) {
              const sl = ids.slice(s, s + 200);
              const params: unknown[] = [];
              sl.forEach((id, j) => params.push(id, (s + j + round) % 90));
              await cl.execute(`UPDATE bench_users SET age = CASE id ${sl.map(() => 'WHEN ? THEN ?').join(' ')} END WHERE id IN (${sl.map(() => '?').join(', ')})`, [...params, ...sl]);
            }
            await cl.query('COMMIT');
          },
          async read() {
            const cl = await open();
            const [rows] = await cl.execute('SELECT id, username, age, active FROM bench_users');
            return (rows as { id: number }[]).map((r) => r.id);
          },
          async close() { await c?.end(); c = undefined; },
        };
      })(),
    },
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const runs = Number(args.find((a) => a.startsWith('--runs='))?.slice(7) ?? 5);
  const chosen = args.filter((a) => !a.startsWith('--'));
  sessionOnly = args.includes('--session');
  const planArg = args.find((a) => a.startsWith('--plan='))?.slice(7);
  if (planArg) planPatch = Object.fromEntries(planArg.split(',').map((kv) => kv.split(':'))) as Partial<WritePlan>;
  const all = dbs();
  const profile = args.find((a) => a.startsWith('--profile='))?.slice(10);
  if (profile !== undefined) return profileSession(all[chosen[0] ?? 'sqlite']!, profile, runs);
  for (const id of chosen.length > 0 ? chosen : ['sqlite', 'postgres']) {
    const db = all[id]!;
    await db.setup();
    const engine = createEngine(db.url, { dialect: db.dialect });
    const reset = async (): Promise<void> => {
      await engine.dropAll(registry, { ifExists: true });
      await engine.createAll(registry);
    };
    type Who = 'raw' | 'ath' | 'ses' | 'rawRead';
    const times: Record<string, number[]> = {};
    const record = (key: string, ms: number): void => void (times[key] ??= []).push(ms);
    const statements = { w1: 0, w5: 0 };
    // Each run rotates which contender goes first.
    const rotate = <T>(xs: T[], run: number): T[] => xs.map((_, i) => xs[(i + run) % xs.length]!);
    const w1Order: Who[] = sessionOnly ? ['raw', 'ses'] : ['raw', 'ath', 'ses'];
    const w5Order: Who[] = sessionOnly ? ['rawRead', 'ses'] : ['raw', 'ath', 'rawRead', 'ses'];
    for (let run = 0; run <= runs; run++) {
      for (const who of rotate(w1Order, run)) {
        await reset();
        await db.raw.close();
        const changes = who === 'ath' ? newUsersAndPosts() : undefined;
        const t0 = performance.now();
        if (who === 'raw') await db.raw.w1();
        else if (who === 'ath') statements.w1 = await athanorFlush(engine, changes!);
        else await sessionW1(engine);
        const ms = performance.now() - t0;
        if (run > 0) record(`w1.${who}`, ms);
        if (who === 'ath' && run > 0) {
          const fresh = newUsersAndPosts();
          const t1 = performance.now();
          commitOrder(fresh);
          record('order', performance.now() - t1);
        }
      }
      const ids = (await engine.execute<{ id: number }>({ compile: () => ({ sql: 'SELECT id FROM bench_users ORDER BY id', params: [] }) })).map((r) => r.id);
      for (const who of rotate(w5Order, run)) {
        const round = run * 4 + w5Order.indexOf(who);
        const changes = who === 'ath' ? loadedUsers(ids, round) : undefined;
        const t0 = performance.now();
        if (who === 'raw') await db.raw.w5(ids, round);
        else if (who === 'rawRead') await db.raw.w5(await db.raw.read(), round);
        else if (who === 'ath') statements.w5 = await athanorFlush(engine, changes!);
        else await sessionW5(engine, round);
        const ms = performance.now() - t0;
        if (run > 0) record(`w5.${who}`, ms);
      }
    }
    await db.raw.close();
    await engine.dropAll(registry, { ifExists: true });
    await engine.dispose();
    // Medians, and minimums (on a shared machine the minimum is the least disturbed run).
    const report = (name: string, raw: number[], ath: number[], extra: string): void => {
      const [r, a, rm, am] = [median(raw), median(ath), Math.min(...raw), Math.min(...ath)];
      console.log(`${db.name} ${name}: raw ${r.toFixed(1)} ms, Athanor ${a.toFixed(1)} ms, ${(a / r).toFixed(2)}× (min ${rm.toFixed(1)} / ${am.toFixed(1)} ms, ${(am / rm).toFixed(2)}×); ${extra}`);
    };
    if (!sessionOnly) {
      report('W1 flush', times['w1.raw']!, times['w1.ath']!, `${statements.w1} statements; commit order alone ${median(times.order!).toFixed(1)} ms`);
      report('W5 flush', times['w5.raw']!, times['w5.ath']!, `${statements.w5} statements`);
    }
    report('W1 session', times['w1.raw']!, times['w1.ses']!, 'new + user.posts.add + addAll + commit');
    report('W5 session', times['w5.rawRead']!, times['w5.ses']!, 'find + set age + commit (raw: SELECT + UPDATE)');
  }
}

/**
 * `--profile=w1|w5` runs only the session workload, `--runs` times, for `node --cpu-prof`
 * (summarize with apps/bench/src/tools/cpu-profile-summary.ts).
 */
async function profileSession(db: Db, which: string, runs: number): Promise<void> {
  await db.setup();
  const engine = createEngine(db.url, { dialect: db.dialect });
  const reset = async (): Promise<void> => {
    await engine.dropAll(registry, { ifExists: true });
    await engine.createAll(registry);
  };
  await reset();
  await sessionW1(engine);
  const ms: number[] = [];
  const cpu: number[] = [];
  const gc: number[] = [];
  let gcNow = 0;
  const observer = new PerformanceObserver((list) => {
    for (const e of list.getEntries()) gcNow += e.duration;
  });
  observer.observe({ entryTypes: ['gc'] });
  // `--alloc=file`: a sampling allocation profile (collected objects included) of the runs, for finding garbage.
  const allocFile = process.argv.find((a) => a.startsWith('--alloc='))?.slice(8);
  const inspector = allocFile === undefined ? undefined : new (await import('node:inspector')).Session();
  const post = (method: string, params?: object): Promise<any> =>
    new Promise((res, rej) => inspector!.post(method, params, (err, out) => (err ? rej(err) : res(out))));
  if (inspector !== undefined) {
    inspector.connect();
    await post('HeapProfiler.startSampling', { samplingInterval: 1024, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  }
  for (let run = 0; run < runs; run++) {
    if (which === 'w1') await reset();
    (globalThis as { gc?: () => void }).gc?.();
    await new Promise((r) => setImmediate(r));
    const g0 = gcNow;
    const t0 = performance.now();
    const c0 = process.cpuUsage();
    if (which === 'w1') await sessionW1(engine);
    else await sessionW5(engine, run);
    const c = process.cpuUsage(c0);
    ms.push(performance.now() - t0);
    cpu.push((c.user + c.system) / 1000);
    await new Promise((r) => setImmediate(r));
    gc.push(gcNow - g0);
  }
  observer.disconnect();
  if (inspector !== undefined) {
    const { profile } = await post('HeapProfiler.stopSampling');
    (await import('node:fs')).writeFileSync(allocFile!, JSON.stringify(profile));
    inspector.disconnect();
  }
  // On a busy machine the process's CPU time is steadier than the wall time (the database's own time is not in it).
  console.log(`  process CPU: median ${median(cpu).toFixed(1)} ms, min ${Math.min(...cpu).toFixed(1)} ms; GC pauses: median ${median(gc).toFixed(1)} ms`);
  if (phases !== undefined) for (const [name, xs] of Object.entries(phases)) if (xs.length > 1) console.log(`  ${name}: median ${median(xs.slice(1)).toFixed(1)} ms, min ${Math.min(...xs.slice(1)).toFixed(1)} ms`);
  console.log(`${db.name} session ${which}: median ${median(ms).toFixed(1)} ms, min ${Math.min(...ms).toFixed(1)} ms over ${runs} runs`);
  await engine.dropAll(registry, { ifExists: true });
  await engine.dispose();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
