import type { AthanorError } from '../errors/errors';
import type { IsolationLevel, SqlDialect } from '../sql/dialect';

/**
 * What a driver adapter (better-sqlite3, pg, mysql2) provides to the Engine. Rows come back
 * as arrays in select-list order: faster to hydrate than objects and immune to duplicate
 * column names in joins.
 */
export interface DriverResult {
  readonly rows: unknown[][];
  /** Column names as the database reported them, in order. */
  readonly columns: readonly string[];
  /** Rows changed by INSERT/UPDATE/DELETE (the driver's affected rows). */
  readonly rowCount: number;
  /** The generated key of a single-row INSERT where the database reports one (SQLite, MySQL). */
  readonly lastInsertId?: number | bigint;
}

/** Rows yielded by `DriverConnection.stream`, optionally tagged with their column names. */
export type DriverRowBatch = unknown[][] & { columns?: readonly string[] };

export interface DriverConnection {
  /** Unique per driver; used in events and logs. */
  readonly id: number;
  /**
   * The same as `execute`, answered synchronously, for drivers that work that way (SQLite):
   * the engine's fast paths then skip a promise layer per statement. `firstRowOnly`: the
   * caller needs no row past the first (a key read), so the driver may stop there.
   */
  executeSync?(sql: string, params: readonly unknown[], firstRowOnly?: boolean): DriverResult;
  execute(sql: string, params: readonly unknown[]): Promise<DriverResult>;
  /**
   * Yield result rows in batches without holding the whole result: a server-side cursor on
   * PostgreSQL and MySQL, statement iteration on SQLite. A batch should carry the column names
   * as a `columns` property (see DriverRowBatch): the engine needs them to key the rows of
   * statements compiled without `columns` (raw SQL).
   */
  stream(sql: string, params: readonly unknown[], batchSize: number): AsyncIterable<DriverRowBatch>;
  /** A cheap round trip proving the connection is alive; rejects when it is not. */
  ping(): Promise<void>;
  close(): Promise<void>;
  /**
   * Called when the connection dies on its own (killed backend, server restart), including
   * while idle in the pool. The adapter must keep an error listener attached at all times so
   * such an error never becomes an unhandled 'error' event that crashes the process.
   */
  onDead(listener: (error: unknown) => void): void;
}

/** Connection settings parsed from a URL plus engine options. */
export interface ConnectionConfig {
  readonly url: string;
  /** 'sqlite' | 'postgres' | 'mysql' */
  readonly scheme: string;
  readonly host?: string;
  readonly port?: number;
  readonly user?: string;
  readonly password?: string;
  /** Database name; for SQLite the file path or ':memory:'. */
  readonly database: string;
  /** Query-string options from the URL (e.g. ?ssl=true). */
  readonly options: Readonly<Record<string, string>>;
  readonly connectTimeoutMs?: number;
}

export interface BeginOptions {
  readonly isolation?: IsolationLevel;
  readonly readOnly?: boolean;
}

/** How the engine should treat a driver error. */
export interface ErrorClassification {
  /** The connection is unusable: invalidate it (and older pooled ones). */
  readonly disconnect: boolean;
  /** Re-running the whole transaction may succeed (deadlock, serialization, busy…). */
  readonly transient: boolean;
}

/** A complete dialect: SQL compilation plus the driver and its error semantics. */
export interface Dialect extends SqlDialect {
  readonly name: string;
  createDriver(config: ConnectionConfig): Driver;
  /** Translate a driver error into the core hierarchy, attaching the SQL and parameters. */
  translateError(error: unknown, sql?: string, params?: readonly unknown[]): AthanorError;
  classifyError(error: unknown): ErrorClassification;
  /** Statements that open a transaction with the given options (isolation may need a SET first). */
  beginStatements(options: BeginOptions): string[];
  /** Default pool settings for this dialect (SQLite serializes on one connection). */
  readonly defaultPoolSize: number;
  /**
   * Default `pool.maxOverflow` (absent: 10). SQLite wants 0: better-sqlite3's busy timeout
   * blocks the event loop, so a second writer connection would freeze the process while the
   * first one waits to commit, instead of queueing in the pool.
   */
  readonly defaultMaxOverflow?: number;
  /**
   * A failed statement inside a transaction aborts the whole transaction until ROLLBACK (or
   * ROLLBACK TO SAVEPOINT): true on PostgreSQL. The engine then refuses further statements
   * with TransactionStateError instead of letting a later COMMIT silently roll back.
   * Absent means false (SQLite, MySQL: only the failed statement is undone).
   */
  readonly abortsTransactionOnError?: boolean;
}

export interface Driver {
  connect(): Promise<DriverConnection>;
}
