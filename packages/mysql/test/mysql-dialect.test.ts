import { InvalidArgumentError, registeredDialect, sql } from '@athanor/core';
import { mariadbAdapter, mariadbDialect, mysqlAdapter, mysqlCodecs, mysqlDialect, MysqlDriver } from '@athanor/mysql';

describe('mysqlDialect and mariadbDialect', () => {
  test('mysql: URLs get the dialect both servers share; mariadb: URLs the MariaDB flavor', () => {
    expect(registeredDialect('mysql')).toBe(mysqlDialect);
    expect(registeredDialect('mariadb')).toBe(mariadbDialect);
  });

  test('SET TRANSACTION goes right before START TRANSACTION', () => {
    expect(mysqlDialect.beginStatements({})).toEqual(['START TRANSACTION']);
    expect(mysqlDialect.beginStatements({ readOnly: true })).toEqual(['START TRANSACTION READ ONLY']);
    expect(mysqlDialect.beginStatements({ isolation: 'read committed' })).toEqual([
      'SET TRANSACTION ISOLATION LEVEL READ COMMITTED',
      'START TRANSACTION',
    ]);
    expect(() => mysqlDialect.beginStatements({ isolation: 'snapshot' as never })).toThrow(InvalidArgumentError);
  });

  test('RETURNING: none on MySQL; INSERT and DELETE but not UPDATE on MariaDB', () => {
    expect(mysqlAdapter).toMatchObject({
      supportsReturning: false,
      supportsInsertReturning: false,
      supportsUpdateReturning: false,
      supportsDeleteReturning: false,
    });
    expect(mariadbAdapter).toMatchObject({
      supportsReturning: false,
      supportsInsertReturning: true,
      supportsUpdateReturning: false,
      supportsDeleteReturning: true,
    });
    expect(mysqlDialect.name).toBe('mysql');
    expect(mariadbDialect.name).toBe('mariadb');
    expect(mariadbDialect.adapter).toBe(mariadbAdapter);
  });

  test('states the other capabilities', () => {
    expect(mysqlAdapter).toMatchObject({
      maxParameters: 65535,
      transactionalDdl: false,
      supportsFullJoin: false,
      supportsRightJoin: true,
      supportsNullsOrdering: false,
      supportsIlike: false,
      supportsRowLocks: true,
    });
    expect(mysqlDialect.defaultPoolSize).toBe(5);
    expect(mysqlDialect.codecs).toBe(mysqlCodecs);
  });

  test('compiles through the MySQL compiler and quotes with backticks', () => {
    expect(mysqlDialect.quoteIdentifier('we`ird')).toBe('`we``ird`');
    expect(mysqlDialect.compile(sql`SELECT ${1}`.node)).toMatchObject({ sql: 'SELECT ?', params: [1] });
  });

  test('creates a driver of its flavor', () => {
    const config = { url: 'mysql://h/db', scheme: 'mysql', host: 'h', database: 'db', options: {} };
    const driver = mariadbDialect.createDriver(config);
    expect(driver).toBeInstanceOf(MysqlDriver);
    expect(driver.flavor).toBe('mariadb');
    expect(mysqlDialect.createDriver(config).flavor).toBe('mysql');
  });

  test('codecs: booleans as 1/0, timestamps as UTC DATETIME text', () => {
    expect(mysqlCodecs.boolean?.toDriver?.(false, { kind: 'boolean' })).toBe(0);
    expect(mysqlCodecs.boolean?.fromDriver?.('1', { kind: 'boolean' })).toBe(true);
    expect(mysqlCodecs.timestamp?.toDriver?.(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)), { kind: 'timestamp' })).toBe('2024-01-02 03:04:05.006');
    expect(mysqlCodecs.timestamp?.fromDriver?.('2024-01-02 03:04:05.006000', { kind: 'timestamp' })).toEqual(new Date(Date.UTC(2024, 0, 2, 3, 4, 5, 6)));
  });
});
