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
  if (columns.length === 1) {
    const c = columns[0]!;
    return node({ kind: 'in', expr: c.node, values: Object.freeze(tuples.map((t) => typed(t[0], c.config.type))), negated: false });
  }
  if (plan.rowValues) {
    const b = new RawBuilder().add(rowValue(columns.map((c) => c.node))).text(' IN (');
    b.list(tuples.map((t) => rowValue(columns.map((c, i) => typed(t[i], c.config.type)))));
    return b.text(')').build();
  }
  return logical(
    'OR',
    tuples.map((t) => logical('AND', columns.map((c, i) => eq(c.node, typed(t[i], c.config.type))))),
  );
}

