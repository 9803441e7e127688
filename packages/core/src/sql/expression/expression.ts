import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { BinaryOperator, ExprNode, OrderItemNode, QueryNode } from '../ast';
import type { SqlType } from '../types/sql-type';

/** Anything that is, or can become, a SELECT query node (select builders, compound queries). */
export interface QueryLike<R = unknown> {
  readonly queryNode: QueryNode;
  readonly __row?: R;
}

export type AnyExpression<T> = Expression<T> | Expression<T | null>;
/** The right-hand side of a comparison: a value of the column's type or an expression of it. */
export type Operand<T> = NonNullable<T> | AnyExpression<NonNullable<T>>;

const FROZEN_EMPTY: readonly never[] = Object.freeze([]);

/**
 * A typed SQL expression. `T` is the TypeScript type of its value; `type` the SQL type used to
 * encode bound values compared with it and to decode it when selected.
 */
export class Expression<T> {
  declare readonly __value?: T;

  constructor(
    readonly node: ExprNode,
    readonly type?: SqlType,
  ) {}

  eq(value: Operand<T>): Expression<boolean> {
    return this.compare('=', value, 'eq');
  }
  ne(value: Operand<T>): Expression<boolean> {
    return this.compare('<>', value, 'ne');
  }
  gt(value: Operand<T>): Expression<boolean> {
    return this.compare('>', value, 'gt');
  }
  gte(value: Operand<T>): Expression<boolean> {
    return this.compare('>=', value, 'gte');
  }
  lt(value: Operand<T>): Expression<boolean> {
    return this.compare('<', value, 'lt');
  }
  lte(value: Operand<T>): Expression<boolean> {
    return this.compare('<=', value, 'lte');
  }
  like(pattern: Operand<string>): Expression<boolean> {
    return this.compare('LIKE', pattern, 'like');
  }
  notLike(pattern: Operand<string>): Expression<boolean> {
    return this.compare('NOT LIKE', pattern, 'notLike');
  }
  /** Case-insensitive LIKE; emulated with LOWER() where the database has no ILIKE. */
  ilike(pattern: Operand<string>): Expression<boolean> {
    return this.compare('ILIKE', pattern, 'ilike');
  }
  notIlike(pattern: Operand<string>): Expression<boolean> {
    return this.compare('NOT ILIKE', pattern, 'notIlike');
  }

  in(values: readonly Operand<T>[] | QueryLike<unknown>): Expression<boolean> {
    return this.inNode(values, false);
  }
  notIn(values: readonly Operand<T>[] | QueryLike<unknown>): Expression<boolean> {
    return this.inNode(values, true);
  }
  between(low: Operand<T>, high: Operand<T>): Expression<boolean> {
    return booleanExpr({ kind: 'between', expr: this.node, low: this.operand(low, 'between'), high: this.operand(high, 'between'), negated: false });
  }
  notBetween(low: Operand<T>, high: Operand<T>): Expression<boolean> {
    return booleanExpr({ kind: 'between', expr: this.node, low: this.operand(low, 'notBetween'), high: this.operand(high, 'notBetween'), negated: true });
  }
  isNull(): Expression<boolean> {
    return booleanExpr({ kind: 'isNull', expr: this.node, negated: false });
  }
  isNotNull(): Expression<boolean> {
    return booleanExpr({ kind: 'isNull', expr: this.node, negated: true });
  }

  add(value: Operand<T>): Expression<T> {
    return this.arithmetic('+', value, 'add');
  }
  sub(value: Operand<T>): Expression<T> {
    return this.arithmetic('-', value, 'sub');
  }
  mul(value: Operand<T>): Expression<T> {
    return this.arithmetic('*', value, 'mul');
  }
  div(value: Operand<T>): Expression<T> {
    return this.arithmetic('/', value, 'div');
  }
  mod(value: Operand<T>): Expression<T> {
    return this.arithmetic('%', value, 'mod');
  }
  /** String concatenation (`||`, CONCAT() on MySQL). */
  concat(value: Operand<string>): Expression<string> {
    return new Expression<string>(node({ kind: 'binary', op: '||', left: this.node, right: this.operand(value as Operand<T>, 'concat') }), { kind: 'text' });
  }

  asc(): OrderBy {
    return new OrderBy(this.node, 'ASC');
  }
  desc(): OrderBy {
    return new OrderBy(this.node, 'DESC');
  }

