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
    // Per row, the index of its entity among the distinct rows (-1: no entity, an outer
    // join's missing side). A joined parent spans consecutive rows, so the previous row's key
    // answers most rows without a Map lookup.
    const at = new Int32Array(n);
    const first = new Map<IdentityKey, number>();
    const unique: unknown[][] = [];
    let lastKey: IdentityKey | undefined;
    let lastAt = -1;
    for (let i = 0; i < n; i++) {
      const row = rows[i]!;
      const k = hydrator.keyOf(row);
      if (k === null || k === undefined) {
        at[i] = -1;
        continue;
      }
      if (k !== lastKey) {
        let u = first.get(k);
        if (u === undefined) {
          u = unique.length;
          first.set(k, u);
          unique.push(row);
        }
        lastKey = k;
        lastAt = u;
      }
      at[i] = lastAt;
    }
    const objects = hydrator.hydrate(unique, target, true);
    const per = new Array<object | undefined>(n);
    for (let i = 0; i < n; i++) {
      const u = at[i]!;
      per[i] = u < 0 ? undefined : objects[u];
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
    // A parent's rows are consecutive in a joined result: its list is looked up once per run.
    let lastParent: object | undefined;
    let list: object[] = [];
    for (let i = 0; i < n; i++) {
      const parent = parents[i];
      if (parent === undefined) continue;
      if (parent !== lastParent) {
        let found = items.get(parent);
        if (found === undefined) {
          found = [];
          items.set(parent, found);
        }
        list = found;
        lastParent = parent;
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
