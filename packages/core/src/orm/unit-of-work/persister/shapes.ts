import { keepExemplar } from '../../../runtime/exemplars';
import { node } from '../../../sql/ast';
import type { ExprNode, RawNode, ReturningNode } from '../../../sql/ast';
import type { CompiledQuery, ResultColumn, SqlDialect } from '../../../sql/dialect';
import { param } from '../../../sql/expression/expression';
import type { AnyColumn } from '../../../sql/schema/column';
import type { AnyTable } from '../../../sql/schema/table';
import type { SqlType } from '../../../sql/types/sql-type';
import { resultColumnsOf } from '../../hydration/result-columns';

/**
 * Statements the persister runs many times with different values, compiled once per shape
 * through Core's AST and the dialect's compiler: the SQL text is reused (the driver finds it
 * among its prepared statements) and each execution only places encoded values among the
 * parameters. Every value is a bound parameter; shapes carry no values at all.
 *
 * Parameters are compiled as untyped string markers (the compiler binds them unchanged), so
 * where each value lands is read off the compiled parameters, whatever order the dialect's
 * compiler writes them in; a value may appear several times.
 */

const MARK = '\u0000athanor:flush:';

function marker(i: number): ExprNode {
  return node({ kind: 'param', value: `${MARK}${i}` });
}

export class Shape {
  constructor(
    readonly sql: string,
    readonly columns: readonly ResultColumn[] | undefined,
    /** For each parameter, the index of the value it takes. */
    private readonly slots: Int32Array,
  ) {}

  get width(): number {
    return this.slots.length;
  }

  /** The statement with these (encoded) values. */
  bind(values: readonly unknown[]): CompiledQuery {
    const slots = this.slots;
    const params = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) params[i] = values[slots[i]!];
    return this.columns === undefined ? { sql: this.sql, params } : { sql: this.sql, params, columns: this.columns };
  }
}

function build(dialect: SqlDialect, root: unknown, values: number, returning: readonly AnyColumn[] | undefined): Shape {
  const compiled = dialect.compile(root);
  const slots = new Int32Array(compiled.params.length);
  compiled.params.forEach((p, i) => {
    const slot = typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1;
    if (slot < 0 || slot >= values) throw new Error(`flush statement shape: unexpected parameter ${i + 1} in ${compiled.sql.slice(0, 200)}`);
    slots[i] = slot;
  });
  // Every value has its parameter (a value may have several: a key in each CASE and the WHERE).
  const used = new Uint8Array(values);
  for (const slot of slots) used[slot] = 1;
  if (used.includes(0)) throw new Error(`flush statement shape: a value has no parameter in ${compiled.sql.slice(0, 200)}`);
  return new Shape(compiled.sql, returning && returning.length > 0 ? resultColumnsOf(returning, dialect) : undefined, slots);
}

const MAX_SHAPES = 512;
const shapes = new WeakMap<SqlDialect, Map<string, Shape>>();

function cachedShape(dialect: SqlDialect, key: string, make: () => Shape): Shape {
  let byKey = shapes.get(dialect);
  if (byKey === undefined) shapes.set(dialect, (byKey = new Map()));
  let shape = byKey.get(key);
  if (shape === undefined) {
    shape = make();
    if (byKey.size >= MAX_SHAPES) byKey.clear();
    byKey.set(key, shape);
  }
  return shape;
}

/**
 * A shape of any statement: `make` builds its node with `marker(i)` where value i goes;
 * `cacheKey` must tell apart everything the node depends on.
 */
export function shapeOf(
  dialect: SqlDialect,
  cacheKey: string,
  values: number,
  make: (marker: (i: number) => ExprNode) => unknown,
  returning?: readonly AnyColumn[],
): Shape {
  return cachedShape(dialect, `x\u0000${cacheKey}`, () => build(dialect, make(marker), values, returning));
}

export function tableKey(table: AnyTable): string {
  return `${table.$schema ?? ''}.${table.$name}`;
}

