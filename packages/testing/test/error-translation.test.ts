import {
  AthanorError,
  CheckViolationError,
  DataError,
  ForeignKeyViolationError,
  NotNullViolationError,
  ProgrammingError,
  UniqueViolationError,
} from '@athanor/core';
import type { DriverConnection } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import type { DialectName } from '@athanor/testing';
import { ph, phs } from './raw-sql';

type ErrorClass = abstract new (...args: never[]) => AthanorError;

interface Violation {
  readonly title: string;
  readonly sql: (d: DialectName) => string;
  readonly params: readonly unknown[];
  readonly type: ErrorClass;
  /** The driver's own code per dialect (MariaDB's where MySQL differs). */
  readonly code: Readonly<Record<DialectName, string | number>>;
}

const VIOLATIONS: readonly Violation[] = [
  {
    title: 'duplicate primary key',
    sql: (d) => `INSERT INTO parents (id, name) VALUES (${phs(d, 2)})`,
    params: [1, 'another'],
    type: UniqueViolationError,
    code: { sqlite: 'SQLITE_CONSTRAINT_PRIMARYKEY', postgres: '23505', mysql: 1062 },
  },
  {
    title: 'duplicate unique column',
    sql: (d) => `INSERT INTO parents (id, name) VALUES (${phs(d, 2)})`,
    params: [2, 'first'],
    type: UniqueViolationError,
    code: { sqlite: 'SQLITE_CONSTRAINT_UNIQUE', postgres: '23505', mysql: 1062 },
  },
  {
    title: 'child without parent',
    sql: (d) => `INSERT INTO children (id, parent_id) VALUES (${phs(d, 2)})`,
    params: [2, 999],
    type: ForeignKeyViolationError,
    code: { sqlite: 'SQLITE_CONSTRAINT_FOREIGNKEY', postgres: '23503', mysql: 1452 },
  },
  {
    title: 'deleting a referenced parent',
    sql: (d) => `DELETE FROM parents WHERE id = ${ph(d, 1)}`,
    params: [1],
    type: ForeignKeyViolationError,
    code: { sqlite: 'SQLITE_CONSTRAINT_FOREIGNKEY', postgres: '23503', mysql: 1451 },
  },
  {
    title: 'NULL in a NOT NULL column',
    sql: (d) => `INSERT INTO parents (id, name) VALUES (${phs(d, 2)})`,
    params: [3, null],
    type: NotNullViolationError,
    code: { sqlite: 'SQLITE_CONSTRAINT_NOTNULL', postgres: '23502', mysql: 1048 },
  },
  {
    title: 'failed CHECK',
    sql: (d) => `INSERT INTO parents (id, name, score) VALUES (${phs(d, 3)})`,
    params: [4, 'negative', -1],
    type: CheckViolationError,
    code: { sqlite: 'SQLITE_CONSTRAINT_CHECK', postgres: '23514', mysql: 4025 },
  },
  {
    title: 'syntax error',
    sql: () => 'SELEC 1',
    params: [],
    type: ProgrammingError,
    code: { sqlite: 'SQLITE_ERROR', postgres: '42601', mysql: 1064 },
  },
  {
    title: 'unknown table',
    sql: () => 'SELECT * FROM no_such_table',
    params: [],
    type: ProgrammingError,
    code: { sqlite: 'SQLITE_ERROR', postgres: '42P01', mysql: 1146 },
  },
  {
    title: 'unknown column',
    sql: () => 'SELECT no_such_column FROM parents',
    params: [],
    type: ProgrammingError,
    code: { sqlite: 'SQLITE_ERROR', postgres: '42703', mysql: 1054 },
  },
];

