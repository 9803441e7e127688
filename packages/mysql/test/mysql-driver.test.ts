import { ConfigurationError, ProgrammingError } from '@athanor/core';
import type { DriverConnection } from '@athanor/core';
import { mariadbDialect, MysqlConnection, mysqlDialect, parseServerVersion } from '@athanor/mysql';
import { describeDialect } from '@athanor/testing';

describeDialect('mysql', 'MysqlDriver', (ctx) => {
  let conn: DriverConnection;
  let version: string;
  beforeAll(async () => {
    conn = await ctx.connect();
    version = String((await conn.execute('SELECT VERSION()', [])).rows[0][0]);
  });

  test('the session runs in UTC', async () => {
    expect((await conn.execute('SELECT @@session.time_zone', [])).rows).toEqual([['+00:00']]);
    await conn.execute('CREATE TABLE stamps (id INT PRIMARY KEY, at TIMESTAMP(3) NULL, dt DATETIME(3))', []);
    await conn.execute('INSERT INTO stamps VALUES (?, ?, ?)', [1, '2024-01-02 03:04:05.678', '2024-01-02 03:04:05.678']);
    // TIMESTAMP converts through the session zone; in UTC it reads back as written.
    expect((await conn.execute('SELECT at, dt, UNIX_TIMESTAMP(at) FROM stamps', [])).rows).toEqual([
      ['2024-01-02 03:04:05.678', '2024-01-02 03:04:05.678', String(Date.UTC(2024, 0, 2, 3, 4, 5, 678) / 1000)],
    ]);
  });

  test('reads BIGINT and DECIMAL as exact strings, JSON as text, BOOLEAN as 0/1', async () => {
    const { rows } = await conn.execute(
      "SELECT CAST(9223372036854775807 AS SIGNED), CAST('12345678901234567890.0123456789' AS DECIMAL(30, 10)), JSON_OBJECT('a', 1), TRUE",
      [],
    );
    expect(rows).toEqual([['9223372036854775807', '12345678901234567890.0123456789', '{"a": 1}', 1]]);
  });

  test('binds a bigint exactly, not through a double', async () => {
    await conn.execute('CREATE TABLE bigs (id BIGINT PRIMARY KEY)', []);
    await conn.execute('INSERT INTO bigs VALUES (?), (?)', [9007199254740992n, 9007199254740993n]);
    expect((await conn.execute('SELECT id FROM bigs WHERE id = ?', [9007199254740993n])).rows).toEqual([['9007199254740993']]);
  });

  test('reports a 64-bit generated key as a bigint', async () => {
    await conn.execute('CREATE TABLE big_ids (id BIGINT AUTO_INCREMENT PRIMARY KEY, n INT) AUTO_INCREMENT = 1152921504606846976', []);
    const result = await conn.execute('INSERT INTO big_ids (n) VALUES (?)', [1]);
    expect(result.lastInsertId).toBe(1152921504606846976n);
  });

  test('binds undefined as NULL and Uint8Array as binary', async () => {
    const { rows } = await conn.execute('SELECT ? IS NULL, HEX(?)', [undefined, new Uint8Array([0, 255])]);
    expect(rows).toEqual([[1, '00FF']]);
  });

  test('refuses several statements in one call', async () => {
    const error = await conn.execute('SELECT 1; SELECT 2', []).then(() => undefined, (e: unknown) => e);
    expect(mysqlDialect.translateError(error)).toBeInstanceOf(ProgrammingError);
  });

  test('streams with backpressure: the socket pauses while a batch waits', async () => {
    const raw = (conn as MysqlConnection).conn;
    const pause = jest.spyOn(raw, 'pause');
    const resume = jest.spyOn(raw, 'resume');
    try {
      const sizes: number[] = [];
      const seen: number[] = [];
      const sql =
        'WITH RECURSIVE c(n) AS (SELECT 1 UNION ALL SELECT n + 1 FROM c WHERE n < ?) SELECT n, REPEAT(?, 200) FROM c';
      for await (const batch of conn.stream(sql, [900, 'x'], 100)) {
        sizes.push(batch.length);
        seen.push(...batch.map((r) => Number(r[0])));
        expect(batch.columns).toEqual(['n', 'REPEAT(?, 200)']);
        await new Promise((resolve) => setTimeout(resolve, 1));
      }
      expect(sizes).toEqual(Array(9).fill(100));
      expect(seen).toEqual(Array.from({ length: 900 }, (_, i) => i + 1));
      expect(pause).toHaveBeenCalled();
      expect(resume).toHaveBeenCalled();
    } finally {
      pause.mockRestore();
      resume.mockRestore();
    }
  });

  test('an error in a stream rejects, and the connection goes on', async () => {
    const consume = async () => {
      for await (const batch of conn.stream('SELECT * FROM no_such_table WHERE id > ?', [0], 10)) void batch;
    };
    const error = await consume().then(() => undefined, (e: unknown) => e);
    expect(mysqlDialect.translateError(error)).toBeInstanceOf(ProgrammingError);
    expect((await conn.execute('SELECT 1', [])).rows).toEqual([[1]]);
  });

  test('the mariadb dialect connects only to MariaDB 10.5+, where INSERT/DELETE … RETURNING work', async () => {
    const server = parseServerVersion(version);
    const connecting = mariadbDialect.createDriver(ctx.config).connect();
    if (!server.mariadb || server.major < 10 || (server.major === 10 && server.minor < 5)) {
      await expect(connecting).rejects.toBeInstanceOf(ConfigurationError);
      return;
    }
    const maria = await connecting;
    try {
      await maria.execute('CREATE TABLE ret (id INT AUTO_INCREMENT PRIMARY KEY, name VARCHAR(10))', []);
      const inserted = await maria.execute('INSERT INTO ret (name) VALUES (?), (?) RETURNING id, name', ['a', 'b']);
      expect(inserted.columns).toEqual(['id', 'name']);
      expect(inserted.rows).toEqual([
        [1, 'a'],
        [2, 'b'],
      ]);
      const deleted = await maria.execute('DELETE FROM ret WHERE id = ? RETURNING name', [1]);
      expect(deleted.rows).toEqual([['a']]);
      // What the adapter says: UPDATE … RETURNING does not exist.
      expect(mariadbDialect.adapter.supportsUpdateReturning).toBe(false);
      const update = await maria.execute('UPDATE ret SET name = ? RETURNING id', ['c']).then(() => undefined, (e: unknown) => e);
      expect(mariadbDialect.translateError(update)).toBeInstanceOf(ProgrammingError);
    } finally {
      await maria.close();
    }
  });
});

describe('parseServerVersion', () => {
  test.each([
    ['10.11.19-MariaDB-0+deb12u1', { mariadb: true, major: 10, minor: 11 }],
    ['5.5.5-10.4.32-MariaDB', { mariadb: true, major: 10, minor: 4 }],
    ['11.4.2-MariaDB', { mariadb: true, major: 11, minor: 4 }],
    ['8.0.36', { mariadb: false, major: 8, minor: 0 }],
  ])('%s', (text, expected) => {
    expect(parseServerVersion(text)).toEqual(expected);
  });
});
