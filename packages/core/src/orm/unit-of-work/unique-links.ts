import type { Transaction } from '../../engine/transaction';
import { and, or } from '../../sql/expression/operators';
import { update } from '../../sql/builders/mutations';
import type { AnyTable } from '../../sql/schema/table';
import { identityOf, type IdentityKey } from '../identity/identity-key';
import { type InstanceState, stateOf } from '../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { unlinkReplaced } from './relationship-sync';
import { foreignKeyRelations, foreignKeySlots, rootOf, snapshotTarget } from './row-links';
import { readToOne } from './tracking/to-one';
import type { UnitOfWork } from './unit-of-work';
import type { ChangeSet, DeleteChange } from './change-set';

/**
 * A one-to-one's foreign key is unique, and the flush writes rows in an order of its own
 * (inserts before updates, updates batched per column set): moving a profile from one author
 * to another, or giving an author a new profile while the old one lets go, would make two
 * rows hold the same key for a moment and fail the constraint. So before the flush, the rows
 * whose nullable one-to-one key changes are released in one UPDATE … SET key = NULL per
 * relationship (and chunk), and their snapshots say NULL: the flush then writes the new
 * values (or nothing, for a link cleared) onto rows that hold no key any more.
 *
 * A deleted row's key is in the way too when a new or updated row of the same flush takes it
 * (delete a profile and give its author a new one): deletes run last. A nullable key is
 * released here with the changed ones; a key that cannot be NULL makes that delete run first
 * instead (`deletesFirst`, used by the commit order), with the deleted rows that point at it.
 */

/**
 * Before a flush: owners whose inverse one-to-one was assigned while its previous target was
 * not loaded (`author.profile = p` on a fresh author): the rows still linked to them are read
 * (one statement per relationship and chunk of owners) and, unless they are the new target,
 * unlinked, so the flush clears their keys.
 */
export async function unlinkReplacedInverse(uow: UnitOfWork): Promise<void> {
  const replaced = [...uow.replacedInverse];
  uow.replacedInverse.clear();
  for (const [relation, owners] of replaced) {
    const live = [...owners].filter((o) => uow.stateIn(o)?.status === 'persistent');
    if (live.length === 0) continue;
    for (const child of await uow.host.loadChildren(relation, live)) unlinkReplaced(child, relation, owners);
  }
}

interface Released {
  readonly meta: EntityMetadata;
  readonly relation: RelationProperty;
  readonly states: InstanceState[];
}

const CHUNK = 500;

/** Release the keys; returns what puts the snapshots back if the flush then fails (undefined: nothing released). */
export async function releaseUniqueLinks(uow: UnitOfWork, transaction: () => Promise<Transaction>): Promise<(() => void) | undefined> {
  const groups = new Map<RelationProperty, Released>();
  const release = (state: InstanceState, r: RelationProperty): void => {
    let group = groups.get(r);
    if (group === undefined) groups.set(r, (group = { meta: state.meta, relation: r, states: [] }));
    group.states.push(state);
  };
  for (const [instance, entry] of uow.dirty) {
    const state = entry.state;
    if (state.status !== 'persistent' || uow.deleted.has(instance)) continue;
    for (const r of entry.relations) {
      if (r.relation !== 'oneToOne' || !r.nullable || r.joinColumns.length === 0) continue;
      const before = snapshotTarget(state, r);
      if (before === undefined || before === currentTarget(instance, state, r)) continue;
      release(state, r);
    }
  }
  if (uow.deleted.size !== 0) {
    const deleted: Held[] = [];
    for (const instance of uow.deleted) {
      const state = uow.stateIn(instance);
      if (state?.status === 'persistent') heldKeys(state, true, deleted);
    }
    if (deleted.length !== 0) {
      const taken = keysTaken(deleted, sessionWriters(uow));
      for (const h of deleted) if (taken.has(slotOf(h.meta, h.relation, h.key))) release(h.state, h.relation);
    }
  }
  if (groups.size === 0) return undefined;
  const tx = await transaction();
  const undo: (() => void)[] = [];
  for (const { meta, relation, states } of groups.values()) {
    const root = meta.inheritance?.root ?? meta;
    const table = root.table as AnyTable;
    const nulls = Object.fromEntries(relation.joinColumns.map((c) => [c.name, null]));
    for (let i = 0; i < states.length; i += CHUNK) {
      const chunk = states.slice(i, i + CHUNK);
      await tx.run(update(table).set(nulls as never).where(keysCondition(table, root, chunk)));
    }
  }
  // Every statement went through: now the snapshots follow.
  for (const { relation, states } of groups.values()) {
    for (const state of states) {
      const snapshot = state.snapshot!;
      const released = snapshot.slice();
      for (const slot of foreignKeySlots(state.meta, relation)) released[slot] = null;
      state.snapshot = released;
      undo.push(() => {
        if (state.snapshot === released) state.snapshot = snapshot;
      });
    }
  }
  return () => {
    for (const u of undo) u();
  };
}

/** The identity the relationship designates now (undefined: none, or a new object without a key). */
function currentTarget(instance: object, state: InstanceState, r: RelationProperty): IdentityKey | undefined {
  const value = readToOne(instance, state.meta, r);
  if (value === null || value === undefined) return undefined;
  if (value.value !== undefined) return stateOf(value.value)?.key;
  const pk = r.target.primaryKey;
  const key = value.key;
  const parts = pk.length === 1 ? [key] : pk.map((c) => (key as Record<string, unknown> | undefined)?.[c.name]);
  return parts.some((p) => p === undefined || p === null) ? undefined : identityOf(parts);
}

