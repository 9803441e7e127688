import {
  AthanorError,
  CheckViolationError,
  ConnectionError,
  DataError,
  DeadlockError,
  ForeignKeyViolationError,
  LockTimeoutError,
  NotNullViolationError,
  OperationalError,
  ProgrammingError,
  UniqueViolationError,
} from '@athanor/core';
import type { ErrorClassification, StatementContext } from '@athanor/core';

type ErrorClass = new (message: string, context?: StatementContext) => AthanorError;

interface Rule {
  readonly type: ErrorClass;
  readonly transient?: boolean;
  readonly disconnect?: boolean;
}

const CONNECTION_LOST: Rule = { type: ConnectionError, disconnect: true, transient: true };

/** Server errors by errno (MySQL and MariaDB share them unless noted). */
export const MYSQL_ERRNO_RULES: Readonly<Record<number, Rule>> = {
  1062: { type: UniqueViolationError }, // ER_DUP_ENTRY
  1586: { type: UniqueViolationError }, // ER_DUP_ENTRY_WITH_KEY_NAME
  1451: { type: ForeignKeyViolationError }, // ER_ROW_IS_REFERENCED_2
  1452: { type: ForeignKeyViolationError }, // ER_NO_REFERENCED_ROW_2
  1216: { type: ForeignKeyViolationError }, // ER_NO_REFERENCED_ROW
  1217: { type: ForeignKeyViolationError }, // ER_ROW_IS_REFERENCED
  1048: { type: NotNullViolationError }, // ER_BAD_NULL_ERROR
  1364: { type: NotNullViolationError }, // ER_NO_DEFAULT_FOR_FIELD
  1263: { type: NotNullViolationError }, // ER_WARN_NULL_TO_NOTNULL (strict mode, multi-row)
  3819: { type: CheckViolationError }, // MySQL ER_CHECK_CONSTRAINT_VIOLATED
  4025: { type: CheckViolationError }, // MariaDB ER_CONSTRAINT_FAILED
  1213: { type: DeadlockError, transient: true }, // ER_LOCK_DEADLOCK: the transaction was rolled back
  // ER_LOCK_WAIT_TIMEOUT. By default only the statement is rolled back, not the transaction;
  // a retry re-runs the whole transaction after rolling it back, which is what makes it safe.
  1205: { type: LockTimeoutError, transient: true },
  2006: CONNECTION_LOST, // CR_SERVER_GONE_ERROR
  2013: CONNECTION_LOST, // CR_SERVER_LOST
  1927: CONNECTION_LOST, // MariaDB ER_CONNECTION_KILLED
  1053: CONNECTION_LOST, // ER_SERVER_SHUTDOWN
  4031: CONNECTION_LOST, // MySQL: disconnected by the server for inactivity
  1040: { type: ConnectionError, disconnect: true, transient: true }, // ER_CON_COUNT_ERROR
  1203: { type: ConnectionError, disconnect: true, transient: true }, // ER_TOO_MANY_USER_CONNECTIONS
  1045: { type: ConnectionError, disconnect: true }, // ER_ACCESS_DENIED_ERROR
  1064: { type: ProgrammingError }, // ER_PARSE_ERROR
  1146: { type: ProgrammingError }, // ER_NO_SUCH_TABLE
  1054: { type: ProgrammingError }, // ER_BAD_FIELD_ERROR
  1049: { type: ProgrammingError }, // ER_BAD_DB_ERROR
  1050: { type: ProgrammingError }, // ER_TABLE_EXISTS_ERROR
  1051: { type: ProgrammingError }, // ER_BAD_TABLE_ERROR
  1060: { type: ProgrammingError }, // ER_DUP_FIELDNAME
  1061: { type: ProgrammingError }, // ER_DUP_KEYNAME
  1091: { type: ProgrammingError }, // ER_CANT_DROP_FIELD_OR_KEY
  1109: { type: ProgrammingError }, // ER_UNKNOWN_TABLE
  1052: { type: ProgrammingError }, // ER_NON_UNIQ_ERROR (ambiguous column)
  1142: { type: ProgrammingError }, // ER_TABLEACCESS_DENIED_ERROR
  1044: { type: ProgrammingError }, // ER_DBACCESS_DENIED_ERROR
  1210: { type: ProgrammingError }, // ER_WRONG_ARGUMENTS (prepared statement)
  1235: { type: ProgrammingError }, // ER_NOT_SUPPORTED_YET
  1305: { type: ProgrammingError }, // ER_SP_DOES_NOT_EXIST (unknown function)
  1630: { type: ProgrammingError }, // ER_FUNC_INEXISTENT_NAME_COLLISION
  1582: { type: ProgrammingError }, // ER_WRONG_PARAMCOUNT_TO_NATIVE_FCT
  1136: { type: ProgrammingError }, // ER_WRONG_VALUE_COUNT_ON_ROW
  1110: { type: ProgrammingError }, // ER_FIELD_SPECIFIED_TWICE
  1241: { type: ProgrammingError }, // ER_OPERAND_COLUMNS
  1242: { type: ProgrammingError }, // ER_SUBQUERY_NO_1_ROW (cardinality, as PostgreSQL's 21000)
  1222: { type: ProgrammingError }, // ER_WRONG_NUMBER_OF_COLUMNS_IN_SELECT (UNION)
  1248: { type: ProgrammingError }, // ER_DERIVED_MUST_HAVE_ALIAS
  1093: { type: ProgrammingError }, // ER_UPDATE_TABLE_USED
  1055: { type: ProgrammingError }, // ER_WRONG_FIELD_WITH_GROUP
  1111: { type: ProgrammingError }, // ER_INVALID_GROUP_FUNC_USE
  1140: { type: ProgrammingError }, // ER_MIX_OF_GROUP_FUNC_AND_FIELDS
  1193: { type: ProgrammingError }, // ER_UNKNOWN_SYSTEM_VARIABLE
  1231: { type: ProgrammingError }, // ER_WRONG_VALUE_FOR_VAR
  // DDL that cannot be right on this server.
  1005: { type: ProgrammingError }, // ER_CANT_CREATE_TABLE (e.g. a malformed foreign key)
  1059: { type: ProgrammingError }, // ER_TOO_LONG_IDENT
  1067: { type: ProgrammingError }, // ER_INVALID_DEFAULT
  1071: { type: ProgrammingError }, // ER_TOO_LONG_KEY
  1072: { type: ProgrammingError }, // ER_KEY_COLUMN_DOES_NOT_EXITS
  1075: { type: ProgrammingError }, // ER_WRONG_AUTO_KEY
  1101: { type: ProgrammingError }, // ER_BLOB_CANT_HAVE_DEFAULT
  1115: { type: ProgrammingError }, // ER_UNKNOWN_CHARACTER_SET
  1166: { type: ProgrammingError }, // ER_WRONG_COLUMN_NAME
  1170: { type: ProgrammingError }, // ER_BLOB_KEY_WITHOUT_LENGTH
  1215: { type: ProgrammingError }, // ER_CANNOT_ADD_FOREIGN
  1273: { type: ProgrammingError }, // ER_UNKNOWN_COLLATION
  1822: { type: ProgrammingError }, // ER_FK_NO_INDEX_PARENT
  // Statements the transaction's state forbids.
  1179: { type: ProgrammingError }, // ER_CANT_DO_THIS_DURING_AN_TRANSACTION
  1568: { type: ProgrammingError }, // ER_CANT_CHANGE_TX_CHARACTERISTICS
  1792: { type: ProgrammingError }, // ER_CANT_EXECUTE_IN_READ_ONLY_TRANSACTION
  1406: { type: DataError }, // ER_DATA_TOO_LONG
  1264: { type: DataError }, // ER_WARN_DATA_OUT_OF_RANGE
  1292: { type: DataError }, // ER_TRUNCATED_WRONG_VALUE (bad date, bad number text)
  1366: { type: DataError }, // ER_TRUNCATED_WRONG_VALUE_FOR_FIELD
  1265: { type: DataError }, // WARN_DATA_TRUNCATED
  1365: { type: DataError }, // ER_DIVISION_BY_ZERO
  1690: { type: DataError }, // ER_DATA_OUT_OF_RANGE (BIGINT arithmetic)
  1411: { type: DataError }, // ER_WRONG_VALUE_FOR_TYPE
  1367: { type: DataError }, // ER_ILLEGAL_VALUE_FOR_TYPE
  3140: { type: DataError }, // MySQL ER_INVALID_JSON_TEXT
  4038: { type: DataError }, // MariaDB ER_JSON_SYNTAX
};

