import type { IdentityKey } from '../identity/identity-key';
import type { RelationProperty } from '../metadata/entity-metadata';
import { Ref } from '../relations/ref';
import type { LoadContext } from '../session/entity-loader';
import { isEager, isToMany, type LoadNode } from './load-plan';
import { fillCollection, fillInverseOne, markContainers, needsLoad, nextLevel, refIdentity } from './relation-fill';
import { identityOfValues, linkOf, refValues, rowIdentity, valuesOf } from './relation-keys';
import { collapse } from './row-collapse';
import { selectInPlan } from './select-in';

/**
 * Loading relationships of objects in hand, level by level: each eager node issues its
 * select-in statement(s) for the owners whose containers are not loaded yet (a node joined in
 * the parent's statement finds them loaded and issues nothing), then its children run on the
 * objects the containers now hold. `lazy`, `raise` and `noload` nodes only mark or fill.
 */

/** Run `nodes` on `owners` (objects of the nodes' level). */
export async function loadNodes(ctx: LoadContext, owners: readonly object[], nodes: readonly LoadNode[]): Promise<void> {
  if (owners.length === 0) return;
  for (const node of nodes) await loadNode(ctx, owners, node);
}

async function loadNode(ctx: LoadContext, owners: readonly object[], node: LoadNode): Promise<void> {
  const r = node.relation;
  if (!isEager(node.strategy)) {
    if (node.strategy === 'noload') fillEmpty(owners, r);
    if (node.explicit || node.strategy === 'noload') markContainers(owners, node);
    return;
  }
  await fetchRelation(ctx, owners, node);
  if (node.children.length > 0) await loadNodes(ctx, nextLevel(owners, r), node.children);
}

/** `noload`: collections are empty, an inverse one-to-one is null; nothing is read. */
function fillEmpty(owners: readonly object[], r: RelationProperty): void {
  for (const o of owners) {
    if (isToMany(r)) fillCollection(o, r, []);
    else if (r.joinColumns.length === 0) fillInverseOne(o, r, null);
  }
}

/**
 * Load `node`'s relationship for the owners that need it: to-one targets the identity map
 * holds are resolved without SQL; the others, and to-many collections, by select-in.
 */
export async function fetchRelation(ctx: LoadContext, owners: readonly object[], node: LoadNode): Promise<number> {
  const r = node.relation;
  const link = linkOf(node.owner, r);
  if (link.kind === 'toOne') return fetchToOne(ctx, owners, node);
  // Owners by key: their collections (or inverse one-to-one) fill from the rows under that key.
  const waiting = new Map<IdentityKey, object[]>();
  const tuples: unknown[][] = [];
  const toOne = !isToMany(r);
  for (const owner of owners) {
    if (!needsLoad(owner, r, toOne)) continue;
    const values = valuesOf(owner, node.owner, link.local);
    if (values === undefined) continue;
    const key = identityOfValues(values);
    const list = waiting.get(key);
    if (list === undefined) {
      waiting.set(key, [owner]);
      tuples.push(values);
    } else list.push(owner);
  }
  if (tuples.length === 0) return 0;
  const found = new Map<IdentityKey, object[]>();
  const statements = await runSelectIn(ctx, node, tuples, (key, target) => {
    const list = found.get(key);
    if (list === undefined) found.set(key, [target]);
    else list.push(target);
  });
  for (const [key, list] of waiting) {
    const items = found.get(key) ?? [];
    for (const owner of list) {
      if (toOne) fillInverseOne(owner, r, items[0] ?? null);
      else fillCollection(owner, r, items);
    }
  }
  return statements;
}

function fetchToOne(ctx: LoadContext, owners: readonly object[], node: LoadNode): Promise<number> {
  const refs: Ref<object, unknown>[] = [];
  for (const owner of owners) {
    const ref = (owner as Record<string, unknown>)[node.relation.name];
    if (ref instanceof Ref && !ref.loaded) refs.push(ref);
  }
  return fetchRefs(ctx, refs, node);
}

/** Resolve unloaded Refs of `node`'s (owning to-one) relationship: from the identity map, else by select-in. */
export async function fetchRefs(ctx: LoadContext, refs: readonly Ref<object, unknown>[], node: LoadNode): Promise<number> {
  const r = node.relation;
  const targetRoot = r.target.inheritance?.root ?? r.target;
  const cls = r.target.class;
  const ids = ctx.target.map.entities(targetRoot);
  const waiting = new Map<IdentityKey, Ref<object, unknown>[]>();
  const tuples: unknown[][] = [];
  for (const ref of refs) {
    if (ref.loaded) continue;
    const values = refValues(r, ref);
    if (values === undefined) continue;
    const key = identityOfValues(values);
    const held = ids.lookup(key);
    if (held !== undefined && held instanceof cls) {
      ref.resolve(held);
      continue;
    }
    const list = waiting.get(key);
    if (list === undefined) {
      waiting.set(key, [ref]);
      tuples.push(values);
    } else list.push(ref);
  }
  if (tuples.length === 0) return 0;
  return runSelectIn(ctx, node, tuples, (key, target) => {
    const refs = waiting.get(key);
    if (refs === undefined || !(target instanceof cls)) return;
    for (const ref of refs) if (!ref.loaded && refIdentity(r, ref) === key) ref.resolve(target);
  });
}

/** Execute the select-in statements for `tuples`; `found(ownerKey, target)` per row. Returns the statement count. */
async function runSelectIn(
  ctx: LoadContext,
  node: LoadNode,
  tuples: readonly (readonly unknown[])[],
  found: (key: IdentityKey, target: object) => void,
): Promise<number> {
  const plan = selectInPlan(node, ctx.dialect);
  const layout = plan.layout;
  const statements = plan.statements(tuples);
  for (const compiled of statements) {
    const rows = await ctx.connection.executeArrays(compiled);
    if (rows.length === 0) continue;
    const { perRow } = collapse(ctx.target, rows, layout);
    const slots = layout.ownerSlots;
    // Rows repeat a (key, target) pair only when a to-many join multiplies them.
    const seen = layout.multiplied ? new Map<IdentityKey, Set<object>>() : undefined;
    for (let i = 0; i < rows.length; i++) {
      const target = perRow[i]!;
      const key = rowIdentity(rows[i]!, slots);
      if (key === undefined) continue;
      if (seen !== undefined) {
        let targets = seen.get(key);
        if (targets === undefined) seen.set(key, (targets = new Set()));
        if (targets.has(target)) continue;
        targets.add(target);
      }
      found(key, target);
    }
  }
  return statements.length;
}
