import type { SqlType, TypeKind } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import type { DialectName } from '@athanor/testing';
import { AUTO_ID, phs } from './raw-sql';

interface Case {
  readonly kind: TypeKind;
  readonly type: SqlType;
  /** Column type per dialect, as the dialect's compiler writes it. */
  readonly ddl: Readonly<Record<DialectName, string>>;
  readonly values: readonly unknown[];
  /** What the values read back as, where it is not the values themselves. */
  readonly expected?: readonly unknown[];
  /** Dialects this case does not apply to. */
  readonly skip?: readonly DialectName[];
}

const t = (kind: TypeKind, extra: Partial<SqlType> = {}): SqlType => ({ kind, ...extra });
const same = (ddl: string): Record<DialectName, string> => ({ sqlite: ddl, postgres: ddl, mysql: ddl });

const CASES: readonly Case[] = [
  { kind: 'integer', type: t('integer'), ddl: same('INTEGER'), values: [2147483647, -2147483648, 0] },
  {
    kind: 'bigint',
    type: t('bigint', { bigintMode: 'bigint' }),
    ddl: same('BIGINT'),
    values: [9007199254740993n, -9223372036854775808n, 9223372036854775807n, 0n],
  },
  { kind: 'bigint', type: t('bigint', { bigintMode: 'string' }), ddl: same('BIGINT'), values: ['9007199254740993', '-42'] },
  { kind: 'smallint', type: t('smallint'), ddl: same('SMALLINT'), values: [32767, -32768] },
  { kind: 'real', type: t('real'), ddl: { sqlite: 'REAL', postgres: 'real', mysql: 'FLOAT' }, values: [1.5, -0.25] },
  {
    kind: 'double',
    type: t('double'),
    ddl: { sqlite: 'DOUBLE', postgres: 'double precision', mysql: 'DOUBLE' },
    values: [0.1 + 0.2, -1e300, 5e-324],
  },
  {
    kind: 'numeric',
    type: t('numeric', { precision: 18, scale: 4 }),
    ddl: { sqlite: 'NUMERIC(18, 4)', postgres: 'numeric(18, 4)', mysql: 'DECIMAL(18, 4)' },
    values: ['12345.6789', '0.1000', '-99999999999.9999'],
  },
  {
    kind: 'numeric',
    type: t('numeric', { precision: 38, scale: 10 }),
    // SQLite refuses a decimal beyond 15 significant digits (its codec test covers that).
    ddl: { sqlite: 'NUMERIC(38, 10)', postgres: 'numeric(38, 10)', mysql: 'DECIMAL(38, 10)' },
    values: ['1234567890123456789012345678.0123456789'],
    skip: ['sqlite'],
  },
  { kind: 'boolean', type: t('boolean'), ddl: same('BOOLEAN'), values: [true, false] },
  {
    kind: 'varchar',
    type: t('varchar', { length: 100 }),
    ddl: same('VARCHAR(100)'),
    values: ["it's \"quoted\" -- ; \\", 'emoji 🧪 漢字', ''],
  },
  { kind: 'text', type: t('text'), ddl: { sqlite: 'TEXT', postgres: 'text', mysql: 'LONGTEXT' }, values: ['line\nbreak\ttab', 'x'.repeat(70_000)] },
  { kind: 'date', type: t('date'), ddl: same('DATE'), values: ['2024-02-29', '1970-01-01', '9999-12-31'] },
  {
    kind: 'timestamp',
    type: t('timestamp'),
    ddl: { sqlite: 'TIMESTAMP', postgres: 'timestamp(3)', mysql: 'DATETIME(3)' },
    values: [new Date(Date.UTC(2024, 1, 29, 23, 59, 58, 123)), new Date(Date.UTC(1970, 0, 1, 0, 0, 0, 0)), new Date(Date.UTC(2038, 0, 19, 3, 14, 8, 1))],
  },
  {
    kind: 'timestamptz',
    type: t('timestamptz'),
    ddl: { sqlite: 'TIMESTAMPTZ', postgres: 'timestamptz(3)', mysql: 'DATETIME(3)' },
    values: [new Date(Date.UTC(2024, 6, 1, 12, 30, 0, 999)), new Date(Date.UTC(1999, 11, 31, 23, 59, 59, 0))],
  },
  {
    kind: 'time',
    type: t('time'),
    ddl: { sqlite: 'TIME', postgres: 'time(3)', mysql: 'TIME(3)' },
    values: ['13:14:15.123', '00:00:00.000', '23:59:59.500'],
    expected: ['13:14:15.123', '00:00:00', '23:59:59.5'],
  },
  {
    kind: 'json',
    type: t('json'),
    ddl: { sqlite: 'TEXT', postgres: 'jsonb', mysql: 'JSON' },
    values: [{ a: [1, 'two', null, { b: true }], s: 'quote\'"\\' }, [1, 2, 3], 'just a string', 42, true],
  },
  { kind: 'uuid', type: t('uuid'), ddl: { sqlite: 'CHAR(36)', postgres: 'uuid', mysql: 'CHAR(36)' }, values: ['a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'] },
  {
    kind: 'blob',
    type: t('blob'),
    ddl: { sqlite: 'BLOB', postgres: 'bytea', mysql: 'LONGBLOB' },
    values: [Buffer.from([0, 1, 2, 127, 128, 255, 0]), Buffer.alloc(0)],
  },
  {
    kind: 'enum',
    type: t('enum', { enumValues: ['low', 'medium', 'high'] }),
    ddl: { sqlite: 'TEXT', postgres: 'text', mysql: "ENUM('low', 'medium', 'high')" },
    values: ['medium', 'high'],
  },
];

