import type { DialectAdapter } from '../../../sql/dialect';

/**
 * How the persister writes on a dialect, chosen from the adapter's capabilities (never its
 * name) and from measurements (raw driver, this machine; see bench/flush-bench.ts for the
 * ORM side). Inserts: 10k users + 50k posts, keys read back. Updates: 10k rows, one column.
 *
 * In-process database (SQLite):
 * - insert `values` without RETURNING, 100 rows a statement, keys from `last_insert_rowid()`
 *   (`last-id`: the last row's key, the others consecutive before it): 80 ms; 89 ms at 50
 *   rows, 95 ms at 500; a reused prepared single-row INSERT 139 ms (and 60,000 trips through
 *   the engine instead of 600); single-row … RETURNING 273 ms; multi-row … RETURNING 176 ms.
 * - update `values`: `UPDATE t SET a = _v.column2 FROM (VALUES (?, ?), …) AS _v WHERE
 *   t.id = _v.column1`, 100 rows a statement: 13.4 ms with a version check and RETURNING,
 *   vs 13.9 ms for a reused prepared single-row UPDATE (10,000 trips instead of 100).
 *
 * Array parameters (PostgreSQL):
 * - insert `arrays`: `INSERT … SELECT CAST(v.c AS type) … FROM unnest(CAST($1 AS text[]), …)
 *   WITH ORDINALITY … ORDER BY … RETURNING id`: 644 ms; multi-row VALUES chunked at 65,535
 *   parameters 909 ms. (Text arrays plus casts cost the same as typed arrays: 641 vs 652 ms.)
 * - update `arrays`: `UPDATE t SET c = CAST(v.c …) FROM unnest(…) AS v(…) WHERE …`: 42 ms;
 *   `FROM (VALUES …)` 54 ms; CASE 4.8 s (its cost grows with rows × branches).
 *
 * Otherwise (MySQL, MariaDB):
 * - insert `values` with RETURNING where the database has it (else LAST_INSERT_ID(): the
 *   first row's key, `first-id`), 2,000 rows a statement: 405 ms; 450 ms at 500; 525 ms at
 *   the parameter limit (21,845 rows).
 * - update `case`: `SET c = CASE id WHEN ? THEN ? … END WHERE id IN (…)`, 200 rows a
 *   statement: 64 ms at 100, 71 ms at 1,000, 278 ms at 5,000; row by row 1,163 ms.
 *
 * The choice reads only adapter facts (`inProcess`, `supportsArrayParameters`,
 * `multiRowInsertId`, returning support), never the dialect's name.
 */
export interface WritePlan {
  readonly insert: 'row' | 'values' | 'arrays';
  /** Most rows in one multi-row INSERT (the parameter limit applies too). */
  readonly insertRows: number;
  /**
   * Where generated keys come from when nothing else is read back: RETURNING, or the driver's
   * last insert id, which after a multi-row INSERT is the first row's key (MySQL) or the last
   * row's (SQLite), the others consecutive.
   */
  readonly insertKeys: 'returning' | 'first-id' | 'last-id';
  /** Server defaults (and keys, when `insertKeys` is 'returning') with INSERT … RETURNING. */
  readonly insertReturning: boolean;
  readonly update: 'row' | 'values' | 'case' | 'arrays';
  /** Most rows in one `values` or `case` UPDATE. */
  readonly updateRows: number;
  /** Tell stale rows apart with UPDATE/DELETE … RETURNING of their keys. */
  readonly updateReturning: boolean;
  readonly deleteReturning: boolean;
  /** `(a, b) IN ((?, ?), …)`; otherwise OR of ANDs. */
  readonly rowValues: boolean;
  readonly maxParameters: number;
  /** Rows per array-parameter statement. */
  readonly arrayRows: number;
}

/** Write-path capabilities a dialect's adapter may declare (optional: inferred when absent). */
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
  const inProcess = adapter.inProcess;
  const arrays = adapter.supportsArrayParameters;
  const lastId = adapter.multiRowInsertId === 'last' ? 'last-id' : 'first-id';
  const multiRow = adapter.supportsMultiRowInsert;
  return {
    insert: arrays ? 'arrays' : multiRow ? 'values' : 'row',
    insertRows: inProcess ? 100 : 2_000,
    // Round trips make RETURNING cheap next to a second statement; in-process, reading rows back costs more than the arithmetic.
    insertKeys: adapter.supportsInsertReturning && !inProcess ? 'returning' : lastId,
    insertReturning: adapter.supportsInsertReturning,
    update: arrays ? 'arrays' : inProcess ? 'values' : 'case',
    updateRows: inProcess ? 100 : 200,
    updateReturning: adapter.supportsUpdateReturning,
    deleteReturning: adapter.supportsDeleteReturning,
    rowValues: adapter.supportsRowValues,
    maxParameters: adapter.maxParameters,
    arrayRows: 50_000,
  };
}

/** A plan with some choices replaced (tests and measurements compare strategies on one database). */
export function withPlan(adapter: DialectAdapter, patch: Partial<WritePlan>): WritePlan {
  return Object.freeze({ ...writePlanOf(adapter), ...patch });
}
