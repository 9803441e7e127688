import { MappingError } from '../../errors/errors';
import type { IdentityKey } from '../identity/identity-key';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import type { AssociationChange, ChangeSet, DeleteChange, FlushStep, InsertChange, PostUpdateChange, UpdateChange } from './change-set';
import { breakCycles, componentsInDependencyOrder, type Edge, type RowParent, rowLevels } from './dependency-graph';
import { foreignKeyRelations, relatedInstance, rootOf, snapshotTarget } from './row-links';
import { toOneHeld } from './tracking/to-one';
import { deletesFirst } from './unique-links';
import { keepExemplar } from '../../runtime/exemplars';

/**
 * The commit order: a change set as ordered flush steps. Pure (no database, no session).
 *
 *   1. inserts, parents before children: entities in topological order of their foreign keys
 *      (only keys some new row actually points through to another new row count); rows of a
 *      self-referencing entity in levels (a tree's roots, then their children…);
 *   2. post-updates: foreign keys of a cycle (A → B → A), inserted as NULL on the nullable side;
 *   3. updates (every row they may point at exists by now);
 *   4. many-to-many rows: unlinks, then links (both sides exist, none is deleted yet);
 *   5. foreign keys of a cycle among deleted rows set to NULL;
 *   6. deletes, children before parents, from the foreign keys the rows hold in the database
 *      (their snapshots); a self-referencing entity's deepest rows first. Except the deleted
 *      rows whose one-to-one key (not nullable) a new or updated row takes, with their deleted
 *      children: they go before step 1, ordered the same way (see unique-links.ts).
 *
 * A cycle with no nullable foreign key to break it raises MappingError naming the relationships.
 */
export function commitOrder(changes: ChangeSet): FlushStep[] {
  const postUpdates: PostUpdateChange[] = [];
  const inserts = insertSteps(changes.inserts, postUpdates);
  const nullify: PostUpdateChange[] = [];
  // Deleted rows holding a one-to-one key (not nullable) that a new or updated row takes: deleted first, see unique-links.ts.
  const first = deletesFirst(changes);
  const deletes = deleteSteps(first.size === 0 ? changes.deletes : changes.deletes.filter((c) => !first.has(c)), nullify);
  const nullifyFirst: PostUpdateChange[] = [];
  const early = first.size === 0 ? [] : deleteSteps([...first], nullifyFirst);
  return [
    ...postUpdateSteps(nullifyFirst),
    ...early,
    ...inserts,
    ...postUpdateSteps(postUpdates),
    ...updateSteps(changes.updates),
    ...associationSteps(changes.associations),
    ...postUpdateSteps(nullify),
    ...deletes,
  ];
}

type Change = InsertChange | DeleteChange;

/** One table's rows; `targets[i]` lists where row i points within the flush (filled only when needed). */
interface Rows<C extends Change> {
  readonly root: EntityMetadata;
  readonly changes: C[];
  targets: { relation: RelationProperty; target: C }[][] | undefined;
  /** A relationship of the table points back into the table: rows are ordered by level. */
  selfReferencing: boolean;
  /** The rows' class when they all have the same one. */
  meta: EntityMetadata | undefined;
}

interface Ordered<C extends Change> {
  /** Tables, dependencies first. */
  readonly tables: Rows<C>[];
  /** Per table, the relations whose foreign keys must be broken (inserted NULL / nullified). */
  readonly broken: Map<EntityMetadata, Set<RelationProperty>>;
}

const NO_TARGETS: readonly never[] = Object.freeze([]);

/**
 * Group rows by table, find the edges rows actually use (one pass, no allocation per row), and
 * order the tables. Per-row targets are collected afterwards, only for tables that need them
 * (self-references, broken cycles).
 */
