export { describeDialect, describeEachDialect, dialectStatusesSync, MATRIX_DIALECTS, planMatrix } from './dialect-matrix';
export type { DialectContext, MatrixAction, MatrixOptions } from './dialect-matrix';
export { createIsolatedDatabase, isolatedName } from './isolated-database';
export type { IsolatedDatabase } from './isolated-database';
export {
  DEFAULT_MYSQL_URL,
  DEFAULT_PG_URL,
  describeStatuses,
  DIALECT_NAMES,
  dialectStatuses,
  mysqlUrl,
  pgUrl,
  probeDialects,
  requireAll,
  STATUS_ENV,
} from './servers';
export type { DialectName, DialectStatus } from './servers';
export { isTransactionControl, StatementRecorder } from './statement-recorder';
export type { RecordedStatement } from './statement-recorder';
export { useTestEngine } from './test-engine';
export type { TestEngine, TestEngineOptions } from './test-engine';
