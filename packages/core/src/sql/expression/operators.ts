import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { ExprNode } from '../ast';
import type { SqlType } from '../types/sql-type';
import { booleanExpr, describe, Expression, inferValueType, isExpression, OrderBy, toExpression, toOperandNode } from './expression';
import type { AnyExpression, QueryLike } from './expression';

type Condition = AnyExpression<boolean>;

function conditionNodes(method: string, conditions: readonly (Condition | undefined)[]): ExprNode[] {
  return conditions.map((c, i) => {
    if (!isExpression(c)) {
      throw new InvalidArgumentError(`${method}(): argument ${i + 1} is ${describe(c)}, not a condition expression.`);
    }
    return c.node;
  });
}

/** AND of the conditions; `and()` of nothing is TRUE. */
export function and(...conditions: Condition[]): Expression<boolean> {
  const items = conditionNodes('and', conditions);
  if (items.length === 1) return booleanExpr(items[0]!);
  return booleanExpr({ kind: 'logical', op: 'AND', items: Object.freeze(items) });
}

/** OR of the conditions; `or()` of nothing is FALSE. */
export function or(...conditions: Condition[]): Expression<boolean> {
  const items = conditionNodes('or', conditions);
  if (items.length === 1) return booleanExpr(items[0]!);
  return booleanExpr({ kind: 'logical', op: 'OR', items: Object.freeze(items) });
}

export function not(condition: Condition): Expression<boolean> {
  return booleanExpr({ kind: 'not', expr: conditionNodes('not', [condition])[0]! });
}

export function exists(query: QueryLike<unknown>): Expression<boolean> {
  return booleanExpr({ kind: 'exists', query: query.queryNode, negated: false });
}

export function notExists(query: QueryLike<unknown>): Expression<boolean> {
  return booleanExpr({ kind: 'exists', query: query.queryNode, negated: true });
}

export function asc(expr: AnyExpression<unknown>): OrderBy {
  return expr.asc();
}

export function desc(expr: AnyExpression<unknown>): OrderBy {
  return expr.desc();
}

/** CAST(expr AS type); the result is decoded as the target type. */
export function cast<T>(expr: AnyExpression<unknown>, type: SqlType<T>): Expression<T> {
  return new Expression<T>(node({ kind: 'cast', expr: expr.node, type }), type);
}

/** A typed literal value as a bound parameter, e.g. `value(5)` in a select list. */
export function value<T>(v: T, type?: SqlType<T>): Expression<T> {
  const t = type ?? inferValueType(v);
  return new Expression<T>(toOperandNode(v, t, 'value'), t);
}

/** Searched CASE: `caseWhen(cond, a).when(cond2, b).else(c)`. */
export function caseWhen<T>(condition: Condition, then: T | Expression<T>): CaseBuilder<T> {
  return new CaseBuilder<T>([]).when(condition, then);
}

export class CaseBuilder<T> extends Expression<T | null> {
  constructor(
    private readonly whens: readonly { readonly when: ExprNode; readonly then: ExprNode }[],
    private readonly elseNode?: ExprNode,
    type?: SqlType,
  ) {
    super(node({ kind: 'case', whens, else: elseNode }), type);
  }

  when<U>(condition: Condition, then: U | Expression<U>): CaseBuilder<T | U> {
    const thenExpr = toExpression(then);
    const entry = Object.freeze({ when: conditionNodes('when', [condition])[0]!, then: thenExpr.node });
    return new CaseBuilder<T | U>(Object.freeze([...this.whens, entry]), this.elseNode, this.type ?? thenExpr.type);
  }

  else<U>(value: U | Expression<U>): Expression<T | U> {
    const elseExpr = toExpression(value, this.type);
    return new Expression<T | U>(node({ kind: 'case', whens: this.whens, else: elseExpr.node }), this.type ?? elseExpr.type);
  }
}