function orderTables<C extends Change>(
  changes: readonly C[],
  targetsIn: (groups: ReadonlyMap<EntityMetadata, Rows<C>>) => (change: C, relation: RelationProperty) => C | undefined,
): Ordered<C> {
  const byRoot = new Map<EntityMetadata, Rows<C>>();
  let last: Rows<C> | undefined;
  // Index loops: this runs once per flush over every row, mostly before it is optimized, and
  // an unoptimized for-of allocates a result object per row.
  for (let i = 0; i < changes.length; i++) {
    const c = changes[i]!;
    const meta = c.state.meta;
    const root = rootOf(meta);
    let rows = last !== undefined && last.root === root ? last : byRoot.get(root);
    if (!rows) byRoot.set(root, (rows = { root, changes: [], targets: undefined, selfReferencing: false, meta }));
    else if (rows.meta !== meta) rows.meta = undefined;
    last = rows;
    rows.changes.push(c);
  }
  const targetOf = targetsIn(byRoot);
  const edges = new Map<EntityMetadata, Edge<EntityMetadata, RelationProperty>[]>();
  for (const rows of byRoot.values()) {
    const list: Edge<EntityMetadata, RelationProperty>[] = [];
    edges.set(rows.root, list);
    const seen = new Set<RelationProperty>();
    let metaSeen: EntityMetadata | undefined;
    let pending: readonly RelationProperty[] = [];
    for (let i = 0; i < rows.changes.length; i++) {
      const c = rows.changes[i]!;
      // Relations not yet known to be used: once each has an edge, the rest of the rows are skipped.
      if (c.state.meta !== metaSeen) {
        metaSeen = c.state.meta;
        pending = foreignKeyRelations(metaSeen).filter((r) => !seen.has(r));
      }
      if (pending.length === 0) {
        // Rows of one class: nothing left to find (for posts, the first row with a new author settles it).
        if (rows.meta !== undefined) break;
        continue;
      }
      for (const relation of pending) {
        if (seen.has(relation)) continue;
        const target = targetOf(c, relation);
        if (target === undefined) continue;
        seen.add(relation);
        const to = rootOf(target.state.meta);
        list.push({ from: rows.root, to, label: relation, breakable: relation.nullable });
        if (to === rows.root) rows.selfReferencing = true;
      }
      if (pending.every((r) => seen.has(r))) pending = [];
    }
  }
  const roots = [...byRoot.keys()];
  const components = componentsInDependencyOrder(roots, (n) => [...new Set(edges.get(n)!.map((e) => e.to))]);
  const tables: Rows<C>[] = [];
  const broken = new Map<EntityMetadata, Set<RelationProperty>>();
  for (const component of components) {
    let order = component;
    if (component.length > 1) {
      const inner = component.flatMap((n) => edges.get(n)!.filter((e) => component.includes(e.to)));
      const result = breakCycles(component, inner);
      if (!result) throw cycleError(inner);
      order = result.order;
      for (const e of result.removed) {
        const set = broken.get(e.from) ?? new Set();
        set.add(e.label);
        broken.set(e.from, set);
      }
    }
    for (const root of order) tables.push(byRoot.get(root)!);
  }
  for (const rows of tables) {
    if (!rows.selfReferencing && !broken.has(rows.root)) continue;
    rows.targets = rows.changes.map((c) => {
      let out: { relation: RelationProperty; target: C }[] | undefined;
      for (const relation of foreignKeyRelations(c.state.meta)) {
        const target = targetOf(c, relation);
        if (target !== undefined) (out ??= []).push({ relation, target });
      }
      return out ?? (NO_TARGETS as never[]);
    });
  }
  return { tables, broken };
}

function cycleError(edges: readonly Edge<EntityMetadata, RelationProperty>[]): MappingError {
  const names = edges.map((e) => `${e.from.name}.${e.label.name} → ${e.to.name}`).join(', ');
  return new MappingError(
    `The flush cannot order its rows: they form a cycle through foreign keys that cannot be NULL (${names}). ` +
      `Make one of these relationships nullable (nullable: true), so its row can be inserted first and the key set afterwards.`,
  );
}