  /** Wrap a value as a bound parameter typed like this expression. */
  protected operand(value: unknown, method: string): ExprNode {
    return toOperandNode(value, this.type, method);
  }

  private compare(op: BinaryOperator, value: unknown, method: string): Expression<boolean> {
    return booleanExpr({ kind: 'binary', op, left: this.node, right: this.operand(value, method) });
  }

  private arithmetic(op: BinaryOperator, value: unknown, method: string): Expression<T> {
    return new Expression<T>(node({ kind: 'binary', op, left: this.node, right: this.operand(value, method) }), this.type);
  }

  private inNode(values: readonly unknown[] | QueryLike<unknown>, negated: boolean): Expression<boolean> {
    const method = negated ? 'notIn' : 'in';
    if (isQueryLike(values)) return booleanExpr({ kind: 'in', expr: this.node, values: values.queryNode, negated });
    if (!Array.isArray(values)) {
      throw new InvalidArgumentError(`${method}() takes an array of values or a subquery; got ${describe(values)}.`);
    }
    const nodes = values.length === 0 ? FROZEN_EMPTY : Object.freeze(values.map((v) => this.operand(v, method)));
    return booleanExpr({ kind: 'in', expr: this.node, values: nodes, negated });
  }
}

/** An ORDER BY item; `nullsFirst()`/`nullsLast()` are emulated where the database lacks them. */
export class OrderBy {
  constructor(
    private readonly expr: ExprNode,
    private readonly direction: 'ASC' | 'DESC',
    private readonly nulls?: 'FIRST' | 'LAST',
  ) {}
  nullsFirst(): OrderBy {
    return new OrderBy(this.expr, this.direction, 'FIRST');
  }
  nullsLast(): OrderBy {
    return new OrderBy(this.expr, this.direction, 'LAST');
  }
  get node(): OrderItemNode {
    return node({ kind: 'orderItem', expr: this.expr, direction: this.direction, nulls: this.nulls });
  }
}

export function booleanExpr(n: ExprNode): Expression<boolean> {
  return new Expression<boolean>(node(n), BOOLEAN);
}

export const BOOLEAN: SqlType<boolean> = Object.freeze({ kind: 'boolean' });

export function isExpression(value: unknown): value is Expression<unknown> {
  return value instanceof Expression;
}

export function isQueryLike(value: unknown): value is QueryLike<unknown> {
  return typeof value === 'object' && value !== null && 'queryNode' in value;
}

/**
 * Turn an operand into a node: expressions pass through, values become bound parameters.
 * `undefined` and `null` are refused: an undefined filter must never silently match rows, and
 * NULL comparisons need IS NULL.
 */
export function toOperandNode(value: unknown, type: SqlType | undefined, method: string): ExprNode {
  if (value instanceof Expression) return value.node;
  if (value === undefined) {
    throw new InvalidArgumentError(`${method}() got undefined. Pass a value, or leave the condition out.`);
  }
  if (value === null) {
    throw new InvalidArgumentError(`${method}() got null: comparisons with NULL are never true. Use isNull() or isNotNull().`);
  }
  if (isQueryLike(value)) return node({ kind: 'scalarSubquery', query: value.queryNode });
  return param(value, type);
}

/** A bound parameter: the only way a value reaches SQL. */
export function param(value: unknown, type?: SqlType): ExprNode {
  return node({ kind: 'param', value, type });
}

/** Wrap a value (or pass an expression through) for places that accept either. */
export function toExpression<T>(value: T | Expression<T>, type?: SqlType): Expression<T> {
  if (value instanceof Expression) return value;
  const t = type ?? inferValueType(value);
  return new Expression<T>(param(value, t), t);
}

/** The SQL type of a plain JavaScript value, so it decodes and casts like a column of that type. */
export function inferValueType(v: unknown): SqlType | undefined {
  switch (typeof v) {
    case 'number':
      return { kind: Number.isInteger(v) ? 'integer' : 'double' };
    case 'string':
      return { kind: 'text' };
    case 'boolean':
      return { kind: 'boolean' };
    case 'bigint':
      return { kind: 'bigint' };
    default:
      return v instanceof Date ? { kind: 'timestamptz' } : undefined;
  }
}

export function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? (value.constructor?.name ?? 'an object') : typeof value;
}
