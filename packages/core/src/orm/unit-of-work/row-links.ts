import { type IdentityKey, identityOf } from '../identity/identity-key';
import type { InstanceState } from '../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { Ref } from '../relations/ref';

/**
 * How rows point at each other, for ordering a flush: a new row through the objects its
 * relationships hold, a deleted row through the foreign keys its snapshot holds (what the
 * database has, whatever the object says now).
 */

/** The table a row lives in: a single-table hierarchy is one node of the dependency graph. */
export function rootOf(meta: EntityMetadata): EntityMetadata {
  return meta.inheritance?.root ?? meta;
}

/** The relationships of `meta` that hold a foreign key (owning many-to-one and one-to-one). */
export function foreignKeyRelations(meta: EntityMetadata): readonly RelationProperty[] {
  let list = fkRelations.get(meta);
  if (list === undefined) {
    list = meta.relations.filter((r) => r.joinColumns.length > 0);
    fkRelations.set(meta, list);
  }
  return list;
}

const fkRelations = new WeakMap<EntityMetadata, readonly RelationProperty[]>();

/** The object a to-one value designates in memory: a Ref's entity when it has one, or an entity held directly. */
export function relatedInstance(value: unknown): object | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Ref) return value.value ?? undefined;
  return typeof value === 'object' ? value : undefined;
}

const slotsCache = new WeakMap<EntityMetadata, Map<RelationProperty, readonly number[]>>();

/** Where a relationship's foreign-key columns sit in `meta.columns` (and so in a snapshot). */
export function foreignKeySlots(meta: EntityMetadata, relation: RelationProperty): readonly number[] {
  let byRelation = slotsCache.get(meta);
  if (byRelation === undefined) {
    byRelation = new Map();
    slotsCache.set(meta, byRelation);
  }
  let slots = byRelation.get(relation);
  if (slots === undefined) {
    slots = relation.joinColumns.map((jc) => meta.columns.findIndex((c) => c.name === jc.name));
    byRelation.set(relation, slots);
  }
  return slots;
}

/** The identity of the row a persistent row's foreign key points at in the database; undefined when NULL. */
export function snapshotTarget(state: InstanceState, relation: RelationProperty): IdentityKey | undefined {
  const snapshot = state.snapshot;
  if (snapshot === undefined) return undefined;
  const slots = foreignKeySlots(state.meta, relation);
  const values = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const v = slots[i]! < 0 ? undefined : snapshot[slots[i]!];
    if (v === null || v === undefined) return undefined;
    values[i] = v;
  }
  return identityOf(values);
}
