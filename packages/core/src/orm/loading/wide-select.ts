import type { SelectQuery, Source } from '../../sql/builders/select';
import type { AnyExpression, Expression, OrderBy } from '../../sql/expression/expression';
import { and } from '../../sql/expression/operators';
import type { AnyTable } from '../../sql/schema/table';
import { type Hydrator, hydratorFor } from '../hydration/hydrator';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import type { AliasCounter } from '../query/join-plan';
import { isToMany, type LoadNode } from './load-plan';
import { linkOf } from './relation-keys';

/**
 * A statement that loads several entities per row: a base entity's columns, then for each
 * joined relationship (LEFT OUTER JOIN, under its own alias, nested to any depth) the target's
 * columns. Every select item is named `c<slot>`, so rows are arrays read by slot; a `Layout`
 * says which slots hold which entity, with a hydrator per segment that reads its slots of the
 * whole row.
 */

export interface Segment {
  readonly meta: EntityMetadata;
  readonly start: number;
  readonly width: number;
  /** The segment this one hangs from (-1 for the base). */
  readonly parent: number;
  /** The relationship joined to reach this segment from its parent. */
  readonly relation: RelationProperty | undefined;
  readonly toMany: boolean;
}

export interface Layout {
  readonly width: number;
  readonly segments: readonly Segment[];
  /** Per segment, its hydrator over whole rows. */
  readonly hydrators: readonly Hydrator[];
  /** Slots holding the key a base row belongs under (its owner's key), for select-in statements. */
  readonly ownerSlots: readonly number[];
  /** Each base row is a different entity: no to-many join multiplies them, no join table repeats them. */
  readonly baseUnique: boolean;
  /** A to-many join multiplies the rows. */
  readonly multiplied: boolean;
}

/** A column of a row source by property name. */
export type ColumnAt = (key: string) => AnyExpression<unknown>;

export function tableColumns(table: AnyTable): ColumnAt {
  return (key) => table.$column(key);
}

function rootOf(meta: EntityMetadata): EntityMetadata {
  return meta.inheritance?.root ?? meta;
}

export class WideSelect {
  readonly items: Record<string, AnyExpression<unknown>> = {};
  readonly segments: Segment[] = [];
  readonly joins: { readonly source: Source; readonly on: Expression<boolean> }[] = [];
  /** ORDER BY items of joined collections (their declared `orderBy`). */
  readonly order: OrderBy[] = [];
  ownerSlots: number[] = [];
  private width = 0;
  private multiplied = false;

  constructor(private readonly aliases: AliasCounter) {}

  /** Add a select item; its slot. */
  add(expr: AnyExpression<unknown>): number {
    const slot = this.width++;
    this.items[`c${slot}`] = expr;
    return slot;
  }

  /** Add every column of `meta`'s table, read from `at`; the segment's index. */
  segment(meta: EntityMetadata, at: ColumnAt, parent: number, relation?: RelationProperty): number {
    const start = this.width;
    for (const c of rootOf(meta).table.$columns) this.add(at(c.key));
    this.segments.push({ meta, start, width: this.width - start, parent, relation, toMany: relation !== undefined && isToMany(relation) });
    return this.segments.length - 1;
  }

  /** The slot of a column of a segment, by property name. */
  slotOf(segment: number, key: string): number {
    const s = this.segments[segment]!;
    const at = rootOf(s.meta).table.$columns.findIndex((c) => c.key === key);
    if (at < 0) throw new Error(`${s.meta.name} has no column ${key}`);
    return s.start + at;
  }

  /** LEFT OUTER JOIN the joined nodes among `nodes` (and theirs, depth first) below segment `parent`. */
  joinAll(nodes: readonly LoadNode[], parent: number, at: ColumnAt): void {
    for (const n of nodes) {
      if (n.strategy !== 'joined') continue;
      const r = n.relation;
      const link = linkOf(n.owner, r);
      const target = rootOf(r.target).table.$as(this.aliases.next(r.name));
      const targetAt = tableColumns(target);
      if (link.kind === 'joinTable') {
        const jt = r.joinTable!;
        const via = jt.table.$as(this.aliases.next(jt.table.$name));
        const ownerKey = n.owner.primaryKey;
        this.joins.push({ source: via, on: all(jt.ownerColumns.map((c, i) => via.$column(c).eq(at(ownerKey[i]!.name)))) });
        this.joins.push({ source: target, on: all(jt.targetColumns.map((c, i) => targetAt(r.target.primaryKey[i]!.name).eq(via.$column(c)))) });
      } else {
        const remote = link.remote as readonly { name: string }[];
        this.joins.push({ source: target, on: all(link.local.map((c, i) => targetAt(remote[i]!.name).eq(at(c.name)))) });
      }
      const seg = this.segment(r.target, targetAt, parent, r);
      if (isToMany(r)) {
        this.multiplied = true;
        this.orderOf(r, targetAt);
      }
      this.joinAll(n.children, seg, targetAt);
    }
  }

  /** A collection's declared ordering, on the source its rows come from. */
  orderOf(r: RelationProperty, at: ColumnAt): void {
    if (r.orderBy === undefined) return;
    for (const [key, direction] of Object.entries(r.orderBy)) {
      const column = at(key);
      this.order.push(direction === 'desc' ? column.desc() : column.asc());
    }
  }

  /** Add the planned joins to a query. */
  applyJoins<R>(query: SelectQuery<R>): SelectQuery<R> {
    let q = query;
    for (const j of this.joins) q = q.leftJoin(j.source, j.on);
    return q;
  }

  /** The finished layout; `repeatsBase`: base rows repeat for another reason (a join table). */
  layout(repeatsBase = false): Layout {
    const width = this.width;
    const hydrators = this.segments.map((s) => {
      // Rows of exactly the table's columns: the entity's standard hydrator (the objects share
      // their hidden class with those every other query makes).
      if (s.start === 0 && s.width === width) return hydratorFor(rootOf(s.meta));
      const keys = new Array<string>(width);
      for (let i = 0; i < width; i++) keys[i] = `\u0000${i}`;
      const columns = rootOf(s.meta).table.$columns;
      for (let i = 0; i < s.width; i++) keys[s.start + i] = columns[i]!.key;
      return hydratorFor(rootOf(s.meta), keys);
    });
    return Object.freeze({
      width,
      segments: Object.freeze([...this.segments]),
      hydrators: Object.freeze(hydrators),
      ownerSlots: Object.freeze([...this.ownerSlots]),
      baseUnique: !this.multiplied && !repeatsBase,
      multiplied: this.multiplied,
    });
  }
}

function all(parts: Expression<boolean>[]): Expression<boolean> {
  return parts.length === 1 ? parts[0]! : and(...parts);
}
