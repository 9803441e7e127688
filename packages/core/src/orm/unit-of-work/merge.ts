import { InvalidArgumentError, StaleDataError } from '../../errors/errors';
import { identityOf } from '../identity/identity-key';
import type { EntityClass, EntityMetadata } from '../metadata/entity-metadata';
import { Collection } from '../relations/collection';
import { describeKey, Ref } from '../relations/ref';
import { keyOfInstance, metaOfInstance } from './relationship-sync';
import { rootOf } from './row-links';
import { installAccessors } from './tracking/accessors';
import type { UnitOfWork } from './unit-of-work';

/**
 * `session.merge(detached)`: the session's own object for the same row, with the detached
 * object's values copied onto it (recorded as changes like any write: equal values change
 * nothing). The row is looked up in the identity map, else loaded by key; an object with no key,
 * or whose row does not exist, becomes a new pending object. The detached object is left as
 * it is. Relationships: a to-one is copied as a reference to the same key; relationships with
 * `merge` in their cascade (`all` includes it) merge what they hold, recursively. A `@Version`
 * that differs from the session's row is a StaleDataError (the detached copy is out of date).
 */

type Row = Record<string, unknown>;

export interface MergeHost {
  readonly unitOfWork: UnitOfWork;
  get<E extends object>(entity: EntityClass<E>, id: never): Promise<E | null>;
}

export async function merge<T extends object>(host: MergeHost, source: T, seen = new Map<object, object>()): Promise<T> {
  const uow = host.unitOfWork;
  const done = seen.get(source);
  if (done !== undefined) return done as T;
  const meta = metaOfInstance(source);
  if (meta === undefined) throw new InvalidArgumentError(`merge(): a ${source?.constructor?.name ?? typeof source} is not an entity.`);
  const own = uow.stateIn(source);
  if (own !== undefined && (own.status === 'pending' || own.status === 'persistent')) return source;
  installAccessors(meta);
  const key = keyOfInstance(source, meta);
  let target: object | undefined;
  if (key !== undefined) {
    const parts = meta.primaryKey.length === 1 ? [key] : meta.primaryKey.map((c) => (key as Row)[c.name]);
    target = uow.lookup(rootOf(meta), identityOf(parts)) ?? (await host.get(meta.class, key as never)) ?? undefined;
    if (target !== undefined && !(target instanceof (meta.class as Function))) {
      throw new InvalidArgumentError(`merge(): ${meta.name}#${describeKey(key)} is a ${target.constructor.name} in this session.`);
    }
  }
  const isNew = target === undefined;
  if (target === undefined) target = Object.create(meta.class.prototype as object) as object;
  seen.set(source, target);
  if (!isNew) checkVersion(meta, source, target, key);
  copyColumns(meta, source, target, isNew);
  if (isNew) uow.add(target);
  await copyRelations(host, meta, source, target, seen);
  return target as T;
}

function checkVersion(meta: EntityMetadata, source: object, target: object, key: unknown): void {
  const version = meta.version;
  if (version === undefined) return;
  const theirs = (source as Row)[version.name];
  const ours = (target as Row)[version.name];
  if (theirs !== undefined && theirs !== null && ours !== undefined && String(theirs) !== String(ours)) {
    throw new StaleDataError(
      `merge(): the detached ${meta.name}#${describeKey(key)} has ${version.name} ${String(theirs)}, the row has ${String(ours)}: it was changed since the copy was loaded. Load it again and reapply the change.`,
    );
  }
}

function copyColumns(meta: EntityMetadata, source: object, target: object, isNew: boolean): void {
  for (const c of meta.columns) {
    if (!c.instance || (c.version && !isNew)) continue;
    const value = (source as Row)[c.name];
    if (value !== undefined) (target as Row)[c.name] = value;
  }
}

async function copyRelations(host: MergeHost, meta: EntityMetadata, source: object, target: object, seen: Map<object, object>): Promise<void> {
  for (const r of meta.relations) {
    const value = (source as Row)[r.name];
    const cascades = r.cascade.has('merge');
    if (r.joinColumns.length > 0) {
      if (value === undefined) continue;
      if (value === null) (target as Row)[r.name] = null;
      else if (value instanceof Ref) {
        if (cascades && value.value !== undefined) (target as Row)[r.name] = await merge(host, value.value, seen);
        else if (value.value !== undefined && keyOfInstance(value.value) === undefined) continue;
        else (target as Row)[r.name] = new Ref<object, unknown>(value.entity, value.value !== undefined ? keyOfInstance(value.value) : value.key);
      } else if (typeof value === 'object') (target as Row)[r.name] = cascades ? await merge(host, value, seen) : value;
      continue;
    }
    if (!cascades || !(value instanceof Collection) || !value.isLoaded) continue;
    const merged: object[] = [];
    for (const item of value.items!) merged.push(await merge(host, item, seen));
    const mine = (target as Row)[r.name];
    if (!(mine instanceof Collection)) continue;
    if (mine.isLoaded) mine.set(merged);
    else if (r.relation === 'oneToMany') mine.add(...merged);
  }
}
