import { keepExemplar } from '../../runtime/exemplars';
import { keyPart } from '../identity/identity-key';
import { InstanceState, stateOf } from '../identity/instance-state';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { Collection } from '../relations/collection';
import type { AssociationChange, ChangeSet, DeleteChange, InsertChange, UpdateChange } from './change-set';
import { insertChange, pendingRowOf } from './persister/row-values';
import { updateChange } from './persister/update-persister';
import { keyOfInstance } from './relationship-sync';
import { foreignKeySlots } from './row-links';
import { equalityOf, serializeJson, type Equality } from './tracking/equality';
import { storageOf } from './tracking/storage';
import { readToOne } from './tracking/to-one';
import type { DirtyEntry, JsonWatch, UnitOfWork } from './unit-of-work';

/**
 * The change set of a flush, from what the unit of work recorded, never from a scan of the
 * session: inserts for pending objects; updates for objects with recorded writes, with the
 * columns whose value now differs from the snapshot (a value set back to what was loaded
 * drops out), foreign keys of reassigned to-one relationships, and JSON values whose
 * serialization differs from the one taken when they were first read (in-place changes);
 * deletes; many-to-many links recorded by collections, plus every link of a new object's
 * loaded collections.
 */
export function computeChangeSet(uow: UnitOfWork): ChangeSet {
  const inserts = new Array<InsertChange>(uow.pending.size);
  let at = 0;
  // forEach: no iterator result per object while this runs unoptimized (once per flush).
  uow.pending.forEach((instance) => {
    inserts[at++] = insertChange(stateOf(instance)!, instance);
  });
  const updates: UpdateChange[] = [];
  const anyDeleted = uow.deleted.size !== 0;
  const anyJson = uow.json.size !== 0;
  // forEach: no [key, value] pair per entry.
  uow.dirty.forEach((entry, instance) => {
    if (anyDeleted && uow.deleted.has(instance)) return;
    const columns = changedColumns(instance, entry.state, entry, anyJson ? uow.json.get(instance) : undefined);
    if (columns.length !== 0) updates.push(updateChange(entry.state, instance, columns));
  });
  for (const [instance, watch] of uow.json) {
    if (uow.dirty.has(instance) || uow.deleted.has(instance) || watch.state.status !== 'persistent') continue;
    const columns = changedColumns(instance, watch.state, undefined, watch);
    if (columns.length !== 0) updates.push(updateChange(watch.state, instance, columns));
  }
  const deletes: DeleteChange[] = [];
  for (const instance of uow.deleted) {
    const state = stateOf(instance)!;
    if (state.status === 'persistent') deletes.push({ kind: 'delete', state, instance });
  }
  const associations = associationChanges(uow, inserts);
  const isEmpty = inserts.length === 0 && updates.length === 0 && deletes.length === 0 && associations.length === 0;
  return { inserts, updates, deletes, associations, isEmpty };
}

const equalities = new WeakMap<EntityMetadata, readonly Equality[]>();

function equalitiesOf(meta: EntityMetadata): readonly Equality[] {
  let list = equalities.get(meta);
  if (list === undefined) {
    list = meta.columns.map((c) => equalityOf(c.type.kind));
    equalities.set(meta, list);
  }
  return list;
}

const NONE: readonly ColumnProperty[] = Object.freeze([]);

const singleColumns = new WeakMap<EntityMetadata, (readonly ColumnProperty[])[]>();

/**
 * `[meta.columns[slot]]`, one shared frozen array per column: the rows changing the same single
 * column (the usual bulk edit) share it, which also lets the update step group them by identity.
 */
function singleColumn(meta: EntityMetadata, slot: number): readonly ColumnProperty[] {
  let list = singleColumns.get(meta);
  if (list === undefined) singleColumns.set(meta, (list = []));
  return (list[slot] ??= Object.freeze([meta.columns[slot]!]));
}

/** The columns of `instance` that differ from its snapshot, in table order. */
function changedColumns(instance: object, state: InstanceState, entry: DirtyEntry | undefined, watch: JsonWatch | undefined): readonly ColumnProperty[] {
  const meta = state.meta;
  const snapshot = state.snapshot;
  const values = storageOf(meta).values(instance);
  if (snapshot === undefined || values === undefined) return [];
  const columns = meta.columns;
  // The common case: one column written, no relationship, no JSON watched.
  if (entry !== undefined && watch === undefined && entry.relations.length === 0 && entry.slots.length === 1) {
    const s = entry.slots[0]!;
    return equalitiesOf(meta)[s]!(values[s], snapshot[s]) ? NONE : singleColumn(meta, s);
  }
  const slots: number[] = [];
  if (entry !== undefined) {
    const same = equalitiesOf(meta);
    for (const s of entry.slots) if (!same[s]!(values[s], snapshot[s])) slots.push(s);
    for (const r of entry.relations) if (foreignKeyChanged(instance, meta, r, snapshot)) slots.push(...foreignKeySlots(meta, r));
  }
  if (watch !== undefined) {
    watch.baselines.forEach((baseline, s) => {
      if (baseline !== undefined && !slots.includes(s) && serializeJson(values[s]) !== baseline) slots.push(s);
    });
  }
  if (slots.length === 0) return [];
  return [...new Set(slots)].sort((a, b) => a - b).map((s) => columns[s]!);
}

