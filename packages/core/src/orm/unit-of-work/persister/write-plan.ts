import type { DialectAdapter } from '../../../sql/dialect';

/**
 * How the persister writes on a dialect, chosen from the adapter's capabilities (never its
 * name) and from measurements (packages/core/test/orm/unit-of-work/bench/flush-bench.ts):
 *
 * | strategy | when | measured, raw driver (10k users + 50k posts; 10k updates) |
 * | --- | --- | --- |
 * | insert `row`: one prepared single-row INSERT reused per row, keys from lastInsertId | in-process database (no round trip) | SQLite: 139 ms, vs 176–187 ms multi-row and 273 ms single-row … RETURNING |
 * | insert `arrays`: `INSERT … SELECT CAST(v.c AS type) … FROM unnest(CAST($1 AS text[]), …) WITH ORDINALITY … ORDER BY` | array parameters | PostgreSQL: 644 ms, vs 909 ms multi-row VALUES chunked at 65535 parameters (text[] plus casts costs the same as typed arrays: 641 vs 652 ms) |
 * | insert `values`: multi-row VALUES, chunked under `maxParameters` | otherwise, with multi-row insert | MariaDB |
 * | update `arrays`: `UPDATE t SET c = CAST(v.c …) FROM unnest(…) AS v(…) WHERE t.id = CAST(v.id …)` | array parameters | PostgreSQL: 42 ms, vs 54 ms `FROM (VALUES …)`, 4.8 s `CASE` (quadratic) |
 * | update `row`: one prepared single-row UPDATE reused per row | in-process database | SQLite: 15 ms |
 * | update `case`: `SET c = CASE id WHEN ? THEN ? … END WHERE id IN (…)`, `caseRows` rows a statement | otherwise | MariaDB: 64 ms at 100 rows, 71 ms at 1000, 278 ms at 5000; row by row 1163 ms |
 *
 * The adapter has no flags for "in-process" or "array parameters" yet. A dialect may declare
 * them on its adapter (`inProcess`, `supportsArrayParameters`, `supportsRowValues`); until the
 * dialect packages do, they are inferred from capabilities the adapter declares (see below).
 */
export interface WritePlan {
  readonly insert: 'row' | 'values' | 'arrays';
  readonly update: 'row' | 'case' | 'arrays';
  /** Read generated keys and server defaults with INSERT … RETURNING. */
  readonly insertReturning: boolean;
  /** Tell stale rows apart with UPDATE/DELETE … RETURNING of their keys. */
  readonly updateReturning: boolean;
  readonly deleteReturning: boolean;
  /** `(a, b) IN ((?, ?), …)`; otherwise OR of ANDs. */
  readonly rowValues: boolean;
  readonly maxParameters: number;
  /** Rows per CASE update statement: its cost grows with rows × WHEN branches. */
  readonly caseRows: number;
  /** Rows per array-parameter statement. */
  readonly arrayRows: number;
}

/** Optional write-path capabilities a dialect's adapter may declare. */
export interface WriteCapabilities {
  /** Statements run in-process (an embedded database): a statement costs no round trip. */
  readonly inProcess?: boolean;
  /** `unnest(CAST(? AS text[]))` with array-valued parameters (PostgreSQL). */
  readonly supportsArrayParameters?: boolean;
  /** Row-value comparisons: `(a, b) IN ((?, ?), …)`. */
  readonly supportsRowValues?: boolean;
}

const CASE_ROWS = 200;
const ARRAY_ROWS = 50_000;

const plans = new WeakMap<DialectAdapter, WritePlan>();

/** The write plan for a dialect (computed once per adapter). */
export function writePlanOf(adapter: DialectAdapter): WritePlan {
  let plan = plans.get(adapter);
  if (plan === undefined) {
    plan = Object.freeze(planFor(adapter));
    plans.set(adapter, plan);
  }
  return plan;
}

function planFor(adapter: DialectAdapter): WritePlan {
  const declared = adapter as DialectAdapter & WriteCapabilities;
  // Interim inference, until the adapters declare these: an embedded database has no row
  // locks (it locks the whole database instead); of the client/server databases, the one
  // with UPDATE … RETURNING (PostgreSQL) also has array parameters. Both rules are stated
  // here once and nowhere else.
  const inProcess = declared.inProcess ?? !adapter.supportsRowLocks;
  const arrays = declared.supportsArrayParameters ?? (!inProcess && adapter.supportsUpdateReturning);
  return {
    insert: inProcess ? 'row' : arrays ? 'arrays' : adapter.supportsMultiRowInsert ? 'values' : 'row',
    update: arrays ? 'arrays' : inProcess ? 'row' : 'case',
    insertReturning: adapter.supportsInsertReturning,
    updateReturning: adapter.supportsUpdateReturning,
    deleteReturning: adapter.supportsDeleteReturning,
    rowValues: declared.supportsRowValues ?? true,
    maxParameters: adapter.maxParameters,
    caseRows: CASE_ROWS,
    arrayRows: ARRAY_ROWS,
  };
}

/** A plan with some choices replaced (tests and measurements compare strategies on one database). */
export function withPlan(adapter: DialectAdapter, patch: Partial<WritePlan>): WritePlan {
  return Object.freeze({ ...writePlanOf(adapter), ...patch });
}