/** Client-side errors of mysql2 and Node's sockets, by code. */
export const MYSQL_CLIENT_CODE_RULES: Readonly<Record<string, Rule>> = {
  PROTOCOL_CONNECTION_LOST: CONNECTION_LOST,
  PROTOCOL_ENQUEUE_AFTER_FATAL_ERROR: CONNECTION_LOST,
  PROTOCOL_ENQUEUE_AFTER_QUIT: CONNECTION_LOST,
  PROTOCOL_SEQUENCE_TIMEOUT: CONNECTION_LOST,
  ER_NET_PACKETS_OUT_OF_ORDER: CONNECTION_LOST,
  ECONNRESET: CONNECTION_LOST,
  ECONNREFUSED: CONNECTION_LOST,
  EPIPE: CONNECTION_LOST,
  ETIMEDOUT: CONNECTION_LOST,
  EHOSTUNREACH: CONNECTION_LOST,
  ENETUNREACH: CONNECTION_LOST,
  ENOTFOUND: CONNECTION_LOST,
  EAI_AGAIN: CONNECTION_LOST,
};

const CLOSED_MESSAGE = /connection is in closed state|Connection lost|connection was killed|socket hang up/i;
const FALLBACK: Rule = { type: OperationalError };

interface MysqlLikeError {
  errno?: unknown;
  code?: unknown;
  sqlState?: unknown;
  message?: unknown;
  errors?: unknown[];
  fatal?: unknown;
}

