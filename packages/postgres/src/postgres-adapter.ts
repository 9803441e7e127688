import type { DialectAdapter } from '@athanor/core';

/** What PostgreSQL (12+) can do. */
export const postgresAdapter: DialectAdapter = Object.freeze({
  name: 'postgres',
  supportsReturning: true,
  supportsInsertReturning: true,
  supportsUpdateReturning: true,
  supportsDeleteReturning: true,
  // The Bind message counts parameters in a 16-bit integer.
  maxParameters: 65535,
  transactionalDdl: true,
  supportsFullJoin: true,
  supportsRightJoin: true,
  supportsNullsOrdering: true,
  supportsIlike: true,
  supportsRowLocks: true,
  supportsSchemas: true,
  supportsIntersectExcept: true,
  supportsMultiRowInsert: true,
  // 'read uncommitted' is accepted and behaves as read committed (PostgreSQL never reads dirty data).
  supportsAlterForeignKeys: true,
  inProcess: false,
  supportsArrayParameters: true,
  supportsRowValues: true,
  // Keys come back through RETURNING; a driver insert id is never used.
  multiRowInsertId: 'first',
  isolationLevels: Object.freeze(['read uncommitted', 'read committed', 'repeatable read', 'serializable'] as const),
});
