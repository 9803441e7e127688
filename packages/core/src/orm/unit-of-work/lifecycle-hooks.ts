import { hookDeclared } from '../metadata/decorator-records';
import type { EntityClass, LifecycleEvent } from '../metadata/entity-metadata';
import { metaOfInstance } from './relationship-sync';

/**
 * Entity lifecycle hooks: the methods recorded by `@BeforeInsert` … `@AfterDelete` (in
 * `EntityMetadata.hooks`), and listeners registered by class with `addEntityListener`
 * (independent of any registry; a listener of a class also hears its subclasses). Before-hooks
 * run at the start of a flush, before the change set is computed, so values they set are
 * written; after-hooks run once the flush has succeeded. `@AfterLoad` runs at hydration.
 */

export type EntityEvent = Exclude<LifecycleEvent, 'afterLoad'>;

export type EntityListener<T extends object = object> = (entity: T, session: unknown) => unknown;

const listeners = new Map<EntityClass, Map<EntityEvent, EntityListener[]>>();
/** Listeners registered and not removed, all classes and events together. */
let listenerCount = 0;

/** Call `listener(entity, session)` for every `event` of instances of `cls` (and its subclasses). Returns a function removing it. */
export function addEntityListener<T extends object>(cls: abstract new (...args: any[]) => T, event: EntityEvent, listener: EntityListener<T>): () => void {
  let byEvent = listeners.get(cls as EntityClass);
  if (byEvent === undefined) listeners.set(cls as EntityClass, (byEvent = new Map()));
  const list = byEvent.get(event) ?? [];
  list.push(listener as EntityListener);
  listenerCount++;
  byEvent.set(event, list);
  return () => removeEntityListener(cls, event, listener);
}

export function removeEntityListener<T extends object>(cls: abstract new (...args: any[]) => T, event: EntityEvent, listener: EntityListener<T>): void {
  const list = listeners.get(cls as EntityClass)?.get(event);
  if (list === undefined) return;
  const i = list.indexOf(listener as EntityListener);
  if (i < 0) return;
  list.splice(i, 1);
  listenerCount--;
}

/**
 * Whether anything in the process could be called for `event`: some class declares a hook for
 * it, or a listener is registered. When not (the usual case), a flush does not look at its
 * objects one by one (measured on W1: 5 ms of 60k objects, before and after the flush).
 */
export function mayHaveHooks(event: EntityEvent): boolean {
  return listenerCount > 0 || hookDeclared(event);
}

/** Whether any object of this event may have something to call (cheap check before walking the sets). */
export function anyHooks(instances: Iterable<object>, event: EntityEvent): boolean {
  if (!mayHaveHooks(event)) return false;
  // The answer is the class's: each class is checked once (a flush's objects interleave a few
  // classes: a user, its posts, the next user…). Arrays and sets get their own loops.
  const checked: unknown[] = [];
  if (Array.isArray(instances)) {
    for (let i = 0; i < instances.length; i++) if (hooked(instances[i] as object, event, checked)) return true;
    return false;
  }
  if (instances instanceof Set) {
    let found = false;
    (instances as Set<object>).forEach((instance) => {
      if (!found && hooked(instance, event, checked)) found = true;
    });
    return found;
  }
  for (const instance of instances) if (hooked(instance, event, checked)) return true;
  return false;
}

function hooked(instance: object, event: EntityEvent, checked: unknown[]): boolean {
  const proto: unknown = Object.getPrototypeOf(instance);
  for (let i = 0; i < checked.length; i++) if (checked[i] === proto) return false;
  if (hasHooks(instance, event)) return true;
  checked.push(proto);
  return false;
}

function hasHooks(instance: object, event: EntityEvent): boolean {
  const meta = metaOfInstance(instance);
  if (meta !== undefined && (meta.hooks.get(event)?.length ?? 0) > 0) return true;
  if (listeners.size === 0) return false;
  for (let p = Object.getPrototypeOf(instance); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) {
    if ((listeners.get(p.constructor as EntityClass)?.get(event)?.length ?? 0) > 0) return true;
  }
  return false;
}

/** Call the hooks and listeners of `event` on each instance, in order (awaited). */
export async function runEntityHooks(instances: Iterable<object>, event: EntityEvent, session: unknown): Promise<void> {
  for (const instance of [...instances]) {
    const meta = metaOfInstance(instance);
    const methods = meta?.hooks.get(event);
    if (methods !== undefined) {
      for (const name of methods) await (instance as Record<string, (...a: unknown[]) => unknown>)[name]!();
    }
    if (listeners.size === 0) continue;
    const chain: EntityClass[] = [];
    for (let p = Object.getPrototypeOf(instance); p !== null && p !== Object.prototype; p = Object.getPrototypeOf(p)) chain.unshift(p.constructor as EntityClass);
    for (const cls of chain) {
      const list = listeners.get(cls)?.get(event);
      if (list !== undefined) for (const l of [...list]) await l(instance, session);
    }
  }
}
