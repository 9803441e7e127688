import { registerDialect } from '@athanor/core';
import { mariadbDialect, mysqlDialect } from './mysql-dialect';

export { mariadbAdapter, mysqlAdapter } from './mysql-adapter';
export { formatDateTime, mysqlCodecs } from './mysql-codecs';
export { MysqlCompiler } from './mysql-compiler';
export { mariadbDialect, MysqlDialect, mysqlDialect } from './mysql-dialect';
export { connectionOptions, MysqlConnection, MysqlDriver, parseServerVersion } from './mysql-driver';
export type { MysqlFlavor } from './mysql-driver';
export { classifyMysqlError, MYSQL_CLIENT_CODE_RULES, MYSQL_ERRNO_RULES, mysqlErrorRule, translateMysqlError } from './mysql-errors';

// Importing the package makes 'mysql://' and 'mariadb://' URLs work with createEngine.
// mysql:// uses what MySQL 8 and MariaDB share; mariadb:// adds MariaDB's INSERT/DELETE … RETURNING.
registerDialect(['mysql'], mysqlDialect);
registerDialect(['mariadb'], mariadbDialect);
