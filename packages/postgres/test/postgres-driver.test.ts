import { types } from 'pg';
import type { DriverConnection } from '@athanor/core';
import { ConfigurationError, DataError } from '@athanor/core';
import { clientConfig, PostgresConnection, postgresDialect } from '@athanor/postgres';
import { describeDialect } from '@athanor/testing';

describeDialect('postgres', 'PostgresDriver', (ctx) => {
  let conn: DriverConnection;
  beforeAll(async () => {
    conn = await ctx.connect();
  });

  test('starts in the schema named by ?search_path', async () => {
    const schema = new URL(ctx.url).searchParams.get('search_path');
    expect(schema).toMatch(/^athanor_t_/);
    expect((await conn.execute('SELECT current_schema()', [])).rows).toEqual([[schema]]);
  });

  test('reads int8 and numeric as exact text, date as text', async () => {
    const { rows } = await conn.execute(
      "SELECT 9223372036854775807::int8, 12345678901234567890.0123456789::numeric, DATE '2024-02-29', 7::int4, 1.5::float8",
      [],
    );
    expect(rows).toEqual([['9223372036854775807', '12345678901234567890.0123456789', '2024-02-29', 7, 1.5]]);
  });

  test('reads timestamp as UTC and timestamptz by its offset, whatever the session time zone', async () => {
    await conn.execute("SET TIME ZONE 'Asia/Kolkata'", []);
    try {
      const { rows } = await conn.execute(
        "SELECT TIMESTAMP '2024-01-02 03:04:05.678', TIMESTAMPTZ '2024-01-02 03:04:05.678+00', " +
          "TIMESTAMPTZ '2024-01-02 03:04:05+00'::text, 'infinity'::timestamptz",
        [],
      );
      expect(rows[0][0]).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
      expect(rows[0][1]).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 678)));
      expect(rows[0][2]).toBe('2024-01-02 08:34:05+05:30');
      expect((rows[0][3] as Date).getTime()).toBe(8.64e15);
    } finally {
      await conn.execute('RESET TIME ZONE', []);
    }
  });

  test('parses arrays of dates and timestamps the same way', async () => {
    const { rows } = await conn.execute(
      "SELECT ARRAY[DATE '2024-01-02', NULL], ARRAY[TIMESTAMP '2024-01-02 03:04:05'], ARRAY[1, 2]::int8[]",
      [],
    );
    expect(rows).toEqual([[['2024-01-02', null], [new Date(Date.UTC(2024, 0, 2, 3, 4, 5))], ['1', '2']]]);
  });

  test('leaves the process-wide pg.types alone', () => {
    // pg's own default for date is a Date at local midnight; ours is per connection.
    expect(types.getTypeParser(1082, 'text')('2024-01-02')).toBeInstanceOf(Date);
  });

  test('parses json and reads bytea as a Buffer', async () => {
    const { rows } = await conn.execute(`SELECT '{"a":[1,null]}'::jsonb, '\\x00ff'::bytea, $1::json`, ['"str"']);
    expect(rows).toEqual([[{ a: [1, null] }, Buffer.from([0, 255]), 'str']]);
  });

  test('binds a JavaScript array as a PostgreSQL array (json goes through its codec)', async () => {
    const { rows } = await conn.execute('SELECT $1::int[], $2::jsonb', [[1, 2], postgresDialect.codecs.json?.toDriver?.([1, 2], { kind: 'json' })]);
    expect(rows).toEqual([[[1, 2], [1, 2]]]);
  });

  test('runs several statements without parameters and answers with the last', async () => {
    const result = await conn.execute('CREATE TABLE multi (n int); INSERT INTO multi VALUES (1), (2); SELECT n FROM multi ORDER BY n', []);
    expect(result.columns).toEqual(['n']);
    expect(result.rows).toEqual([[1], [2]]);
  });

  test('an error half-way through a stream rejects, and the connection goes on', async () => {
    const rows: unknown[] = [];
    const consume = async () => {
      for await (const batch of conn.stream('SELECT 10 / (15 - n) FROM generate_series(1, 30) AS g(n)', [], 5)) rows.push(...batch);
    };
    const error = await consume().then(() => undefined, (e: unknown) => e);
    expect(postgresDialect.translateError(error)).toBeInstanceOf(DataError);
    expect(rows.length).toBeGreaterThanOrEqual(10);
    expect(rows.length).toBeLessThan(15);
    expect((await conn.execute('SELECT 1', [])).rows).toEqual([[1]]);
  });

  test('the pg Client is reachable for escape hatches', () => {
    expect(conn).toBeInstanceOf(PostgresConnection);
    expect((conn as PostgresConnection).client).toBeDefined();
  });
});

describe('clientConfig', () => {
  const base = { url: 'postgres://u:p@h:5433/db', scheme: 'postgres', host: 'h', port: 5433, user: 'u', password: 'p', database: 'db' };

  test('maps URL parts and options', () => {
    const config = clientConfig({ ...base, options: { search_path: 'app, public', sslmode: 'require', statement_timeout: '500', application_name: 'svc' } });
    expect(config).toMatchObject({
      host: 'h',
      port: 5433,
      user: 'u',
      password: 'p',
      database: 'db',
      options: '-c search_path=app,public',
      ssl: { rejectUnauthorized: false },
      statement_timeout: 500,
      application_name: 'svc',
      keepAlive: true,
    });
    expect(config.types).toBeDefined();
  });

  test('refuses a search_path that is not a list of plain names', () => {
    expect(() => clientConfig({ ...base, options: { search_path: 'x -c role=admin' } })).toThrow(ConfigurationError);
  });

  test('no ssl unless asked for', () => {
    expect(clientConfig({ ...base, options: {} }).ssl).toBeUndefined();
    expect(clientConfig({ ...base, options: { sslmode: 'disable' } }).ssl).toBeUndefined();
    expect(clientConfig({ ...base, options: { sslmode: 'verify-full' } }).ssl).toBe(true);
  });
});
