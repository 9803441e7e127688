import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ConnectionConfig } from '@athanor/core';
import { SqliteConnection, SqliteDriver } from '../src/sqlite-driver';

const config = (database: string, options: Record<string, string> = {}): ConnectionConfig => ({
  url: `sqlite:${database}`,
  scheme: 'sqlite',
  database,
  options,
});

const HOSTILE = [
  "it's",
  'say "hi"',
  "'; DROP TABLE t; --",
  'a -- comment',
  '/* block */',
  'back\\slash\\',
  'nul\u0000inside',
  'emoji 🧪🔥 and 漢字',
  '?',
  '$1 :name @p',
  '',
];

describe('SqliteDriver', () => {
  let conn: SqliteConnection;
  beforeEach(async () => {
    conn = await new SqliteDriver(config(':memory:')).connect();
  });
  afterEach(async () => {
    await conn.close();
  });

  test('binds hostile strings as parameters and reads them back intact', async () => {
    await conn.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, s TEXT)', []);
    for (const s of HOSTILE) await conn.execute('INSERT INTO t (s) VALUES (?)', [s]);
    const { rows } = await conn.execute('SELECT s FROM t ORDER BY id', []);
    expect(rows.map((r) => r[0])).toEqual(HOSTILE);
    const { rows: found } = await conn.execute('SELECT count(*) FROM t WHERE s = ?', ["'; DROP TABLE t; --"]);
    expect(found).toEqual([[1]]);
  });

  test('round-trips a 10 MB string', async () => {
    const big = 'x😀\\\''.repeat(2 * 1024 * 1024);
    await conn.execute('CREATE TABLE t (s TEXT)', []);
    await conn.execute('INSERT INTO t VALUES (?)', [big]);
    const { rows } = await conn.execute('SELECT s, length(s) FROM t', []);
    expect(rows[0][0]).toBe(big);
    expect(rows[0][1]).toBe(big.length - 2 * 1024 * 1024); // SQLite counts the emoji as one character
  });

  test('returns array rows with column names, rowCount and lastInsertId', async () => {
    await conn.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT, n INTEGER)', []);
    const insert = await conn.execute('INSERT INTO t (name, n) VALUES (?, ?), (?, ?)', ['a', 1, 'b', 2]);
    expect(insert.rowCount).toBe(2);
    expect(insert.lastInsertId).toBe(2);
    const one = await conn.execute('INSERT INTO t (name, n) VALUES (?, ?)', ['c', 3]);
    expect(one).toEqual({ rows: [], columns: [], rowCount: 1, lastInsertId: 3 });
    const update = await conn.execute('UPDATE t SET n = n + 10 WHERE n >= ?', [2]);
    expect(update.rowCount).toBe(2);
    expect(update.lastInsertId).toBeUndefined();
    const select = await conn.execute('SELECT id, name AS label, n, n FROM t ORDER BY id', []);
    expect(select.columns).toEqual(['id', 'label', 'n', 'n']);
    expect(select.rows).toEqual([
      [1, 'a', 1, 1],
      [2, 'b', 12, 12],
      [3, 'c', 13, 13],
    ]);
    expect(select.rowCount).toBe(3);
  });

  test('RETURNING statements yield rows', async () => {
    await conn.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)', []);
    const result = await conn.execute('INSERT INTO t (name) VALUES (?), (?) RETURNING id, name', ['a', 'b']);
    expect(result.columns).toEqual(['id', 'name']);
    expect(result.rows).toEqual([
      [1, 'a'],
      [2, 'b'],
    ]);
    expect(result.rowCount).toBe(2);
  });

  test('keeps 64-bit integers exact where they may appear, numbers elsewhere', async () => {
    await conn.execute('CREATE TABLE t (id INTEGER PRIMARY KEY, big BIGINT, n INTEGER)', []);
    await conn.execute('INSERT INTO t (big, n) VALUES (?, ?), (?, ?)', [9007199254740993n, 1, 5n, 2]);
    const { rows } = await conn.execute('SELECT id, big, n FROM t ORDER BY id', []);
    expect(rows).toEqual([
      [1, 9007199254740993n, 1],
      [2, 5n, 2],
    ]);
    const plain = await conn.execute('SELECT id, n FROM t ORDER BY id', []);
    expect(plain.rows).toEqual([
      [1, 1],
      [2, 2],
    ]);
    const agg = await conn.execute('SELECT count(*), max(big), min(big), sum(n) FROM t', []);
    expect(agg.rows).toEqual([[2, 9007199254740993n, 5, 3]]);
  });

  test('sees new columns after ALTER TABLE on a cached statement', async () => {
    await conn.execute('CREATE TABLE t (a INTEGER)', []);
    await conn.execute('INSERT INTO t VALUES (1)', []);
    expect((await conn.execute('SELECT * FROM t', [])).columns).toEqual(['a']);
    await conn.execute('ALTER TABLE t ADD COLUMN b BIGINT', []);
    await conn.execute('UPDATE t SET b = ?', [2n ** 60n]);
    const after = await conn.execute('SELECT * FROM t', []);
    expect(after.columns).toEqual(['a', 'b']);
    expect(after.rows).toEqual([[1, 2n ** 60n]]);
  });

  test('binds booleans, undefined and Dates the way the codecs store them', async () => {
    const { rows } = await conn.execute('SELECT ?, ?, ?, ?', [true, false, undefined, new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6))]);
    expect(rows).toEqual([[1, 0, null, '2024-01-02T03:04:05.006Z']]);
  });

  test('streams a result in batches', async () => {
    await conn.execute('CREATE TABLE t (n INTEGER)', []);
    await conn.execute('WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < 25) INSERT INTO t SELECT n FROM c', []);
    const batches: unknown[][][] = [];
    for await (const batch of conn.stream('SELECT n FROM t WHERE n > ? ORDER BY n', [0], 10)) batches.push(batch);
    expect(batches.map((b) => b.length)).toEqual([10, 10, 5]);
    expect(batches.flat().map((r) => r[0])).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  test('a stream stopped early releases the connection for writes', async () => {
    await conn.execute('CREATE TABLE t (n INTEGER)', []);
    await conn.execute('INSERT INTO t VALUES (1), (2), (3)', []);
    for await (const batch of conn.stream('SELECT n FROM t', [], 1)) {
      expect([...batch]).toEqual([[1]]);
      expect(batch.columns).toEqual(['n']);
      break;
    }
    await conn.execute('INSERT INTO t VALUES (4)', []);
    expect((await conn.execute('SELECT count(*) FROM t', [])).rows).toEqual([[4]]);
  });

  test('ping answers while open and rejects once closed', async () => {
    await expect(conn.ping()).resolves.toBeUndefined();
    await conn.close();
    await expect(conn.ping()).rejects.toThrow(/not open/);
  });

  test('enforces foreign keys', async () => {
    const { rows } = await conn.execute('PRAGMA foreign_keys', []);
    expect(rows).toEqual([[1]]);
  });

  test('gives each connection a distinct id', async () => {
    const other = await new SqliteDriver(config(':memory:')).connect();
    expect(other.id).not.toBe(conn.id);
    await other.close();
  });
});