/** Whether an entry's recorded writes still differ from the snapshot. */
export function isClean(instance: object, entry: DirtyEntry): boolean {
  const state = entry.state;
  const snapshot = state.snapshot;
  const values = storageOf(state.meta).values(instance);
  if (snapshot === undefined || values === undefined) return true;
  const same = equalitiesOf(state.meta);
  for (const s of entry.slots) if (!same[s]!(values[s], snapshot[s])) return false;
  for (const r of entry.relations) if (foreignKeyChanged(instance, state.meta, r, snapshot)) return false;
  return true;
}

/** Whether a to-one relationship now points elsewhere than the foreign key in the snapshot. */
function foreignKeyChanged(instance: object, meta: EntityMetadata, relation: RelationProperty, snapshot: readonly unknown[]): boolean {
  const slots = foreignKeySlots(meta, relation);
  const current = readToOne(instance, meta, relation);
  if (current === null || current === undefined) return slots.some((s) => snapshot[s] !== null && snapshot[s] !== undefined);
  let key: unknown;
  if (current.value !== undefined) {
    const target = stateOf(current.value);
    // A new parent has no row yet: the foreign key will change once it is inserted.
    if (target === undefined || target.status !== 'persistent' || target.key === undefined) return true;
    key = keyOfInstance(current.value, target.meta);
  } else key = current.key;
  if (key === undefined || key === null) return true;
  const pk = relation.target.primaryKey;
  for (let i = 0; i < slots.length; i++) {
    const part = pk.length === 1 ? key : (key as Record<string, unknown>)[pk[i]!.name];
    if (part === undefined || part === null) return true;
    if (keyPart(part) !== keyPart(snapshot[slots[i]!])) return true;
  }
  return false;
}

/**
 * Association rows: the recorded links and unlinks (an unlink needs both rows to exist; rows
 * being deleted take their association rows with them, ON DELETE CASCADE), and the links of
 * new objects' loaded many-to-many collections, on either side.
 */
function associationChanges(uow: UnitOfWork, inserts: readonly InsertChange[]): AssociationChange[] {
  const out: AssociationChange[] = [];
  const seen = new Map<RelationProperty, Map<object, Set<object>>>();
  const push = (relation: RelationProperty, owner: object, target: object, kind: 'link' | 'unlink'): void => {
    let byOwner = seen.get(relation);
    if (byOwner === undefined) seen.set(relation, (byOwner = new Map()));
    let targets = byOwner.get(owner);
    if (targets === undefined) byOwner.set(owner, (targets = new Set()));
    if (targets.has(target)) return;
    targets.add(target);
    out.push({ kind, relation, owner, target });
  };
  const gone = (o: object): boolean => uow.deleted.has(o) || stateOf(o)?.status === 'transient';
  for (const [relation, byOwner] of uow.associations) {
    for (const [owner, byTarget] of byOwner) {
      for (const [target, kind] of byTarget) {
        if (gone(owner) || gone(target)) continue;
        if (kind === 'unlink' && (uow.pending.has(owner) || uow.pending.has(target))) continue;
        push(relation, owner, target, kind);
      }
    }
  }
  let meta: EntityMetadata | undefined;
  let manyToMany: readonly RelationProperty[] = [];
  for (let i = 0; i < inserts.length; i++) {
    const { instance, state } = inserts[i]!;
    if (state.meta !== meta) {
      meta = state.meta;
      manyToMany = manyToManyOf(meta);
    }
    for (const r of manyToMany) {
      const c = (instance as Record<string, unknown>)[r.name];
      if (!(c instanceof Collection) || !c.isLoaded) continue;
      const owning = r.owner ? r : r.inverse;
      if (owning === undefined) continue;
      for (const item of c.items!) {
        if (gone(item)) continue;
        if (r.owner) push(owning, instance, item, 'link');
        else push(owning, item, instance, 'link');
      }
    }
  }
  return out;
}

const manyToManies = new WeakMap<EntityMetadata, readonly RelationProperty[]>();

function manyToManyOf(meta: EntityMetadata): readonly RelationProperty[] {
  let list = manyToManies.get(meta);
  if (list === undefined) manyToManies.set(meta, (list = meta.relations.filter((r) => r.relation === 'manyToMany')));
  return list;
}

// See runtime/exemplars.ts: a flush's change records all die with it; one of each, its fields
// holding what a flush puts there, keeps their classes.
const exemplarState = new InstanceState({} as EntityMetadata, undefined, undefined, 'pending');
const exemplarRow = keepExemplar(pendingRowOf(insertChange(exemplarState, {}), exemplarState.meta, []));
exemplarRow.key = 1;
exemplarRow.priorKey = 1;
exemplarRow.priorSnapshot = [];
exemplarRow.priorValues = [];
Object.assign(keepExemplar(updateChange(exemplarState, {}, [])), { values: [], before: [], slots: [], key: 1 });
keepExemplar<ChangeSet>({ inserts: [], updates: [], deletes: [], associations: [], isEmpty: true });
