import { ConnectionError, DataError } from '@athanor/core';
import type { DriverConnection } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { AUTO_ID, LONG_TEXT, ph, phs, series } from './raw-sql';

const HOSTILE = [
  "it's",
  'say "hi"',
  "'; DROP TABLE notes; --",
  'a -- comment',
  '/* block */ */',
  'back\\slash\\',
  "\\'; SELECT 1; --",
  'emoji 🧪🔥 and 漢字',
  '? $1 :name @p %s',
  '',
];
const NUL = 'nul\u0000inside';

async function collect(conn: DriverConnection, sql: string, params: unknown[], batchSize: number) {
  const batches: { rows: unknown[][]; columns?: readonly string[] }[] = [];
  for await (const batch of conn.stream(sql, params, batchSize)) batches.push({ rows: [...batch], columns: batch.columns });
  return batches;
}

describeEachDialect('driver contract', (ctx) => {
  let conn: DriverConnection;
  beforeAll(async () => {
    conn = await ctx.connect();
    await conn.execute(`CREATE TABLE notes (id ${AUTO_ID[ctx.name]}, body ${LONG_TEXT[ctx.name]}, n INTEGER)`, []);
  });
  beforeEach(async () => {
    await conn.execute('DELETE FROM notes', []);
  });

  test('binds hostile strings as values and reads them back intact', async () => {
    for (const s of HOSTILE) await conn.execute(`INSERT INTO notes (body) VALUES (${ph(ctx.name, 1)})`, [s]);
    const { rows } = await conn.execute('SELECT body FROM notes ORDER BY id', []);
    expect(rows.map((r) => r[0])).toEqual(HOSTILE);
    const { rows: hit } = await conn.execute(`SELECT count(*) FROM notes WHERE body = ${ph(ctx.name, 1)}`, ["'; DROP TABLE notes; --"]);
    expect(Number(hit[0][0])).toBe(1);
  });

  test('a NUL character round-trips, except on PostgreSQL whose text type rejects it', async () => {
    const insert = conn.execute(`INSERT INTO notes (body) VALUES (${ph(ctx.name, 1)})`, [NUL]);
    if (ctx.name === 'postgres') {
      const error = await insert.then(() => undefined, (e: unknown) => e);
      const translated = ctx.dialect.translateError(error);
      expect(translated).toBeInstanceOf(DataError);
      expect(translated.driverCode).toBe('22021');
      return;
    }
    await insert;
    expect((await conn.execute('SELECT body FROM notes', [])).rows).toEqual([[NUL]]);
  });

  test('round-trips a 10 MB string', async () => {
    const big = 'abc\'"\\😀'.repeat(1024 * 1024 + 300_000);
    expect(big.length).toBeGreaterThan(10 * 1024 * 1024);
    await conn.execute(`INSERT INTO notes (body) VALUES (${ph(ctx.name, 1)})`, [big]);
    const { rows } = await conn.execute('SELECT body FROM notes', []);
    expect((rows[0][0] as string).length).toBe(big.length);
    expect(rows[0][0] === big).toBe(true);
  });

  test('returns array rows in select-list order with the column names', async () => {
    await conn.execute(`INSERT INTO notes (body, n) VALUES (${phs(ctx.name, 2)}), (${phs(ctx.name, 2, 3)})`, ['a', 1, 'b', 2]);
    const result = await conn.execute('SELECT n, body AS label, n AS again FROM notes ORDER BY n', []);
    expect(result.columns).toEqual(['n', 'label', 'again']);
    expect(result.rows).toEqual([
      [1, 'a', 1],
      [2, 'b', 2],
    ]);
    expect(result.rowCount).toBe(2);
  });

  test('reports affected rows and the generated key of an insert', async () => {
    const first = await conn.execute(`INSERT INTO notes (body, n) VALUES (${phs(ctx.name, 2)})`, ['x', 1]);
    expect(first.rowCount).toBe(1);
    const { rows } = await conn.execute('SELECT id FROM notes', []);
    if (ctx.name === 'postgres') expect(first.lastInsertId).toBeUndefined();
    else expect(first.lastInsertId).toBe(rows[0][0]);
    await conn.execute(`INSERT INTO notes (body, n) VALUES (${phs(ctx.name, 2)}), (${phs(ctx.name, 2, 3)})`, ['y', 2, 'z', 3]);
    const update = await conn.execute(`UPDATE notes SET body = ${ph(ctx.name, 1)} WHERE n >= ${ph(ctx.name, 2)}`, ['same', 2]);
    expect(update.rowCount).toBe(2);
    // Matched rows, not changed rows: the ORM's version checks depend on it (MySQL's FOUND_ROWS).
    const again = await conn.execute(`UPDATE notes SET body = ${ph(ctx.name, 1)} WHERE n >= ${ph(ctx.name, 2)}`, ['same', 2]);
    expect(again.rowCount).toBe(2);
    const del = await conn.execute(`DELETE FROM notes WHERE n = ${ph(ctx.name, 1)}`, [1]);
    expect(del.rowCount).toBe(1);
  });

  test('streams a result in batches that carry the column names', async () => {
    const batches = await collect(conn, series(ctx.name, 25), [], 10);
    expect(batches.map((b) => b.rows.length)).toEqual([10, 10, 5]);
    expect(batches.flatMap((b) => b.rows).map((r) => Number(r[0]))).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    for (const b of batches) expect(b.columns).toEqual(['n']);
  });

  test('streams with bound parameters, and a result that fits one batch', async () => {
    await conn.execute(`INSERT INTO notes (body, n) VALUES (${phs(ctx.name, 2)}), (${phs(ctx.name, 2, 3)})`, ['a', 1, 'b', 2]);
    const batches = await collect(conn, `SELECT body FROM notes WHERE n > ${ph(ctx.name, 1)} ORDER BY n`, [0], 100);
    expect(batches.map((b) => b.rows)).toEqual([[['a'], ['b']]]);
    expect(await collect(conn, `SELECT body FROM notes WHERE n > ${ph(ctx.name, 1)}`, [99], 100)).toEqual([]);
  });

  test('a stream stopped early leaves the connection usable', async () => {
    for await (const batch of conn.stream(series(ctx.name, 500), [], 7)) {
      expect(batch.length).toBe(7);
      break;
    }
    const { rows } = await conn.execute(`SELECT ${ph(ctx.name, 1)} AS x`, ['still here']);
    expect(rows).toEqual([['still here']]);
  });

  test('ping answers while open and rejects once closed', async () => {
    const own = await ctx.connect();
    await expect(own.ping()).resolves.toBeUndefined();
    await own.close();
    await expect(own.ping()).rejects.toBeDefined();
    await own.close(); // closing twice is harmless
  });
});

