import type { Transaction } from '../../engine/transaction';
import { and, or } from '../../sql/expression/operators';
import { update } from '../../sql/builders/mutations';
import type { AnyTable } from '../../sql/schema/table';
import { identityOf, type IdentityKey } from '../identity/identity-key';
import { type InstanceState, stateOf } from '../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { unlinkReplaced } from './relationship-sync';
import { foreignKeySlots, snapshotTarget } from './row-links';
import { readToOne } from './tracking/to-one';
import type { UnitOfWork } from './unit-of-work';

/**
 * A one-to-one's foreign key is unique, and the flush writes rows in an order of its own
 * (inserts before updates, updates batched per column set): moving a profile from one author
 * to another, or giving an author a new profile while the old one lets go, would make two
 * rows hold the same key for a moment and fail the constraint. So before the flush, the rows
 * whose nullable one-to-one key changes are released in one UPDATE … SET key = NULL per
 * relationship (and chunk), and their snapshots say NULL: the flush then writes the new
 * values (or nothing, for a link cleared) onto rows that hold no key any more.
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
  for (const [instance, entry] of uow.dirty) {
    const state = entry.state;
    if (state.status !== 'persistent' || uow.deleted.has(instance)) continue;
    for (const r of entry.relations) {
      if (r.relation !== 'oneToOne' || !r.nullable || r.joinColumns.length === 0) continue;
      const before = snapshotTarget(state, r);
      if (before === undefined || before === currentTarget(instance, state, r)) continue;
      let group = groups.get(r);
      if (group === undefined) groups.set(r, (group = { meta: state.meta, relation: r, states: [] }));
      group.states.push(state);
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
