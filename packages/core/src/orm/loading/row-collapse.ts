import type { HydrationTarget } from '../hydration/hydrator';
import type { IdentityKey } from '../identity/identity-key';
import { fillCollection, fillInverseOne, resolveRef } from './relation-fill';
import type { Layout } from './wide-select';

/**
 * Rows of a statement with joined relationships to entities: each segment's rows are
 * deduplicated by key and hydrated in one batch (through the identity map: an object the
 * session holds comes back as it is), then joined containers are filled, parent by parent, in
 * the order the rows give (the statement orders them). A parent repeated by a to-many join
 * collapses to one object; a child repeated by a sibling to-many join is added once.
 */
export interface Collapsed {
  /** The base entity of each row. */
  readonly perRow: readonly object[];
  /** The distinct base entities, in the order of their first row. */
  readonly distinct: readonly object[];
}

export function collapse(target: HydrationTarget, rows: unknown[][], layout: Layout): Collapsed {
  const n = rows.length;
  const segments = layout.segments;
  const perSegment: (object | undefined)[][] = new Array(segments.length);
  let distinct: object[] = [];
  for (let s = 0; s < segments.length; s++) {
    const hydrator = layout.hydrators[s]!;
    if (s === 0 && layout.baseUnique) {
      distinct = hydrator.hydrate(rows, target, true);
      perSegment[0] = distinct;
      continue;
    }
    const keys = new Array<IdentityKey | undefined>(n);
    const first = new Map<IdentityKey, number>();
    const unique: unknown[][] = [];
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      const k = hydrator.keyOf(row);
      if (k === null || k === undefined) continue;
      keys[i] = k;
      if (!first.has(k)) {
        first.set(k, unique.length);
        unique.push(row);
      }
    }
    const objects = hydrator.hydrate(unique, target, true);
    const per = new Array<object | undefined>(n);
    for (let i = 0; i < n; i++) {
      const k = keys[i];
      if (k !== undefined) per[i] = objects[first.get(k)!];
    }
    perSegment[s] = per;
    if (s === 0) distinct = objects;
    else link(perSegment[segments[s]!.parent]!, per, layout, s);
  }
  return { perRow: perSegment[0] as object[], distinct };
}

function link(parents: readonly (object | undefined)[], children: readonly (object | undefined)[], layout: Layout, s: number): void {
  const segment = layout.segments[s]!;
  const relation = segment.relation!;
  const n = parents.length;
  if (segment.toMany) {
    const items = new Map<object, object[]>();
    // A one-to-many child has one parent, so one set of the children seen serves every
    // parent; a many-to-many child may be under several, so then each pair is remembered.
    const oneParent = relation.relation === 'oneToMany';
    const seen = new Set<object>();
    const seenPairs = oneParent ? undefined : new Map<object, Set<object>>();
    for (let i = 0; i < n; i++) {
      const parent = parents[i];
      if (parent === undefined) continue;
      let list = items.get(parent);
      if (list === undefined) {
        list = [];
        items.set(parent, list);
      }
      const child = children[i];
      if (child === undefined) continue;
      let among = seen;
      if (seenPairs !== undefined) {
        among = seenPairs.get(parent) ?? new Set();
        if (among.size === 0) seenPairs.set(parent, among);
      }
      if (!among.has(child)) {
        among.add(child);
        list.push(child);
      }
    }
    for (const [parent, list] of items) fillCollection(parent, relation, list);
  } else if (relation.joinColumns.length > 0) {
    for (let i = 0; i < n; i++) {
      const parent = parents[i];
      const child = children[i];
      if (parent !== undefined && child !== undefined) resolveRef(parent, relation, child);
    }
  } else {
    for (let i = 0; i < n; i++) {
      const parent = parents[i];
      if (parent !== undefined) fillInverseOne(parent, relation, children[i] ?? null);
    }
  }
}