/** The rows of these objects, by their primary key as loaded. */
function keysCondition(table: AnyTable, root: EntityMetadata, states: readonly InstanceState[]) {
  const pk = root.primaryKey;
  const slots = pk.map((c) => states[0]!.meta.columns.findIndex((x) => x.name === c.name));
  const keyOf = (state: InstanceState) => slots.map((slot) => state.snapshot![slot]);
  if (pk.length === 1) return table.$column(pk[0]!.name).in(states.map((s) => keyOf(s)[0]));
  return or(...states.map((s) => and(...keyOf(s).map((v, i) => table.$column(pk[i]!.name).eq(v)))));
}

/** A deleted row's one-to-one key: the target it points at in the database. */
interface Held {
  readonly state: InstanceState;
  readonly meta: EntityMetadata;
  readonly relation: RelationProperty;
  readonly key: IdentityKey;
}

/** A row the flush inserts or updates: `changed`, the one-to-ones whose key it may write. */
interface Writer {
  readonly instance: object;
  readonly state: InstanceState;
  readonly changed: readonly RelationProperty[] | undefined;
}

/** The owning one-to-ones of a deleted row that hold a key, nullable or not as asked. */
function heldKeys(state: InstanceState, nullable: boolean, out: Held[]): void {
  for (const r of foreignKeyRelations(state.meta)) {
    if (r.relation !== 'oneToOne' || r.nullable !== nullable) continue;
    const key = snapshotTarget(state, r);
    if (key !== undefined) out.push({ state, meta: state.meta, relation: r, key });
  }
}

/** The rows a flush will insert (pending objects) or update through a to-one (dirty ones). */
function* sessionWriters(uow: UnitOfWork): Iterable<Writer> {
  for (const instance of uow.pending) {
    const state = uow.stateIn(instance);
    if (state !== undefined) yield { instance, state, changed: undefined };
  }
  for (const [instance, entry] of uow.dirty) {
    if (entry.state.status === 'persistent' && entry.relations.length !== 0 && !uow.deleted.has(instance)) yield { instance, state: entry.state, changed: entry.relations };
  }
}

/**
 * The unique one-to-one slots (table, key columns, target) the writers take, among those the
 * held keys occupy; a slot is named by a string so that a single-table hierarchy's classes
 * (whose relationship objects may differ) share it.
 */
function keysTaken(held: readonly Held[], writers: Iterable<Writer>): Set<string> {
  const wanted = new Set(held.map((h) => slotOf(h.meta, h.relation, undefined)));
  const taken = new Set<string>();
  for (const { instance, state, changed } of writers) {
    for (const r of changed ?? foreignKeyRelations(state.meta)) {
      if (r.relation !== 'oneToOne' || r.joinColumns.length === 0 || !wanted.has(slotOf(state.meta, r, undefined))) continue;
      const key = currentTarget(instance, state, r);
      if (key === undefined || (changed !== undefined && key === snapshotTarget(state, r))) continue;
      taken.add(slotOf(state.meta, r, key));
    }
  }
  return taken;
}

function slotOf(meta: EntityMetadata, r: RelationProperty, key: IdentityKey | undefined): string {
  const root = rootOf(meta);
  return `${root.schema ?? ''}.${root.tableName}(${r.joinColumns.map((c) => c.column).join(',')})${key === undefined ? '' : `=${String(key)}`}`;
}

/**
 * For the commit order: the deletes to run before the inserts. A deleted row whose one-to-one
 * key cannot be NULL (so it was not released) and that a new or updated row of the flush takes
 * must be gone first; the deleted rows pointing at it (its children) go before it, as deletes
 * always do, so they are taken along. Empty (no work) when no deleted row holds such a key.
 */
export function deletesFirst(changes: ChangeSet): Set<DeleteChange> {
  const first = new Set<DeleteChange>();
  const held: Held[] = [];
  for (const c of changes.deletes) heldKeys(c.state, false, held);
  if (held.length === 0) return first;
  const writers: Writer[] = [
    ...changes.inserts.map((c) => ({ instance: c.instance, state: c.state, changed: undefined })),
    ...changes.updates.map((c) => ({ instance: c.instance, state: c.state, changed: foreignKeyRelations(c.state.meta).filter((r) => r.joinColumns.some((jc) => c.columns.includes(jc))) })),
  ];
  const taken = keysTaken(held, writers);
  const byState = new Map(changes.deletes.map((c) => [c.state, c]));
  for (const h of held) if (taken.has(slotOf(h.meta, h.relation, h.key))) first.add(byState.get(h.state)!);
  if (first.size === 0) return first;
  // Children: deleted rows whose snapshot points at a row already going first, to a fixed point.
  const keys = new Set<string>();
  const mark = (c: DeleteChange): void => {
    keys.add(`${rootOf(c.state.meta).tableName}:${String(c.state.key)}`);
  };
  first.forEach(mark);
  for (let grew = true; grew; ) {
    grew = false;
    for (const c of changes.deletes) {
      if (first.has(c)) continue;
      const points = foreignKeyRelations(c.state.meta).some((r) => {
        const target = snapshotTarget(c.state, r);
        return target !== undefined && keys.has(`${rootOf(r.target).tableName}:${String(target)}`);
      });
      if (!points) continue;
      first.add(c);
      mark(c);
      grew = true;
    }
  }
  return first;
}