describeEachDialect(
  'a connection killed by the server',
  (ctx) => {
    test('fires onDead without crashing the process, and later use fails as a disconnect', async () => {
      const victim = await ctx.connect();
      const killer = await ctx.connect();
      const dead = new Promise<unknown>((resolve) => victim.onDead(resolve));
      if (ctx.name === 'postgres') {
        const [[pid]] = (await victim.execute('SELECT pg_backend_pid()', [])).rows;
        await killer.execute('SELECT pg_terminate_backend($1)', [pid]);
      } else {
        const [[threadId]] = (await victim.execute('SELECT CONNECTION_ID()', [])).rows;
        await killer.execute(`KILL ${Number(threadId)}`, []);
      }
      const cause = await dead;
      expect(cause).toBeDefined();
      const error = await victim.execute('SELECT 1', []).then(() => undefined, (e: unknown) => e);
      expect(error).toBeDefined();
      const translated = ctx.dialect.translateError(error, 'SELECT 1', []);
      expect(translated).toBeInstanceOf(ConnectionError);
      expect(ctx.dialect.classifyError(error)).toEqual({ disconnect: true, transient: true });
      await expect(victim.ping()).rejects.toBeDefined();
      await victim.close();
      // The server is fine: the other connection still works.
      expect((await killer.execute('SELECT 1', [])).rows).toEqual([[1]]);
    });
  },
  { only: ['postgres', 'mysql'] },
);
