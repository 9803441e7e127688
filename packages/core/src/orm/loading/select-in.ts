import { node } from '../../sql/ast';
import type { ExprNode } from '../../sql/ast';
import { select } from '../../sql/builders/select';
import type { CompiledQuery, ResultColumn, SqlDialect } from '../../sql/dialect';
import { type AnyExpression, Expression } from '../../sql/expression/expression';
import { and } from '../../sql/expression/operators';
import type { AnyTable } from '../../sql/schema/table';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { AliasCounter } from '../query/join-plan';
import { joinedSignature, type LoadNode } from './load-plan';
import { type Encoder, encodersFor, linkOf } from './relation-keys';
import { type Layout, tableColumns, WideSelect } from './wide-select';

/**
 * The select-in statement of one relationship (and the relationships joined under it):
 * `SELECT target.*, joined.* FROM target [JOIN join_table] LEFT JOIN … WHERE key IN (…)`,
 * with row values `(a, b) IN ((?, ?), …)` for composite keys. Compiled once per list length
 * and dialect and then only bound; list lengths are rounded up to a few sizes per power of two
 * (the last key repeats), so a handful of SQL texts serve every batch and the drivers find them
 * among their prepared statements. Lists are chunked under the dialect's parameter limit.
 */

const MARK = '\u0000athanor:in:';

interface InShape {
  readonly sql: string;
  readonly columns: readonly ResultColumn[] | undefined;
  /** For each parameter, the index of its value in the flattened key tuples. */
  readonly slots: Int32Array;
}

export class SelectInPlan {
  readonly layout: Layout;
  /** Key columns per tuple. */
  readonly keyWidth: number;
  /** Most tuples in one statement. */
  readonly maxTuples: number;
  private readonly encoders: readonly Encoder[];
  private readonly shapes = new Map<number, InShape>();

  constructor(
    private readonly relation: RelationProperty,
    private readonly owner: EntityMetadata,
    private readonly joined: readonly LoadNode[],
    private readonly dialect: SqlDialect,
  ) {
    const link = linkOf(owner, relation);
    this.keyWidth = link.local.length;
    this.maxTuples = Math.max(1, Math.floor(dialect.adapter.maxParameters / this.keyWidth));
    this.encoders = encodersFor(dialect, link.local);
    const first = this.build(1);
    this.layout = first.layout;
    this.shapes.set(1, first.shape);
  }

  /** The statements for these key tuples (decoded values, in the order of the link's local columns). */
  statements(tuples: readonly (readonly unknown[])[]): CompiledQuery[] {
    const out: CompiledQuery[] = [];
    for (let start = 0; start < tuples.length; start += this.maxTuples) {
      const chunk = tuples.slice(start, start + this.maxTuples);
      const size = bucketOf(chunk.length, this.maxTuples);
      const shape = this.shapeOf(size);
      const width = this.keyWidth;
      const values = new Array<unknown>(size * width);
      for (let i = 0; i < size; i++) {
        const tuple = chunk[i < chunk.length ? i : chunk.length - 1]!;
        for (let j = 0; j < width; j++) {
          const encode = this.encoders[j];
          const v = tuple[j];
          values[i * width + j] = encode === undefined ? v : encode(v);
        }
      }
      const slots = shape.slots;
      const params = new Array<unknown>(slots.length);
      for (let p = 0; p < slots.length; p++) params[p] = values[slots[p]!];
      out.push(shape.columns === undefined ? { sql: shape.sql, params, readOnly: true } : { sql: shape.sql, params, columns: shape.columns, readOnly: true });
    }
    return out;
  }

  private shapeOf(size: number): InShape {
    let shape = this.shapes.get(size);
    if (shape === undefined) {
      shape = this.build(size).shape;
      if (this.shapes.size >= 64) this.shapes.clear();
      this.shapes.set(size, shape);
    }
    return shape;
  }

