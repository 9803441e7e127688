import { InvalidArgumentError, registeredDialect, sql } from '@athanor/core';
import { postgresAdapter, postgresDialect, PostgresDriver } from '@athanor/postgres';

describe('postgresDialect', () => {
  test('registers itself for postgres: and postgresql: URLs on import', () => {
    expect(registeredDialect('postgres')).toBe(postgresDialect);
    expect(registeredDialect('postgresql')).toBe(postgresDialect);
  });

  test('opens transactions with one BEGIN carrying isolation and access mode', () => {
    expect(postgresDialect.beginStatements({})).toEqual(['BEGIN']);
    expect(postgresDialect.beginStatements({ isolation: 'serializable' })).toEqual(['BEGIN ISOLATION LEVEL SERIALIZABLE']);
    expect(postgresDialect.beginStatements({ isolation: 'repeatable read', readOnly: true })).toEqual([
      'BEGIN ISOLATION LEVEL REPEATABLE READ, READ ONLY',
    ]);
    expect(postgresDialect.beginStatements({ readOnly: true })).toEqual(['BEGIN READ ONLY']);
    expect(() => postgresDialect.beginStatements({ isolation: 'snapshot' as never })).toThrow(InvalidArgumentError);
  });

  test('states its capabilities', () => {
    expect(postgresDialect.adapter).toBe(postgresAdapter);
    expect(postgresAdapter).toMatchObject({
      name: 'postgres',
      supportsReturning: true,
      supportsUpdateReturning: true,
      maxParameters: 65535,
      transactionalDdl: true,
      supportsFullJoin: true,
      supportsRightJoin: true,
      supportsNullsOrdering: true,
      supportsIlike: true,
      supportsRowLocks: true,
      supportsSchemas: true,
    });
    expect(postgresDialect.defaultPoolSize).toBe(5);
    expect(postgresDialect.abortsTransactionOnError).toBe(true);
  });

  test('compiles through the PostgreSQL compiler and quotes identifiers', () => {
    expect(postgresDialect.quoteIdentifier('we"ird')).toBe('"we""ird"');
    expect(postgresDialect.compile(sql`SELECT ${1}, ${'a'}`.node)).toMatchObject({ sql: 'SELECT $1, $2', params: [1, 'a'] });
  });

  test('creates a pg driver', () => {
    const driver = postgresDialect.createDriver({ url: 'postgres://h/db', scheme: 'postgres', host: 'h', database: 'db', options: {} });
    expect(driver).toBeInstanceOf(PostgresDriver);
  });
});
