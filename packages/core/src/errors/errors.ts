/**
 * One error hierarchy for every dialect. Driver errors are translated by the dialect's
 * error translator into these classes, so application code never tests SQLSTATEs or errnos.
 */

export interface StatementContext {
  readonly sql?: string;
  readonly params?: readonly unknown[];
  /** The driver's own code: SQLSTATE on PostgreSQL, errno/code on MySQL, SQLITE_* on SQLite. */
  readonly driverCode?: string | number;
  readonly cause?: unknown;
}


export class AthanorError extends Error {
  /** Stable machine-readable code; never changes between releases. */
  readonly code: string = 'ATHANOR_ERROR';
  readonly sql?: string;
  readonly params?: readonly unknown[];
  readonly driverCode?: string | number;

  constructor(message: string, context: StatementContext = {}) {
    super(message, context.cause !== undefined ? { cause: context.cause } : undefined);
    this.name = new.target.name;
    this.sql = context.sql;
    this.params = context.params;
    this.driverCode = context.driverCode;
  }

  /**
   * Parameters as serialized errors show them: always redacted, because error reports travel
   * to places (log aggregators, HTTP responses) that must not see user data. The values stay
   * on `params` for code that handles the error.
   */
  get displayParams(): readonly unknown[] | undefined {
    return this.params?.map(() => '<redacted>');
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      code: this.code,
      message: this.message,
      sql: this.sql,
      params: this.displayParams,
      driverCode: this.driverCode,
    };
  }
}


// ---- Database errors (PEP 249's families) ----

export class DatabaseError extends AthanorError {
  override readonly code: string = 'DATABASE_ERROR';
}
export class IntegrityError extends DatabaseError {
  override readonly code: string = 'INTEGRITY_ERROR';
}
export class UniqueViolationError extends IntegrityError {
  override readonly code: string = 'UNIQUE_VIOLATION';
}
export class ForeignKeyViolationError extends IntegrityError {
  override readonly code: string = 'FOREIGN_KEY_VIOLATION';
}
export class NotNullViolationError extends IntegrityError {
  override readonly code: string = 'NOT_NULL_VIOLATION';
}
export class CheckViolationError extends IntegrityError {
  override readonly code: string = 'CHECK_VIOLATION';
}
export class OperationalError extends DatabaseError {
  override readonly code: string = 'OPERATIONAL_ERROR';
}
/** The connection was lost or refused; the pool invalidates the connection it came from. */
export class ConnectionError extends OperationalError {
  override readonly code: string = 'CONNECTION_ERROR';
}
export class DeadlockError extends OperationalError {
  override readonly code: string = 'DEADLOCK';
}
export class SerializationError extends OperationalError {
  override readonly code: string = 'SERIALIZATION_FAILURE';
}
export class LockTimeoutError extends OperationalError {
  override readonly code: string = 'LOCK_TIMEOUT';
}
/** SQLite's SQLITE_BUSY / SQLITE_LOCKED: another connection holds the lock. */
export class DatabaseBusyError extends OperationalError {
  override readonly code: string = 'DATABASE_BUSY';
}
export class ProgrammingError extends DatabaseError {
  override readonly code: string = 'PROGRAMMING_ERROR';
}
export class DataError extends DatabaseError {
  override readonly code: string = 'DATA_ERROR';
}

// ---- Engine errors ----

export class ConfigurationError extends AthanorError {
  override readonly code: string = 'CONFIGURATION_ERROR';
}
export class PoolTimeoutError extends AthanorError {
  override readonly code: string = 'POOL_TIMEOUT';
}
export class PoolClosedError extends AthanorError {
  override readonly code: string = 'POOL_CLOSED';
}
/** The connection died after COMMIT was sent: the transaction may or may not have committed. */
export class CommitOutcomeUnknownError extends OperationalError {
  override readonly code: string = 'COMMIT_OUTCOME_UNKNOWN';
}
/** A statement was issued on a transaction that failed and has not been rolled back yet. */
export class TransactionStateError extends AthanorError {
  override readonly code: string = 'TRANSACTION_STATE';
}

// ---- ORM errors ----

export class MappingError extends AthanorError {
  override readonly code: string = 'MAPPING_ERROR';
}
export class NotFoundError extends AthanorError {
  override readonly code: string = 'NOT_FOUND';
}
export class StaleDataError extends AthanorError {
  override readonly code: string = 'STALE_DATA';
}
export class NotLoadedError extends AthanorError {
  override readonly code: string = 'NOT_LOADED';
}
/** A construct the dialect cannot express (FULL JOIN on MySQL, UPDATE … RETURNING on MariaDB…). */
export class UnsupportedError extends AthanorError {
  override readonly code: string = 'UNSUPPORTED';
}
/** Bad input to a public API (an undefined filter value, an unknown column…). */
export class InvalidArgumentError extends AthanorError {
  override readonly code: string = 'INVALID_ARGUMENT';
}
