import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { ExprNode, FuncNode } from '../ast';
import type { SqlType } from '../types/sql-type';
import { Expression, isExpression, OrderBy, param } from './expression';
import type { AnyExpression } from './expression';

const INTEGER: SqlType<number> = Object.freeze({ kind: 'integer' });
const DOUBLE: SqlType<number> = Object.freeze({ kind: 'double' });
const TEXT: SqlType<string> = Object.freeze({ kind: 'text' });
const TIMESTAMPTZ: SqlType<Date> = Object.freeze({ kind: 'timestamptz' });

const FUNCTION_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export interface WindowSpec {
  readonly partitionBy?: readonly AnyExpression<unknown>[];
  readonly orderBy?: readonly (OrderBy | AnyExpression<unknown>)[];
}

/** A function call; `over()` turns it into a window function. */
export class FunctionExpression<T> extends Expression<T> {
  over(spec: WindowSpec = {}): Expression<T> {
    const partitionBy = (spec.partitionBy ?? []).map((e) => e.node);
    const orderBy = (spec.orderBy ?? []).map((o) => (o instanceof OrderBy ? o.node : o.asc().node));
    return new Expression<T>(node({ kind: 'window', func: this.node, partitionBy, orderBy }), this.type);
  }
}

function argNode(arg: unknown): ExprNode {
  return isExpression(arg) ? arg.node : param(arg);
}

function call<T>(name: string, args: readonly unknown[], type?: SqlType, distinct = false): FunctionExpression<T> {
  if (!FUNCTION_NAME.test(name)) {
    throw new InvalidArgumentError(`func.${name}: a function name must be a plain identifier (letters, digits, _).`);
  }
  const n: FuncNode = node({ kind: 'func', name, args: Object.freeze(args.map(argNode)), distinct });
  return new FunctionExpression<T>(n, type);
}

interface KnownFunctions {
  /** COUNT(*) without an argument. */
  count(expr?: AnyExpression<unknown>): FunctionExpression<number>;
  countDistinct(expr: AnyExpression<unknown>): FunctionExpression<number>;
  sum<T extends number | string | bigint | null>(expr: Expression<T>): FunctionExpression<T | null>;
  avg(expr: AnyExpression<number | string | bigint>): FunctionExpression<number | null>;
  min<T>(expr: Expression<T>): FunctionExpression<T | null>;
  max<T>(expr: Expression<T>): FunctionExpression<T | null>;
  coalesce<T>(expr: Expression<T>, ...rest: (Expression<T> | Expression<T | null> | NonNullable<T>)[]): FunctionExpression<NonNullable<T>>;
  lower(expr: AnyExpression<string>): FunctionExpression<string>;
  upper(expr: AnyExpression<string>): FunctionExpression<string>;
  length(expr: AnyExpression<string>): FunctionExpression<number>;
  abs<T extends number | null>(expr: Expression<T>): FunctionExpression<T>;
  round(expr: AnyExpression<number>, digits?: number): FunctionExpression<number>;
  now(): FunctionExpression<Date>;
  rowNumber(): FunctionExpression<number>;
  rank(): FunctionExpression<number>;
  denseRank(): FunctionExpression<number>;
}

/** Any other SQL function by name: `func.jsonb_build_object(a, b)`. The name must be an identifier. */
type AnyFunctions = { [name: string]: (...args: any[]) => FunctionExpression<unknown> };

const known: KnownFunctions = {
  count: (expr) => (expr ? call('count', [expr], INTEGER) : new FunctionExpression<number>(node({ kind: 'func', name: 'count', args: [node({ kind: 'star' })] }), INTEGER)),
  countDistinct: (expr) => call('count', [expr], INTEGER, true),
  sum: (expr) => call('sum', [expr], expr.type),
  avg: (expr) => call('avg', [expr], DOUBLE),
  min: (expr) => call('min', [expr], expr.type),
  max: (expr) => call('max', [expr], expr.type),
  coalesce: (expr, ...rest) => call('coalesce', [expr, ...rest], expr.type),
  lower: (expr) => call('lower', [expr], TEXT),
  upper: (expr) => call('upper', [expr], TEXT),
  length: (expr) => call('length', [expr], INTEGER),
  abs: (expr) => call('abs', [expr], expr.type),
  round: (expr, digits) => call('round', digits === undefined ? [expr] : [expr, digits], DOUBLE),
  now: () => new FunctionExpression<Date>(node({ kind: 'raw', strings: ['CURRENT_TIMESTAMP'], values: [] }), TIMESTAMPTZ),
  rowNumber: () => call('row_number', [], INTEGER),
  rank: () => call('rank', [], INTEGER),
  denseRank: () => call('dense_rank', [], INTEGER),
};

/**
 * SQL functions. The common ones are typed; any other name is called as written with its
 * arguments bound (`func.anyName(...)`), and its result is untyped (`unknown`).
 */
export const func: KnownFunctions & AnyFunctions = new Proxy(known as KnownFunctions & AnyFunctions, {
  get(target, name) {
    if (typeof name !== 'string') return undefined;
    if (name in target) return target[name];
    return (...args: unknown[]) => call(name, args);
  },
});

/** Call a function whose result type you know: `callFunction<number>('char_length', [t.name], integer)`. */
export function callFunction<T>(name: string, args: readonly unknown[], type?: SqlType<T>): FunctionExpression<T> {
  return call<T>(name, args, type);
}
