/**
 * Graph algorithms for the commit order, over any node type: strongly connected components in
 * dependency order (Tarjan), a stable topological sort, breaking a component's cycles by
 * removing nullable edges, and row levels (parents before children) for self-referencing rows.
 * Pure; edges point from the dependent to what it depends on (a child to its parent).
 */

export interface Edge<N, L> {
  readonly from: N;
  readonly to: N;
  readonly label: L;
  /** The edge may be removed (the foreign key inserted as NULL and set afterwards). */
  readonly breakable: boolean;
}

/**
 * Strongly connected components, each one's dependencies first (Tarjan emits a component
 * after everything reachable from it). Nodes and edges keep their given order, so the
 * result is deterministic.
 */
export function componentsInDependencyOrder<N>(nodes: readonly N[], successors: (node: N) => readonly N[]): N[][] {
  const index = new Map<N, number>();
  const low = new Map<N, number>();
  const stack: N[] = [];
  const onStack = new Set<N>();
  const out: N[][] = [];
  let counter = 0;
  const visit = (v: N): void => {
    index.set(v, counter);
    low.set(v, counter);
    counter++;
    stack.push(v);
    onStack.add(v);
    for (const w of successors(v)) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) === index.get(v)) {
      const component: N[] = [];
      let w: N;
      do {
        w = stack.pop()!;
        onStack.delete(w);
        component.push(w);
      } while (w !== v);
      // Back in the order the nodes were given.
      component.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b));
      out.push(component);
    }
  };
  for (const v of nodes) if (!index.has(v)) visit(v);
  return out;
}

/** Dependencies first (Kahn's algorithm, stable); self-loops ignored; undefined when cyclic. */
export function topologicalOrder<N, L>(nodes: readonly N[], edges: readonly Edge<N, L>[]): N[] | undefined {
  const pending = new Map<N, number>(nodes.map((n) => [n, 0]));
  const dependents = new Map<N, N[]>();
  for (const e of edges) {
    if (e.from === e.to || !pending.has(e.from) || !pending.has(e.to)) continue;
    pending.set(e.from, pending.get(e.from)! + 1);
    const list = dependents.get(e.to) ?? [];
    list.push(e.from);
    dependents.set(e.to, list);
  }
  const order: N[] = [];
  const ready = nodes.filter((n) => pending.get(n) === 0);
  while (ready.length > 0) {
    const n = ready.shift()!;
    order.push(n);
    for (const d of dependents.get(n) ?? []) {
      const left = pending.get(d)! - 1;
      pending.set(d, left);
      if (left === 0) ready.push(d);
    }
    ready.sort((a, b) => nodes.indexOf(a) - nodes.indexOf(b));
  }
  return order.length === nodes.length ? order : undefined;
}

/**
 * Order the nodes of one strongly connected component by removing breakable edges until the
 * rest is acyclic (self-loops aside: rows order those). Greedy in edge order, then each removed
 * edge is put back if the order survives without removing it, so no edge is broken needlessly.
 * Undefined when even removing every breakable edge leaves a cycle.
 */
export function breakCycles<N, L>(nodes: readonly N[], edges: readonly Edge<N, L>[]): { order: N[]; removed: Edge<N, L>[] } | undefined {
  const inner = edges.filter((e) => e.from !== e.to);
  const removed = new Set<Edge<N, L>>();
  const attempt = (): N[] | undefined => topologicalOrder(nodes, inner.filter((e) => !removed.has(e)));
  let order = attempt();
  for (const e of inner) {
    if (order) break;
    if (!e.breakable) continue;
    removed.add(e);
    order = attempt();
  }
  if (!order) return undefined;
  for (const e of [...removed]) {
    removed.delete(e);
    const again = attempt();
    if (again) order = again;
    else removed.add(e);
  }
  return { order, removed: inner.filter((e) => removed.has(e)) };
}

/** A row's parent among the rows being ordered, through a relationship. */
export interface RowParent<L> {
  readonly row: number;
  readonly label: L;
  readonly breakable: boolean;
}

/**
 * Levels of rows that reference rows of the same set (trees, chains): 0 for a row whose
 * parents are all outside the set, else one more than its deepest parent. Iterative, so a
 * chain of 100k rows does not overflow the stack. A reference that closes a cycle among the
 * rows is cut (returned in `cut`) when breakable; otherwise `cycle` names a row on it.
 */
export function rowLevels<L>(count: number, parentsOf: (row: number) => readonly RowParent<L>[]): {
  levels: number[];
  cut: { row: number; label: L }[];
  cycle?: number;
} {
  const levels = new Array<number>(count).fill(-1);
  const state = new Uint8Array(count); // 0 new, 1 on the path, 2 done
  const cut: { row: number; label: L }[] = [];
  for (let start = 0; start < count; start++) {
    if (state[start] !== 0) continue;
    const path: { row: number; parents: readonly RowParent<L>[]; next: number; level: number }[] = [];
    const enter = (row: number): void => {
      state[row] = 1;
      path.push({ row, parents: parentsOf(row), next: 0, level: 0 });
    };
    enter(start);
    while (path.length > 0) {
      const frame = path[path.length - 1]!;
      if (frame.next < frame.parents.length) {
        const p = frame.parents[frame.next++]!;
        if (state[p.row] === 2) frame.level = Math.max(frame.level, levels[p.row]! + 1);
        else if (state[p.row] === 0) {
          frame.next--; // revisit this parent once it is done
          enter(p.row);
        } else if (p.breakable) cut.push({ row: frame.row, label: p.label });
        else return { levels, cut, cycle: frame.row };
        continue;
      }
      levels[frame.row] = frame.level;
      state[frame.row] = 2;
      path.pop();
    }
  }
  return { levels, cut };
}