function fields(error: unknown): MysqlLikeError {
  if (error instanceof AthanorError) {
    const cause = error.cause as MysqlLikeError | undefined;
    return cause ?? (typeof error.driverCode === 'number' ? { errno: error.driverCode } : { code: error.driverCode });
  }
  return (error ?? {}) as MysqlLikeError;
}

function messageOf(error: unknown): string {
  const e = fields(error);
  // Node's happy-eyeballs connect failure is an AggregateError with an empty message.
  if (!e.message && Array.isArray(e.errors) && e.errors.length > 0) return messageOf(e.errors[0]);
  return typeof e.message === 'string' ? e.message : String(error);
}

function clientCode(error: unknown): string | undefined {
  const e = fields(error);
  if (typeof e.code === 'string' && e.code in MYSQL_CLIENT_CODE_RULES) return e.code;
  return Array.isArray(e.errors) ? e.errors.map(clientCode).find((c) => c !== undefined) : undefined;
}

/** Server errors have a positive errno; socket errors carry a negative one (-104) and a code. */
function serverErrno(error: unknown): number | undefined {
  const errno = fields(error).errno;
  return typeof errno === 'number' && errno > 0 ? errno : undefined;
}

export function mysqlErrorRule(error: unknown): Rule {
  const errno = serverErrno(error);
  if (errno !== undefined && MYSQL_ERRNO_RULES[errno]) return MYSQL_ERRNO_RULES[errno];
  const code = clientCode(error);
  if (code !== undefined) return MYSQL_CLIENT_CODE_RULES[code];
  if (CLOSED_MESSAGE.test(messageOf(error))) return CONNECTION_LOST;
  // mysql2 marks errors after which the connection cannot be used.
  if (fields(error).fatal === true) return CONNECTION_LOST;
  return FALLBACK;
}

export function translateMysqlError(error: unknown, sql?: string, params?: readonly unknown[]): AthanorError {
  if (error instanceof AthanorError) return error;
  const rule = mysqlErrorRule(error);
  const driverCode = serverErrno(error) ?? clientCode(error) ?? (fields(error).code as string | undefined);
  return new rule.type(messageOf(error), { sql, params, driverCode, cause: error });
}

export function classifyMysqlError(error: unknown): ErrorClassification {
  const rule = mysqlErrorRule(error);
  return { disconnect: rule.disconnect ?? false, transient: rule.transient ?? false };
}
