import { InvalidArgumentError, registeredDialect, sql } from '@athanor/core';
import { LruCache, sqliteAdapter, sqliteDialect, SqliteDriver } from '@athanor/sqlite';

describe('sqliteDialect', () => {
  test('registers itself for sqlite: URLs on import', () => {
    expect(registeredDialect('sqlite')).toBe(sqliteDialect);
    expect(registeredDialect('sqlite3')).toBe(sqliteDialect);
  });

  test('opens write transactions IMMEDIATE and read-only ones deferred', () => {
    expect(sqliteDialect.beginStatements({})).toEqual(['BEGIN IMMEDIATE']);
    expect(sqliteDialect.beginStatements({ isolation: 'serializable' })).toEqual(['BEGIN IMMEDIATE']);
    expect(sqliteDialect.beginStatements({ readOnly: true })).toEqual(['BEGIN DEFERRED']);
    // Weaker levels run serializable, which gives every guarantee they promise.
    expect(sqliteDialect.beginStatements({ isolation: 'read committed' })).toEqual(['BEGIN IMMEDIATE']);
    expect(() => sqliteDialect.beginStatements({ isolation: 'chaos' as never })).toThrow(InvalidArgumentError);
  });

  test('states its capabilities', () => {
    expect(sqliteDialect.adapter).toBe(sqliteAdapter);
    expect(sqliteAdapter).toMatchObject({
      name: 'sqlite',
      supportsReturning: true,
      supportsInsertReturning: true,
      supportsUpdateReturning: true,
      supportsDeleteReturning: true,
      maxParameters: 32766,
      transactionalDdl: true,
      supportsRowLocks: false,
      supportsSchemas: false,
    });
    expect(sqliteDialect.defaultPoolSize).toBe(1);
    expect(Object.isFrozen(sqliteAdapter)).toBe(true);
  });

  test('compiles through the SQLite compiler and quotes identifiers', () => {
    expect(sqliteDialect.quoteIdentifier('we"ird')).toBe('"we""ird"');
    const compiled = sqliteDialect.compile(sql`SELECT ${1} AS one`.node);
    expect(compiled).toMatchObject({ sql: 'SELECT ? AS one', params: [1] });
  });

  test('creates a driver that connects', async () => {
    const driver = sqliteDialect.createDriver({ url: 'sqlite::memory:', scheme: 'sqlite', database: ':memory:', options: {} });
    expect(driver).toBeInstanceOf(SqliteDriver);
    const conn = await driver.connect();
    expect((await conn.execute('SELECT 1', [])).rows).toEqual([[1]]);
    await conn.close();
  });
});

describe('LruCache', () => {
  test('evicts the least recently used entry', () => {
    const cache = new LruCache<string, number>(2);
    cache.set('a', 1);
    cache.set('b', 2);
    expect(cache.get('a')).toBe(1); // a is now the most recent
    cache.set('c', 3);
    expect(cache.get('b')).toBeUndefined();
    expect(cache.get('a')).toBe(1);
    expect(cache.get('c')).toBe(3);
    expect(cache.size).toBe(2);
  });

  test('capacity 0 caches nothing; a negative capacity is refused', () => {
    const cache = new LruCache<string, number>(0);
    cache.set('a', 1);
    expect(cache.get('a')).toBeUndefined();
    expect(() => new LruCache(-1)).toThrow(RangeError);
  });
});
