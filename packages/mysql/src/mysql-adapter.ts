import type { DialectAdapter } from '@athanor/core';

const common = {
  supportsReturning: false,
  // The prepared-statement protocol counts parameters in a 16-bit integer.
  maxParameters: 65535,
  // DDL commits implicitly: a CREATE TABLE inside a transaction cannot be rolled back.
  transactionalDdl: false,
  supportsFullJoin: false,
  supportsRightJoin: true,
  supportsNullsOrdering: false,
  supportsIlike: false,
  supportsRowLocks: true,
  // A MySQL "schema" is a database, not a namespace inside one.
  supportsSchemas: false,
  // MariaDB 10.3+, MySQL 8.0.31+.
  supportsIntersectExcept: true,
  supportsMultiRowInsert: true,
  supportsAlterForeignKeys: true,
  inProcess: false,
  supportsArrayParameters: false,
  supportsRowValues: true,
  // LAST_INSERT_ID() after a multi-row INSERT is the first row's key.
  multiRowInsertId: 'first',
  isolationLevels: Object.freeze(['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const),
} as const;

/** MySQL 8 (and any MariaDB): no RETURNING at all; generated keys come from LAST_INSERT_ID(). */
export const mysqlAdapter: DialectAdapter = Object.freeze({
  name: 'mysql',
  ...common,
  supportsInsertReturning: false,
  supportsUpdateReturning: false,
  supportsDeleteReturning: false,
});

/** MariaDB 10.5+: INSERT … RETURNING and DELETE … RETURNING, but no UPDATE … RETURNING. */
export const mariadbAdapter: DialectAdapter = Object.freeze({
  name: 'mariadb',
  ...common,
  supportsInsertReturning: true,
  supportsUpdateReturning: false,
  supportsDeleteReturning: true,
});
