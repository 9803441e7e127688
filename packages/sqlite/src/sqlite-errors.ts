import {
  AthanorError,
  CheckViolationError,
  ConnectionError,
  DataError,
  DatabaseBusyError,
  ForeignKeyViolationError,
  IntegrityError,
  NotNullViolationError,
  OperationalError,
  ProgrammingError,
  UniqueViolationError,
} from '@athanor/core';
import type { ErrorClassification, StatementContext } from '@athanor/core';

type ErrorClass = new (message: string, context?: StatementContext) => AthanorError;

/**
 * better-sqlite3 reports SQLite's extended result codes ('SQLITE_CONSTRAINT_UNIQUE'). Looked up
 * exactly first, then by primary code ('SQLITE_BUSY_SNAPSHOT' → 'SQLITE_BUSY').
 */
export const SQLITE_ERROR_CLASSES: Readonly<Record<string, ErrorClass>> = {
  SQLITE_CONSTRAINT_UNIQUE: UniqueViolationError,
  SQLITE_CONSTRAINT_PRIMARYKEY: UniqueViolationError,
  SQLITE_CONSTRAINT_FOREIGNKEY: ForeignKeyViolationError,
  SQLITE_CONSTRAINT_NOTNULL: NotNullViolationError,
  SQLITE_CONSTRAINT_CHECK: CheckViolationError,
  SQLITE_CONSTRAINT: IntegrityError,
  SQLITE_BUSY: DatabaseBusyError,
  SQLITE_LOCKED: DatabaseBusyError,
  SQLITE_TOOBIG: DataError,
  SQLITE_MISMATCH: DataError,
  SQLITE_RANGE: ProgrammingError,
  SQLITE_ERROR: ProgrammingError,
  SQLITE_AUTH: ProgrammingError,
};

/**
 * SQLITE_ERROR is SQLite's catch-all: mostly bad SQL (syntax, no such table/column), but a few
 * messages are about the data rather than the statement.
 */
const SQLITE_ERROR_DATA_MESSAGES = /malformed JSON|integer overflow|JSON cannot hold BLOB|string or blob too big/i;

/** Errors raised by better-sqlite3 itself (no SQLite code), recognised by message. */
const DRIVER_MESSAGES: readonly [RegExp, ErrorClass][] = [
  [/database connection is not open/i, ConnectionError],
  [/can only bind|too (few|many) parameter|more than one statement|named parameters|busy executing/i, ProgrammingError],
];

const TRANSIENT = new Set(['SQLITE_BUSY', 'SQLITE_LOCKED']);
/** The connection itself is no longer trustworthy: drop it rather than reuse it. */
const DISCONNECT = new Set(['SQLITE_IOERR', 'SQLITE_CORRUPT', 'SQLITE_NOTADB']);

function codeOf(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('SQLITE_') ? code : undefined;
}

/** 'SQLITE_CONSTRAINT_UNIQUE' → 'SQLITE_CONSTRAINT'. */
function primaryCode(code: string): string {
  const second = code.indexOf('_', 'SQLITE_'.length);
  return second < 0 ? code : code.slice(0, second);
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

export function sqliteErrorClass(error: unknown): ErrorClass {
  const code = codeOf(error);
  if (code === undefined) {
    const message = messageOf(error);
    return DRIVER_MESSAGES.find(([pattern]) => pattern.test(message))?.[1] ?? OperationalError;
  }
  if (code === 'SQLITE_ERROR' && SQLITE_ERROR_DATA_MESSAGES.test(messageOf(error))) return DataError;
  return SQLITE_ERROR_CLASSES[code] ?? SQLITE_ERROR_CLASSES[primaryCode(code)] ?? OperationalError;
}

export function translateSqliteError(error: unknown, sql?: string, params?: readonly unknown[]): AthanorError {
  if (error instanceof AthanorError) return error;
  const ErrorType = sqliteErrorClass(error);
  return new ErrorType(messageOf(error), { sql, params, driverCode: codeOf(error), cause: error });
}

export function classifySqliteError(error: unknown): ErrorClassification {
  if (error instanceof ConnectionError) return { disconnect: true, transient: false };
  if (error instanceof DatabaseBusyError) return { disconnect: false, transient: true };
  const code = codeOf(error) ?? (error instanceof AthanorError ? String(error.driverCode ?? '') : undefined);
  if (code === undefined) {
    return { disconnect: sqliteErrorClass(error) === ConnectionError, transient: false };
  }
  const primary = primaryCode(code);
  return { disconnect: DISCONNECT.has(primary), transient: TRANSIENT.has(primary) };
}
