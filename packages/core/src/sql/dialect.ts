import type { TypeCodecs } from './types/sql-type';

/**
 * Facts about a dialect that Core and the ORM ask for, instead of testing a dialect's name.
 * Everything a caller may need to choose a strategy lives here.
 */
export interface DialectAdapter {
  /** Display name: 'sqlite' | 'postgres' | 'mysql'. Never branch on it; add a capability instead. */
  readonly name: string;
  /** INSERT/UPDATE/DELETE … RETURNING, all three. */
  readonly supportsReturning: boolean;
  /**
   * RETURNING per statement, for dialects that have it on some statements only (MariaDB 10.5+:
   * INSERT and DELETE, not UPDATE). `supportsReturning` is true only when all three are.
   */
  readonly supportsInsertReturning: boolean;
  readonly supportsUpdateReturning: boolean;
  readonly supportsDeleteReturning: boolean;
  /** Most bound parameters one statement may carry. */
  readonly maxParameters: number;
  /** CREATE/DROP run inside a transaction and roll back with it. */
  readonly transactionalDdl: boolean;
  readonly supportsFullJoin: boolean;
  readonly supportsRightJoin: boolean;
  /** ORDER BY … NULLS FIRST/LAST natively (otherwise emulated). */
  readonly supportsNullsOrdering: boolean;
  /** ILIKE natively (otherwise emulated with LOWER(…) LIKE LOWER(…)). */
  readonly supportsIlike: boolean;
  /** SELECT … FOR UPDATE / FOR SHARE (SQLite locks the whole database instead). */
  readonly supportsRowLocks: boolean;
  /** Schemas (namespaces) within one database. */
  readonly supportsSchemas: boolean;
  readonly supportsIntersectExcept: boolean;
  /** Multi-row VALUES lists in INSERT. */
  readonly supportsMultiRowInsert: boolean;
  /**
   * ALTER TABLE can add and drop foreign keys. Without it (SQLite), tables whose foreign keys
   * form a cycle are created with all their keys inline, which such a database accepts.
   */
  readonly supportsAlterForeignKeys: boolean;
  /** Statements run in-process (an embedded database): a statement costs no round trip. */
  readonly inProcess: boolean;
  /** Array-valued parameters (`unnest(CAST(? AS text[]))`) for bulk writes. */
  readonly supportsArrayParameters: boolean;
  /** Row-value comparisons: `(a, b) IN ((?, ?), …)`. */
  readonly supportsRowValues: boolean;
  /** Which row's generated key the driver reports as the last insert id after a multi-row INSERT. */
  readonly multiRowInsertId: 'first' | 'last';
  /** Transaction isolation levels the dialect accepts. */
  readonly isolationLevels: readonly IsolationLevel[];
}

export type IsolationLevel = 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable';

/** A compiled statement: SQL text and the driver values of its parameters, in order. */
export interface CompiledQuery {
  readonly sql: string;
  readonly params: readonly unknown[];
  /**
   * The result columns the statement yields (SELECT list or RETURNING), in order, with the
   * decoder for each. Absent for raw SQL, whose rows are returned as the driver gives them.
   */
  readonly columns?: readonly ResultColumn[];
  /**
   * True for a statement that only reads (a SELECT without row locks), so a read replica may
   * serve it. Absent means "may write": raw SQL is never guessed from its text.
   */
  readonly readOnly?: boolean;
}

export interface ResultColumn {
  /** The property name the value lands under in a result row. */
  readonly key: string;
  /** Converts the driver value; absent when the value passes through unchanged. */
  readonly decode?: (value: unknown) => unknown;
}

/** The SQL side of a dialect: what Core needs to compile statements and DDL. */
export interface SqlDialect {
  readonly adapter: DialectAdapter;
  readonly codecs: TypeCodecs;
  /** Compile any statement node (select, insert, update, delete, raw, DDL). */
  compile(node: unknown): CompiledQuery;
  /** Quote an identifier (a name, not a dotted path). */
  quoteIdentifier(name: string): string;
}

/** Anything that can be compiled and executed: statement builders and `sql` templates. */
export interface Compilable<R = unknown> {
  compile(dialect: SqlDialect): CompiledQuery;
  /** Phantom: the row type the statement yields. Never set at run time. */
  readonly __row?: R;
}
