import {
  AthanorError,
  CheckViolationError,
  ConnectionError,
  DataError,
  DatabaseBusyError,
  ForeignKeyViolationError,
  IntegrityError,
  NotNullViolationError,
  OperationalError,
  ProgrammingError,
  UniqueViolationError,
} from '@athanor/core';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { classifySqliteError, SqliteDriver, translateSqliteError } from '@athanor/sqlite';

/** better-sqlite3's SqliteError carries the extended result code as `code`. */
const sqliteError = (code: string, message = 'boom') => Object.assign(new Error(message), { code });

describe('translateSqliteError', () => {
  test.each([
    ['SQLITE_CONSTRAINT_UNIQUE', UniqueViolationError],
    ['SQLITE_CONSTRAINT_PRIMARYKEY', UniqueViolationError],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', ForeignKeyViolationError],
    ['SQLITE_CONSTRAINT_NOTNULL', NotNullViolationError],
    ['SQLITE_CONSTRAINT_CHECK', CheckViolationError],
    ['SQLITE_CONSTRAINT_TRIGGER', IntegrityError],
    ['SQLITE_CONSTRAINT', IntegrityError],
    ['SQLITE_BUSY', DatabaseBusyError],
    ['SQLITE_BUSY_SNAPSHOT', DatabaseBusyError],
    ['SQLITE_LOCKED', DatabaseBusyError],
    ['SQLITE_LOCKED_SHAREDCACHE', DatabaseBusyError],
    ['SQLITE_TOOBIG', DataError],
    ['SQLITE_MISMATCH', DataError],
    ['SQLITE_ERROR', ProgrammingError],
    ['SQLITE_RANGE', ProgrammingError],
    ['SQLITE_IOERR_WRITE', OperationalError],
    ['SQLITE_FULL', OperationalError],
    ['SQLITE_READONLY', OperationalError],
  ] as const)('%s → %p', (code, type) => {
    const cause = sqliteError(code);
    const error = translateSqliteError(cause, 'SELECT ?', [1]);
    expect(error).toBeInstanceOf(type);
    expect(error.constructor).toBe(type);
    expect(error).toMatchObject({ driverCode: code, sql: 'SELECT ?', params: [1], message: 'boom' });
    expect(error.cause).toBe(cause);
  });

  test.each([
    ['malformed JSON', DataError],
    ['integer overflow', DataError],
    ['near "SELEC": syntax error', ProgrammingError],
    ['no such table: users', ProgrammingError],
  ] as const)('SQLITE_ERROR "%s" → %p', (message, type) => {
    expect(translateSqliteError(sqliteError('SQLITE_ERROR', message))).toBeInstanceOf(type);
  });

  test.each([
    [new TypeError('The database connection is not open'), ConnectionError],
    [new TypeError('SQLite3 can only bind numbers, strings, bigints, buffers, and null'), ProgrammingError],
    [new RangeError('Too few parameter values were provided'), ProgrammingError],
    [new RangeError('The supplied SQL string contains more than one statement'), ProgrammingError],
    [new TypeError('This database connection is busy executing a query'), ProgrammingError],
    [new Error('something else'), OperationalError],
  ] as const)('driver error "%s" → %p', (cause, type) => {
    const error = translateSqliteError(cause);
    expect(error).toBeInstanceOf(type);
    expect(error.driverCode).toBeUndefined();
  });

  test('returns an AthanorError unchanged', () => {
    const error = new ProgrammingError('already translated');
    expect(translateSqliteError(error)).toBe(error);
  });
});

describe('classifySqliteError', () => {
  test.each([
    ['SQLITE_BUSY', { disconnect: false, transient: true }],
    ['SQLITE_BUSY_TIMEOUT', { disconnect: false, transient: true }],
    ['SQLITE_LOCKED', { disconnect: false, transient: true }],
    ['SQLITE_CONSTRAINT_UNIQUE', { disconnect: false, transient: false }],
    ['SQLITE_ERROR', { disconnect: false, transient: false }],
    ['SQLITE_IOERR_READ', { disconnect: true, transient: false }],
    ['SQLITE_CORRUPT', { disconnect: true, transient: false }],
    ['SQLITE_NOTADB', { disconnect: true, transient: false }],
  ] as const)('%s → %p', (code, expected) => {
    expect(classifySqliteError(sqliteError(code))).toEqual(expected);
    // Classifying the translated error gives the same answer.
    expect(classifySqliteError(translateSqliteError(sqliteError(code)))).toEqual(expected);
  });

  test('a closed connection is a disconnect', () => {
    const closed = new TypeError('The database connection is not open');
    expect(classifySqliteError(closed)).toEqual({ disconnect: true, transient: false });
    expect(classifySqliteError(translateSqliteError(closed))).toEqual({ disconnect: true, transient: false });
  });
});

describe('a real busy database', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'athanor-busy-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('translates to DatabaseBusyError, transient', async () => {
    const file = join(dir, 'busy.db');
    const config = { url: `sqlite:${file}`, scheme: 'sqlite', database: file, options: { busy_timeout: '0' } };
    const a = await new SqliteDriver(config).connect();
    const b = await new SqliteDriver(config).connect();
    await a.execute('CREATE TABLE t (n INTEGER)', []);
    await a.execute('BEGIN IMMEDIATE', []);
    await a.execute('INSERT INTO t VALUES (1)', []);
    const raw = await b.execute('INSERT INTO t VALUES (2)', []).then(() => undefined, (e: unknown) => e);
    const error: AthanorError = translateSqliteError(raw, 'INSERT INTO t VALUES (2)', []);
    expect(error).toBeInstanceOf(DatabaseBusyError);
    expect(error.driverCode).toBe('SQLITE_BUSY');
    expect(classifySqliteError(raw)).toEqual({ disconnect: false, transient: true });
    await a.execute('ROLLBACK', []);
    await a.close();
    await b.close();
  });
});
