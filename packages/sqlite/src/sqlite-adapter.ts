import type { DialectAdapter } from '@athanor/core';

/** What SQLite (3.35+, as bundled with better-sqlite3 12) can do. */
export const sqliteAdapter: DialectAdapter = Object.freeze({
  name: 'sqlite',
  supportsReturning: true,
  supportsInsertReturning: true,
  supportsUpdateReturning: true,
  supportsDeleteReturning: true,
  // SQLITE_MAX_VARIABLE_NUMBER defaults to 32766 since SQLite 3.32.
  maxParameters: 32766,
  transactionalDdl: true,
  // Both since SQLite 3.39.
  supportsFullJoin: true,
  supportsRightJoin: true,
  supportsNullsOrdering: true,
  supportsIlike: false,
  supportsRowLocks: false,
  supportsSchemas: false,
  supportsIntersectExcept: true,
  supportsMultiRowInsert: true,
  // SQLite transactions are always serializable; a request for a weaker level is satisfied by a
  // stronger one, as the SQL standard allows (PostgreSQL does the same for read uncommitted).
  supportsAlterForeignKeys: false,
  inProcess: true,
  supportsArrayParameters: false,
  supportsRowValues: true,
  // last_insert_rowid() after a multi-row INSERT is the last row's key.
  multiRowInsertId: 'last',
  isolationLevels: Object.freeze(['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const),
});