  private build(size: number): { shape: InShape; layout: Layout } {
    const r = this.relation;
    const link = linkOf(this.owner, r);
    const target = rootOf(r.target).table;
    const at = tableColumns(target);
    const aliases = new AliasCounter();
    const w = new WideSelect(aliases);
    const base = w.segment(r.target, at, -1);
    let lookup: AnyExpression<unknown>[];
    let via: { table: AnyTable; on: Expression<boolean> } | undefined;
    if (link.kind === 'joinTable') {
      const jt = r.joinTable!;
      const table = jt.table.$as(aliases.next(jt.table.$name));
      lookup = jt.ownerColumns.map((c) => table.$column(c));
      w.ownerSlots = lookup.map((e) => w.add(e));
      via = { table, on: all(jt.targetColumns.map((c, i) => at(r.target.primaryKey[i]!.name).eq(table.$column(c)))) };
    } else {
      const remote = link.remote as readonly ColumnProperty[];
      lookup = remote.map((c) => at(c.name));
      w.ownerSlots = remote.map((c) => w.slotOf(base, c.name));
    }
    w.orderOf(r, at);
    w.joinAll(this.joined, base, at);
    let query = select(w.items).from(target);
    if (via !== undefined) query = query.innerJoin(via.table, via.on);
    query = w.applyJoins(query).where(inCondition(lookup, size));
    if (w.order.length > 0) query = query.orderBy(...w.order);
    const compiled = query.compile(this.dialect);
    const slots = new Int32Array(compiled.params.length);
    compiled.params.forEach((p, i) => {
      const slot = typeof p === 'string' && p.startsWith(MARK) ? Number(p.slice(MARK.length)) : -1;
      if (slot < 0) throw new Error(`select-in statement of ${this.owner.name}.${r.name}: unexpected parameter ${i + 1}`);
      slots[i] = slot;
    });
    return { shape: { sql: compiled.sql, columns: compiled.columns, slots }, layout: w.layout(link.kind === 'joinTable') };
  }
}

/** `col IN (?, …)` or `(a, b) IN ((?, ?), …)` over `size` tuples of markers. */
function inCondition(columns: readonly AnyExpression<unknown>[], size: number): Expression<boolean> {
  const width = columns.length;
  if (width === 1) {
    const markers: Expression<unknown>[] = [];
    for (let i = 0; i < size; i++) markers.push(marker(i));
    return columns[0]!.in(markers);
  }
  const strings: string[] = ['('];
  const values: ExprNode[] = [];
  const put = (value: ExprNode, after: string): void => {
    values.push(value);
    strings.push(after);
  };
  columns.forEach((c, j) => put(c.node, j === width - 1 ? ') IN ((' : ', '));
  for (let i = 0; i < size; i++) {
    for (let j = 0; j < width; j++) put(marker(i * width + j).node, j < width - 1 ? ', ' : i < size - 1 ? '), (' : '))');
  }
  return new Expression<boolean>(node({ kind: 'raw' as const, strings: Object.freeze(strings), values: Object.freeze(values) }));
}

function marker(i: number): Expression<unknown> {
  return new Expression(node({ kind: 'param' as const, value: `${MARK}${i}` }));
}

/** List lengths used: exact up to 8, then rounded up to a quarter of the power of two below (at most 25% padding). */
export function bucketOf(n: number, max: number): number {
  if (n <= 8) return Math.min(n, max);
  const step = 2 ** (Math.floor(Math.log2(n)) - 2);
  return Math.min(Math.ceil(n / step) * step, max);
}

function rootOf(meta: EntityMetadata): EntityMetadata {
  return meta.inheritance?.root ?? meta;
}

function all(parts: Expression<boolean>[]): Expression<boolean> {
  return parts.length === 1 ? parts[0]! : and(...parts);
}

const plans = new WeakMap<SqlDialect, WeakMap<RelationProperty, Map<string, SelectInPlan>>>();

/** The select-in plan of `node`'s relationship with the relationships joined under it, per dialect. */
export function selectInPlan(node: LoadNode, dialect: SqlDialect): SelectInPlan {
  let byRelation = plans.get(dialect);
  if (byRelation === undefined) {
    byRelation = new WeakMap();
    plans.set(dialect, byRelation);
  }
  let bySignature = byRelation.get(node.relation);
  if (bySignature === undefined) {
    bySignature = new Map();
    byRelation.set(node.relation, bySignature);
  }
  const signature = joinedSignature(node.children);
  let plan = bySignature.get(signature);
  if (plan === undefined) {
    plan = new SelectInPlan(node.relation, node.owner, node.children, dialect);
    if (bySignature.size >= 32) bySignature.clear();
    bySignature.set(signature, plan);
  }
  return plan;
}