/** Split one table's rows into levels through its self-references (those not broken). */
function levelsOf<C extends Change>(rows: Rows<C>, broken: ReadonlySet<RelationProperty> | undefined): { levels: number[] | undefined; cut: { row: number; label: RelationProperty }[] } {
  if (!rows.selfReferencing) return { levels: undefined, cut: [] };
  const targets = rows.targets!;
  const index = new Map<C, number>(rows.changes.map((c, i) => [c, i]));
  const parentsOf = (i: number): RowParent<RelationProperty>[] => {
    const out: RowParent<RelationProperty>[] = [];
    for (const { relation, target } of targets[i]!) {
      if (broken?.has(relation)) continue;
      const row = index.get(target);
      if (row !== undefined) out.push({ row, label: relation, breakable: relation.nullable });
    }
    return out;
  };
  const result = rowLevels(rows.changes.length, parentsOf);
  if (result.cycle !== undefined) {
    const c = rows.changes[result.cycle]!;
    const through = targets[result.cycle]!.map((t) => `${c.state.meta.name}.${t.relation.name}`);
    throw new MappingError(
      `The flush cannot order its ${rows.root.name} rows: they point at each other in a cycle through ${[...new Set(through)].join(', ')}, ` +
        `which cannot be NULL. Make the relationship nullable (nullable: true) so one row can be inserted first and the key set afterwards.`,
    );
  }
  return result;
}

/** Rows grouped by level, then by concrete class (a single-table hierarchy shares the table). */
function grouped<C extends Change>(rows: Rows<C>, levels: readonly number[] | undefined, descending: boolean): { meta: EntityMetadata; changes: C[] }[] {
  if (levels === undefined && rows.meta !== undefined) return [{ meta: rows.meta, changes: rows.changes }];
  const byLevel = new Map<number, Map<EntityMetadata, C[]>>();
  rows.changes.forEach((c, i) => {
    const level = levels === undefined ? 0 : levels[i]!;
    let byMeta = byLevel.get(level);
    if (!byMeta) byLevel.set(level, (byMeta = new Map()));
    const list = byMeta.get(c.state.meta) ?? [];
    list.push(c);
    byMeta.set(c.state.meta, list);
  });
  const keys = [...byLevel.keys()].sort((a, b) => (descending ? b - a : a - b));
  return keys.flatMap((k) => [...byLevel.get(k)!].map(([meta, changes]) => ({ meta, changes })));
}

function insertSteps(inserts: readonly InsertChange[], postUpdates: PostUpdateChange[]): FlushStep[] {
  const { tables, broken } = orderTables(inserts, (groups) => {
    // Which new row an object is, per table, built on first use: only tables rows point at need one.
    const byInstance = new Map<EntityMetadata, Map<object, InsertChange>>();
    const lookup = (root: EntityMetadata, target: object): InsertChange | undefined => {
      let map = byInstance.get(root);
      if (map === undefined) {
        map = new Map();
        for (const c of groups.get(root)?.changes ?? []) map.set(c.instance, c);
        byInstance.set(root, map);
      }
      return map.get(target);
    };
    return (c, relation) => {
      const target = relatedInstance(toOneHeld(c.instance, relation));
      return target === undefined ? undefined : lookup(rootOf(relation.target), target);
    };
  });
  const steps: FlushStep[] = [];
  for (const rows of tables) {
    const brokenHere = broken.get(rows.root);
    const { levels, cut } = levelsOf(rows, brokenHere);
    const deferred = new Map<InsertChange, PostUpdateChange[]>();
    const defer = (c: InsertChange, relation: RelationProperty): void => {
      const list = deferred.get(c) ?? [];
      if (list.some((p) => p.relation === relation)) return;
      const change: PostUpdateChange = { kind: 'postUpdate', state: c.state, instance: c.instance, relation };
      list.push(change);
      deferred.set(c, list);
      postUpdates.push(change);
    };
    if (brokenHere) rows.changes.forEach((c, i) => {
      for (const t of rows.targets![i]!) if (brokenHere.has(t.relation)) defer(c, t.relation);
    });
    for (const { row, label } of cut) defer(rows.changes[row]!, label);
    for (const { meta, changes } of grouped(rows, levels, false)) {
      const ownDeferred = deferred.size === 0 ? [] : changes.flatMap((c) => deferred.get(c) ?? []);
      steps.push(ownDeferred.length > 0 ? { kind: 'insert', meta, changes, deferred: ownDeferred } : { kind: 'insert', meta, changes });
    }
  }
  return steps;
}

