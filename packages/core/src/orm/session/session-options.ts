import { AthanorError, TransactionStateError } from '../../errors/errors';
import type { TransactionOptions } from '../../engine/queryable';
import type { ColumnKeys } from '../../sql/schema/entity-table';
import type { IdentityMapOptions } from '../identity/identity-map';

export interface SessionOptions {
  /**
   * Reads only: any statement that may write (and any flush) raises `ReadOnlySessionError`;
   * the scoped form also opens its transaction READ ONLY where the database has that.
   */
  readonly readOnly?: boolean;
  /** Rows per batch for `stream()` unless the call says otherwise (default 500). */
  readonly streamBatchSize?: number;
  /** How the identity map holds unchanged objects (see IdentityMap). */
  readonly identityMap?: IdentityMapOptions;
  /**
   * Flush pending changes before a query, `get` or `execute` that reads the database, so it
   * sees them (default true). Per call: `find(User, { autoflush: false })`,
   * `query(User, { autoflush: false })`, `execute(stmt, { autoflush: false })`.
   */
  readonly autoflush?: boolean;
  /**
   * Mark every object expired at commit, so the next load of its row overwrites it (default
   * false). Off by default because a property read cannot reload in an async language: objects
   * keep the values they had after a commit (SQLAlchemy's default, expiring them, is the
   * source of its most common error, DetachedInstanceError on a read after commit). Reload on
   * demand with `session.refresh(obj)`.
   */
  readonly expireOnCommit?: boolean;
}

/** A per-call override of the session's `autoflush`. */
export interface AutoflushOption {
  readonly autoflush?: boolean;
}

/** `engine.session(fn, options)`: the session's options plus its transaction's (isolation, retry). */
export interface ScopedSessionOptions extends SessionOptions, Omit<TransactionOptions, 'readOnly'> {}

/**
 * A primary-key value for `get`: the value for a single key, or an object of the key
 * properties (`{ tenantId, id }`) for any key.
 */
export type PrimaryKeyInput<E> = string | number | bigint | Date | Uint8Array | { readonly [K in ColumnKeys<E>]?: E[K] };

/** A write (or flush) in a read-only session. */
export class ReadOnlySessionError extends AthanorError {
  override readonly code: string = 'READ_ONLY_SESSION';
}

/**
 * A flush failed and its transaction was rolled back: the session refuses work until
 * `rollback()` (the error names the failure and is its `cause`).
 */
export class SessionFailedError extends TransactionStateError {
  override readonly code: string = 'SESSION_FAILED';
}

/** A closed session was used. */
export class SessionClosedError extends AthanorError {
  override readonly code: string = 'SESSION_CLOSED';
}
