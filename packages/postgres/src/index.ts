import { registerDialect } from '@athanor/core';
import { postgresDialect } from './postgres-dialect';

export { postgresAdapter } from './postgres-adapter';
export { postgresCodecs } from './postgres-codecs';
export { PostgresCompiler } from './postgres-compiler';
export { PostgresDialect, postgresDialect } from './postgres-dialect';
export { clientConfig, PostgresConnection, PostgresDriver } from './postgres-driver';
export { classifyPostgresError, PG_SQLSTATE_CLASS_RULES, PG_SQLSTATE_RULES, postgresErrorRule, translatePostgresError } from './postgres-errors';
export { athanorPgTypes, parsePgTimestamp } from './postgres-type-parsers';

// Importing the package makes 'postgres://' (and 'postgresql://') URLs work with createEngine.
registerDialect(['postgres', 'postgresql'], postgresDialect);