function deleteSteps(deletes: readonly DeleteChange[], nullify: PostUpdateChange[]): FlushStep[] {
  const byKey = new Map<EntityMetadata, Map<IdentityKey, DeleteChange>>();
  for (const c of deletes) {
    if (c.state.key === undefined) continue;
    const root = rootOf(c.state.meta);
    let keys = byKey.get(root);
    if (!keys) byKey.set(root, (keys = new Map()));
    keys.set(c.state.key, c);
  }
  const { tables, broken } = orderTables(deletes, () => (c, relation) => {
    const key = snapshotTarget(c.state, relation);
    return key === undefined ? undefined : byKey.get(rootOf(relation.target))?.get(key);
  });
  const steps: FlushStep[] = [];
  for (const rows of [...tables].reverse()) {
    const brokenHere = broken.get(rows.root);
    const { levels, cut } = levelsOf(rows, brokenHere);
    const done = new Map<DeleteChange, Set<RelationProperty>>();
    const clear = (c: DeleteChange, relation: RelationProperty): void => {
      const set = done.get(c) ?? new Set();
      if (set.has(relation)) return;
      set.add(relation);
      done.set(c, set);
      nullify.push({ kind: 'postUpdate', state: c.state, instance: c.instance, relation, nullify: true });
    };
    if (brokenHere) rows.changes.forEach((c, i) => {
      for (const t of rows.targets![i]!) if (brokenHere.has(t.relation)) clear(c, t.relation);
    });
    for (const { row, label } of cut) clear(rows.changes[row]!, label);
    for (const { meta, changes } of grouped(rows, levels, true)) steps.push({ kind: 'delete', meta, changes });
  }
  return steps;
}

function byMetaInOrder<C extends { state: { meta: EntityMetadata } }>(changes: readonly C[]): Map<EntityMetadata, C[]> {
  const out = new Map<EntityMetadata, C[]>();
  // Changes of one class (a bulk edit): the list as it is, not a 10k-element copy.
  const first = changes[0]?.state.meta;
  let same = 1;
  while (same < changes.length && changes[same]!.state.meta === first) same++;
  if (first !== undefined && same === changes.length) return out.set(first, changes as C[]);
  for (const c of changes) {
    const list = out.get(c.state.meta);
    if (list) list.push(c);
    else out.set(c.state.meta, [c]);
  }
  return out;
}

function postUpdateSteps(changes: readonly PostUpdateChange[]): FlushStep[] {
  return [...byMetaInOrder(changes)].map(([meta, list]) => ({ kind: 'postUpdate', meta, changes: list }));
}

function updateSteps(changes: readonly UpdateChange[]): FlushStep[] {
  return [...byMetaInOrder(changes)].map(([meta, list]) => ({ kind: 'update', meta, changes: list }));
}

/** One step per association table, named by its owning relationship; unlinks before links. */
function associationSteps(changes: readonly AssociationChange[]): FlushStep[] {
  const byTable = new Map<unknown, { relation: RelationProperty; changes: AssociationChange[] }>();
  for (const c of changes) {
    const owning = c.relation.owner ? c.relation : (c.relation.inverse ?? c.relation);
    const table = c.relation.joinTable?.table ?? owning;
    const entry = byTable.get(table);
    if (entry) entry.changes.push(c);
    else byTable.set(table, { relation: owning, changes: [c] });
  }
  return [...byTable.values()].map(({ relation, changes: list }) => ({
    kind: 'associations',
    relation,
    changes: [...list.filter((c) => c.kind === 'unlink'), ...list.filter((c) => c.kind === 'link')],
  }));
}

// See runtime/exemplars.ts: a flush's steps die with it; one of each shape keeps their classes.
keepExemplar<FlushStep>({ kind: 'insert', meta: {} as EntityMetadata, changes: [] });
keepExemplar<FlushStep>({ kind: 'insert', meta: {} as EntityMetadata, changes: [], deferred: [] });