/** A value the column's type rejects: each database has its own way to say so. */
const DATA_ERRORS: Readonly<Record<DialectName, { sql: string; params: unknown[]; code: string | number }>> = {
  sqlite: { sql: "SELECT json_extract(?, '$.a')", params: ['{not json'], code: 'SQLITE_ERROR' },
  postgres: { sql: 'INSERT INTO parents (id, name, score) VALUES ($1, $2, $3)', params: [5, 'x', 'not a number'], code: '22P02' },
  mysql: { sql: 'INSERT INTO parents (id, name) VALUES (?, ?)', params: [5, 'x'.repeat(300)], code: 1406 },
};

async function failure(conn: DriverConnection, sql: string, params: readonly unknown[]): Promise<unknown> {
  return conn.execute(sql, params).then(
    () => {
      throw new Error(`expected ${sql} to fail`);
    },
    (error: unknown) => error,
  );
}

describeEachDialect('error translation', (ctx) => {
  let conn: DriverConnection;
  beforeAll(async () => {
    conn = await ctx.connect();
    const engine = ctx.name === 'mysql' ? ' ENGINE=InnoDB' : '';
    await conn.execute(`CREATE TABLE parents (id INTEGER PRIMARY KEY, name VARCHAR(100) NOT NULL UNIQUE, score INTEGER CHECK (score >= 0))${engine}`, []);
    await conn.execute(`CREATE TABLE children (id INTEGER PRIMARY KEY, parent_id INTEGER NOT NULL REFERENCES parents (id))${engine}`, []);
    if (ctx.name === 'mysql') {
      // MySQL ignores inline REFERENCES; the constraint needs its own clause.
      await conn.execute('ALTER TABLE children ADD FOREIGN KEY (parent_id) REFERENCES parents (id)', []);
    }
    await conn.execute(`INSERT INTO parents (id, name) VALUES (${phs(ctx.name, 2)})`, [1, 'first']);
    await conn.execute(`INSERT INTO children (id, parent_id) VALUES (${phs(ctx.name, 2)})`, [1, 1]);
  });

  test.each(VIOLATIONS.map((v) => [v.title, v] as const))('%s', async (_title, v) => {
    const sql = v.sql(ctx.name);
    const raw = await failure(conn, sql, v.params);
    const error = ctx.dialect.translateError(raw, sql, v.params);
    expect(error).toBeInstanceOf(v.type);
    expect(error.driverCode).toBe(v.code[ctx.name]);
    expect(error.sql).toBe(sql);
    expect(error.params).toEqual(v.params);
    expect(error.cause).toBe(raw);
    expect(error.message.length).toBeGreaterThan(0);
    expect(ctx.dialect.translateError(error)).toBe(error);
    // Integrity and programming errors are never worth retrying, and the connection is fine.
    expect(ctx.dialect.classifyError(raw)).toEqual({ disconnect: false, transient: false });
    expect(ctx.dialect.classifyError(error)).toEqual({ disconnect: false, transient: false });
    expect((await conn.execute('SELECT 1', [])).rows).toEqual([[1]]);
  });

  test('a value the column rejects is a DataError', async () => {
    const { sql, params, code } = DATA_ERRORS[ctx.name];
    const raw = await failure(conn, sql, params);
    const error = ctx.dialect.translateError(raw, sql, params);
    expect(error).toBeInstanceOf(DataError);
    expect(error.driverCode).toBe(code);
  });
});

describeEachDialect(
  'a write in a read-only transaction',
  (ctx) => {
    test('is a ProgrammingError', async () => {
      const conn = await ctx.connect();
      await conn.execute('CREATE TABLE ro (n INTEGER)', []);
      for (const statement of ctx.dialect.beginStatements({ readOnly: true })) await conn.execute(statement, []);
      const raw = await failure(conn, 'INSERT INTO ro VALUES (1)', []);
      const error = ctx.dialect.translateError(raw);
      expect(error).toBeInstanceOf(ProgrammingError);
      expect(error.driverCode).toBe(ctx.name === 'postgres' ? '25006' : 1792);
      await conn.execute('ROLLBACK', []);
    });
  },
  // SQLite has no read-only transactions: BEGIN DEFERRED only delays the write lock.
  { only: ['postgres', 'mysql'] },
);