/** RETURNING the given columns, keyed and decoded like a select of them. */
export function returningOf(columns: readonly AnyColumn[]): ReturningNode | undefined {
  if (columns.length === 0) return undefined;
  return node({ items: Object.freeze(columns.map((c) => node({ expr: c.node, alias: c.key, type: c.type }))) });
}

/** `INSERT INTO t (columns) VALUES (…), … [RETURNING …]` for `rows` rows; values row by row. */
export function insertShape(dialect: SqlDialect, table: AnyTable, columns: readonly AnyColumn[], rows: number, returning: readonly AnyColumn[]): Shape {
  const key = `i\u0000${tableKey(table)}\u0000${columns.map((c) => c.key).join(',')}\u0000${rows}\u0000${returning.map((c) => c.key).join(',')}`;
  return cachedShape(dialect, key, () => {
    const width = columns.length;
    const values = Array.from({ length: rows }, (_, r) => Object.freeze(columns.map((_c, i) => marker(r * width + i))));
    const root = node({ kind: 'insert', table: table.$ref(), columns: columns.map((c) => c.name), values, returning: returningOf(returning) });
    return build(dialect, root, rows * width, returning);
  });
}

/**
 * `UPDATE t SET a = ?, … WHERE k = ? [AND version = ?]` for one row; values: the set values,
 * then the key values, then the expected version.
 */
export function updateRowShape(dialect: SqlDialect, table: AnyTable, set: readonly AnyColumn[], key: readonly AnyColumn[], version: AnyColumn | undefined): Shape {
  const cacheKey = `u\u0000${tableKey(table)}\u0000${set.map((c) => c.key).join(',')}\u0000${key.map((c) => c.key).join(',')}\u0000${version?.key ?? ''}`;
  return cachedShape(dialect, cacheKey, () => {
    let n = 0;
    const pairs = set.map((c) => Object.freeze([c.name, marker(n++)] as const));
    const conditions: ExprNode[] = [...key, ...(version ? [version] : [])].map((c) => node({ kind: 'binary', op: '=', left: c.node, right: marker(n++) }));
    const where = conditions.length === 1 ? conditions[0]! : node({ kind: 'logical', op: 'AND', items: Object.freeze(conditions) });
    return build(dialect, node({ kind: 'update', table: table.$ref(), set: Object.freeze(pairs), where }), n, undefined);
  });
}

// ---- Raw SQL through the `sql` template's node: fixed text between nodes, values bound ----

/** A raw node from fixed SQL text and nodes: `raw(['(', ', ', ')'], [a, b])`. */
export function raw(strings: readonly string[], values: readonly ExprNode[]): RawNode {
  return node({ kind: 'raw', strings: Object.freeze([...strings]), values: Object.freeze([...values]) });
}

/** A quoted (possibly qualified) identifier. */
export function ident(...parts: string[]): ExprNode {
  return node({ kind: 'identifier', parts: Object.freeze(parts) });
}

/** A bound parameter of a column's type (the compiler encodes it). */
export function typed(value: unknown, type: SqlType): ExprNode {
  return param(value, type);
}

/** CAST(expr AS the dialect's name for type). */
export function castTo(expr: ExprNode, type: SqlType): ExprNode {
  return node({ kind: 'cast', expr, type });
}

/** `(a, b)` of column nodes or values: a row value. */
export function rowValue(items: readonly ExprNode[]): ExprNode {
  return items.length === 1 ? items[0]! : raw(['(', ...items.slice(1).map(() => ', '), ')'], items);
}

/** `left = right`. */
export function eq(left: ExprNode, right: ExprNode): ExprNode {
  return node({ kind: 'binary', op: '=', left, right });
}

/** AND / OR of conditions (one condition as itself). */
export function logical(op: 'AND' | 'OR', items: readonly ExprNode[]): ExprNode {
  return items.length === 1 ? items[0]! : node({ kind: 'logical', op, items: Object.freeze([...items]) });
}

// See runtime/exemplars.ts: the statements a flush binds die with it; these keep their classes.
keepExemplar(new Shape('', undefined, new Int32Array(0)).bind([]));
keepExemplar(new Shape('', [], new Int32Array(0)).bind([]));