describe('SqliteDriver on a file', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'athanor-sqlite-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test('uses WAL and shares data between connections', async () => {
    const file = join(dir, 'app.db');
    const a = await new SqliteDriver(config(file)).connect();
    const b = await new SqliteDriver(config(file)).connect();
    expect((await a.execute('PRAGMA journal_mode', [])).rows).toEqual([['wal']]);
    await a.execute('CREATE TABLE t (n INTEGER)', []);
    await a.execute('INSERT INTO t VALUES (?)', [7]);
    expect((await b.execute('SELECT n FROM t', [])).rows).toEqual([[7]]);
    await a.close();
    await b.close();
  });

  test('waits busy_timeout for a held write lock, then fails with SQLITE_BUSY', async () => {
    const file = join(dir, 'busy.db');
    const a = await new SqliteDriver(config(file)).connect();
    const b = await new SqliteDriver(config(file, { busy_timeout: '50' })).connect();
    await a.execute('CREATE TABLE t (n INTEGER)', []);
    await a.execute('BEGIN IMMEDIATE', []);
    const started = Date.now();
    await expect(b.execute('BEGIN IMMEDIATE', [])).rejects.toMatchObject({ code: 'SQLITE_BUSY' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(40);
    await a.execute('COMMIT', []);
    await a.close();
    await b.close();
  });

  test('rejects a journal_mode option that is not a single word', async () => {
    await expect(new SqliteDriver(config(join(dir, 'x.db'), { journal_mode: 'WAL; DROP TABLE t' })).connect()).rejects.toThrow(
      /single word/,
    );
  });
});