describeEachDialect('codec round trips', (ctx) => {
  const encode = (c: Case, v: unknown) => {
    const codec = ctx.dialect.codecs[c.kind];
    return codec?.toDriver ? codec.toDriver(v, c.type) : v;
  };
  const decode = (c: Case, v: unknown) => {
    const codec = ctx.dialect.codecs[c.kind];
    return codec?.fromDriver ? codec.fromDriver(v, c.type) : v;
  };

  CASES.forEach((c, i) => {
    if (c.skip?.includes(ctx.name)) return;
    test(`${c.kind} ${c.ddl[ctx.name]}${c.type.bigintMode ? ` (${c.type.bigintMode})` : ''}: values and NULL`, async () => {
      const conn = await ctx.connect();
      const table = `kind_${i}`;
      await conn.execute(`CREATE TABLE ${table} (id ${AUTO_ID[ctx.name]}, v ${c.ddl[ctx.name]})`, []);
      for (const value of [...c.values, null]) {
        await conn.execute(`INSERT INTO ${table} (v) VALUES (${phs(ctx.name, 1)})`, [encode(c, value)]);
      }
      const { rows } = await conn.execute(`SELECT v FROM ${table} ORDER BY id`, []);
      expect(rows.map((r) => decode(c, r[0]))).toEqual([...(c.expected ?? c.values), null]);
      await conn.close();
    });
  });

  test('decodes expression results to the declared kind', async () => {
    const conn = await ctx.connect();
    await conn.execute(`CREATE TABLE agg (id ${AUTO_ID[ctx.name]}, n INTEGER, big BIGINT)`, []);
    await conn.execute(`INSERT INTO agg (n, big) VALUES (${phs(ctx.name, 2)}), (${phs(ctx.name, 2, 3)})`, [
      2,
      encode(CASES[1], 9007199254740993n),
      4,
      encode(CASES[1], 1n),
    ]);
    const { rows } = await conn.execute('SELECT count(*), sum(n), avg(n), max(big), sum(big) FROM agg', []);
    const [count, sum, avg, max, total] = rows[0];
    const integer = ctx.dialect.codecs.integer?.fromDriver ?? ((v: unknown) => v);
    const double = ctx.dialect.codecs.double?.fromDriver ?? ((v: unknown) => v);
    const bigint = ctx.dialect.codecs.bigint?.fromDriver ?? ((v: unknown) => v);
    expect(integer(count, t('integer'))).toBe(2);
    expect(integer(sum, t('integer'))).toBe(6);
    expect(double(avg, t('double'))).toBe(3);
    expect(bigint(max, t('bigint'))).toBe(9007199254740993n);
    // Past 2^53: exact only if no step goes through a double.
    expect(bigint(total, t('bigint'))).toBe(9007199254740994n);
    await conn.close();
  });

  test('reads the current timestamp as a Date close to now', async () => {
    const conn = await ctx.connect();
    const { rows } = await conn.execute('SELECT CURRENT_TIMESTAMP', []);
    const now = ctx.dialect.codecs.timestamptz?.fromDriver?.(rows[0][0], t('timestamptz')) ?? rows[0][0];
    expect(now).toBeInstanceOf(Date);
    expect(Math.abs((now as Date).getTime() - Date.now())).toBeLessThan(5_000);
    await conn.close();
  });
});
