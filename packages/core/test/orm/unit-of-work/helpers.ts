import { InstanceState, metadataOf, Ref, stateOf } from '@athanor/core';
import type { ColumnProperty, EntityClass, Engine } from '@athanor/core';
import type { AssociationChange, ChangeSet, DeleteChange, InsertChange, UpdateChange } from '../../../src/orm/unit-of-work/change-set';
import { attachState } from '../../../src/orm/identity/instance-state';
import { identityOf } from '../../../src/orm/identity/identity-key';
import { flushChanges, type FlushOptions } from '../../../src/orm/unit-of-work/flush-executor';
import type { FlushOutcome } from '../../../src/orm/unit-of-work/flush-result';

/**
 * What the session's write side will do, reduced to the minimum the flush tests need: states for
 * new objects, change records, and a flush in a transaction whose outcome is applied on success.
 */

/** A new object with fields, its state pending. */
export function make<T extends object>(cls: EntityClass<T>, fields: Partial<T>): T {
  const instance = Object.assign(Object.create(cls.prototype as object) as T, fields);
  attachState(instance, new InstanceState(metadataOf(cls), undefined, undefined, 'pending'));
  return instance;
}

/** A Ref holding an entity (what `post.author = user` becomes). */
export function to<T extends object>(target: T): Ref<T> {
  return new Ref<T>(target.constructor as EntityClass<T>, (stateOf(target)?.key as number | undefined) ?? (undefined as never), target);
}

export function inserted(...instances: object[]): InsertChange[] {
  return instances.map((instance) => ({ kind: 'insert', state: stateOf(instance)!, instance }));
}

/** An update of the named properties (the columns they map). */
export function updated(instance: object, ...properties: string[]): UpdateChange {
  const state = stateOf(instance)!;
  const columns = properties.flatMap((p): ColumnProperty[] => {
    const column = state.meta.columns.find((c) => c.name === p);
    if (column) return [column];
    const relation = state.meta.relations.find((r) => r.name === p);
    if (relation) return [...relation.joinColumns];
    throw new Error(`no column ${p}`);
  });
  return { kind: 'update', state, instance, columns };
}

export function deleted(...instances: object[]): DeleteChange[] {
  return instances.map((instance) => ({ kind: 'delete', state: stateOf(instance)!, instance }));
}

export function link(owner: object, relation: string, target: object, kind: 'link' | 'unlink' = 'link'): AssociationChange {
  const r = stateOf(owner)!.meta.relations.find((x) => x.name === relation)!;
  return { kind, relation: r, owner, target };
}

export function changeSet(parts: Partial<Omit<ChangeSet, 'isEmpty'>>): ChangeSet {
  const set = { inserts: [], updates: [], deletes: [], associations: [], ...parts };
  return { ...set, isEmpty: set.inserts.length + set.updates.length + set.deletes.length + set.associations.length === 0 };
}

/** Flush in a transaction; apply the outcome (keys, snapshots, persistent) only when it committed. */
export async function flush(engine: Engine, changes: ChangeSet, options?: FlushOptions): Promise<FlushOutcome> {
  const outcome = await engine.transaction((tx) => flushChanges(engine.dialect, tx, changes, options));
  outcome.apply({
    onInserted: (state) => (state.status = 'persistent'),
    onDeleted: (state) => (state.status = 'deleted'),
  });
  return outcome;
}

/** An object as if loaded from `row` (keyed by column property: `authorId` for `author`), its state persistent. */
export function loaded<T extends object>(cls: EntityClass<T>, row: Record<string, unknown>): T {
  const meta = metadataOf(cls);
  const instance = Object.create(cls.prototype as object) as Record<string, unknown>;
  for (const c of meta.columns) if (c.instance) instance[c.name] = row[c.name] ?? null;
  for (const r of meta.relations) {
    if (r.joinColumns.length !== 1) continue;
    const key = row[r.joinColumns[0]!.name];
    instance[r.name] = key === null || key === undefined ? null : new Ref(r.target.class, key);
  }
  const snapshot = meta.columns.map((c) => row[c.name] ?? null);
  const pk = meta.primaryKey.map((c) => row[c.name]);
  const key = identityOf(pk);
  const state = new InstanceState(meta, key, snapshot, 'persistent');
  attachState(instance, state);
  return instance as T;
}
