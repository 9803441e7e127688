import { node } from '../../../sql/ast';
import type { ExprNode } from '../../../sql/ast';
import type { AnyColumn } from '../../../sql/schema/column';
import { RawBuilder } from './raw-builder';
import { eq, logical, rowValue, typed } from './shapes';
import type { WritePlan } from './write-plan';

/**
 * `WHERE` conditions matching a list of rows by some of their columns (a key, a key and a
 * version, a link's two keys): `id IN (?, …)` for one column; `(a, b) IN ((?, ?), …)` where the
 * dialect has row values, otherwise `(a = ? AND b = ?) OR …`. Every value is a parameter of its
 * column's type.
 */
export function keyCondition(plan: WritePlan, columns: readonly AnyColumn[], tuples: readonly (readonly unknown[])[]): ExprNode {
  return keyConditionOf(plan, columns, tuples.length, (r) => columns.map((c, i) => typed(tuples[r]![i], c.config.type)));
}

/** The same with each row's parameter nodes given (the markers of a compiled shape). */
export function keyConditionOf(plan: WritePlan, columns: readonly AnyColumn[], rows: number, params: (row: number) => ExprNode[]): ExprNode {
  const each = Array.from({ length: rows }, (_, r) => params(r));
  if (columns.length === 1) return node({ kind: 'in', expr: columns[0]!.node, values: Object.freeze(each.map((p) => p[0]!)), negated: false });
  if (plan.rowValues) {
    const b = new RawBuilder().add(rowValue(columns.map((c) => c.node))).text(' IN (');
    b.list(each.map((p) => rowValue(p)));
    return b.text(')').build();
  }
  return logical('OR', each.map((p) => logical('AND', columns.map((c, i) => eq(c.node, p[i]!)))));
}
