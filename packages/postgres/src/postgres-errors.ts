import {
  AthanorError,
  CheckViolationError,
  ConnectionError,
  DataError,
  DeadlockError,
  ForeignKeyViolationError,
  IntegrityError,
  LockTimeoutError,
  NotNullViolationError,
  OperationalError,
  ProgrammingError,
  SerializationError,
  UniqueViolationError,
} from '@athanor/core';
import type { ErrorClassification, StatementContext } from '@athanor/core';

type ErrorClass = new (message: string, context?: StatementContext) => AthanorError;

interface Rule {
  readonly type: ErrorClass;
  readonly transient?: boolean;
  readonly disconnect?: boolean;
}

/** By exact SQLSTATE. */
export const PG_SQLSTATE_RULES: Readonly<Record<string, Rule>> = {
  '23505': { type: UniqueViolationError },
  '23503': { type: ForeignKeyViolationError },
  '23502': { type: NotNullViolationError },
  '23514': { type: CheckViolationError },
  '40P01': { type: DeadlockError, transient: true },
  '40001': { type: SerializationError, transient: true },
  // lock_timeout or NOWAIT: the same situation as MySQL's lock wait timeout, retried the same way.
  '55P03': { type: LockTimeoutError, transient: true },
  // Server shutting down or starting: the session is gone, a new one may succeed.
  '57P01': { type: ConnectionError, disconnect: true, transient: true },
  '57P02': { type: ConnectionError, disconnect: true, transient: true },
  '57P03': { type: ConnectionError, disconnect: true, transient: true },
  // Feature not supported: the statement is wrong for this server.
  '0A000': { type: ProgrammingError },
};

/** By SQLSTATE class (first two characters), when no exact rule matched. */
export const PG_SQLSTATE_CLASS_RULES: Readonly<Record<string, Rule>> = {
  '08': { type: ConnectionError, disconnect: true, transient: true },
  '22': { type: DataError },
  '23': { type: IntegrityError },
  // Invalid authorization: refused for good, retrying will not help.
  '28': { type: ConnectionError, disconnect: true },
  '42': { type: ProgrammingError },
  // Cardinality (a scalar subquery with several rows), as psycopg classifies it.
  '21': { type: ProgrammingError },
  // Invalid transaction state: a write in a READ ONLY transaction (25006), a statement after
  // an error before ROLLBACK (25P02), SET TRANSACTION too late (25001).
  '25': { type: ProgrammingError },
  // Dependent objects still exist (DROP without CASCADE).
  '2B': { type: ProgrammingError },
  // 3D000 invalid catalog name, 3F000 invalid schema name.
  '3D': { type: ProgrammingError },
  '3F': { type: ProgrammingError },
};

/** Socket-level errors from Node (error.code) and pg's own connection messages. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);
const CONNECTION_MESSAGES =
  /Connection terminated|connection error and is not queryable|Client was closed and is not queryable|timeout expired|Connection ended unexpectedly|socket hang up/i;

const CONNECTION_RULE: Rule = { type: ConnectionError, disconnect: true, transient: true };
const FALLBACK: Rule = { type: OperationalError };

const SQLSTATE = /^[0-9A-Z]{5}$/;

function codeOf(error: unknown): string | undefined {
  const e = error as { code?: unknown; driverCode?: unknown } | null;
  const code = error instanceof AthanorError ? e?.driverCode : e?.code;
  return typeof code === 'string' ? code : undefined;
}

function messageOf(error: unknown): string {
  const e = error as { message?: unknown; errors?: unknown[] } | null;
  // Node's happy-eyeballs connect failure is an AggregateError with an empty message.
  if (e && !e.message && Array.isArray(e.errors) && e.errors.length > 0) return messageOf(e.errors[0]);
  return typeof e?.message === 'string' ? e.message : String(error);
}

function networkCode(error: unknown): string | undefined {
  const code = codeOf(error);
  if (code && NETWORK_CODES.has(code)) return code;
  const inner = (error as { errors?: unknown[] } | null)?.errors;
  return Array.isArray(inner) ? inner.map(networkCode).find((c) => c !== undefined) : undefined;
}

export function postgresErrorRule(error: unknown): Rule {
  // Socket codes first: 'EPIPE' would pass for a SQLSTATE.
  if (networkCode(error) !== undefined) return CONNECTION_RULE;
  const code = codeOf(error);
  if (code !== undefined && SQLSTATE.test(code)) {
    return PG_SQLSTATE_RULES[code] ?? PG_SQLSTATE_CLASS_RULES[code.slice(0, 2)] ?? FALLBACK;
  }
  if (CONNECTION_MESSAGES.test(messageOf(error))) return CONNECTION_RULE;
  return FALLBACK;
}

export function translatePostgresError(error: unknown, sql?: string, params?: readonly unknown[]): AthanorError {
  if (error instanceof AthanorError) return error;
  const rule = postgresErrorRule(error);
  const driverCode = codeOf(error) ?? networkCode(error);
  let message = messageOf(error);
  const detail = (error as { detail?: unknown } | null)?.detail;
  if (typeof detail === 'string' && detail !== '') message += ` (${detail})`;
  return new rule.type(message, { sql, params, driverCode, cause: error });
}

export function classifyPostgresError(error: unknown): ErrorClassification {
  const rule = error instanceof AthanorError && codeOf(error) === undefined ? ruleOfClass(error) : postgresErrorRule(error);
  return { disconnect: rule.disconnect ?? false, transient: rule.transient ?? false };
}

/** A translated error that kept no driver code (a connection failure recognised by message). */
function ruleOfClass(error: AthanorError): Rule {
  return error instanceof ConnectionError ? CONNECTION_RULE : postgresErrorRule(error.cause);
}
