import { registerDialect } from '@athanor/core';
import { sqliteDialect } from './sqlite-dialect';

export { sqliteAdapter } from './sqlite-adapter';
export { sqliteCodecs } from './sqlite-codecs';
export { SqliteCompiler } from './sqlite-compiler';
export { SqliteDialect, sqliteDialect } from './sqlite-dialect';
export { SqliteConnection, SqliteDriver } from './sqlite-driver';
export { classifySqliteError, SQLITE_ERROR_CLASSES, sqliteErrorClass, translateSqliteError } from './sqlite-errors';
export { LruCache } from './statement-cache';

// Importing the package makes 'sqlite:' URLs work with createEngine.
registerDialect(['sqlite', 'sqlite3'], sqliteDialect);
