import { recordHook } from './decorator-records';
import type { LifecycleEvent } from './entity-metadata';

/**
 * Lifecycle hooks: methods the unit of work calls around inserts, updates and deletes, and
 * after loading. Recorded by name into `EntityMetadata.hooks`; inherited by subclasses.
 */

export type HookDecorator = <T extends object, K extends string>(
  target: T,
  propertyKey: K,
  descriptor: TypedPropertyDescriptor<(...args: any[]) => unknown>,
) => void;

function hook(event: LifecycleEvent, decorator: string): () => HookDecorator {
  return () => (target, key) => recordHook(target, key, event, decorator);
}

export const BeforeInsert = hook('beforeInsert', '@BeforeInsert');
export const AfterInsert = hook('afterInsert', '@AfterInsert');
export const BeforeUpdate = hook('beforeUpdate', '@BeforeUpdate');
export const AfterUpdate = hook('afterUpdate', '@AfterUpdate');
export const BeforeDelete = hook('beforeDelete', '@BeforeDelete');
export const AfterDelete = hook('afterDelete', '@AfterDelete');
export const AfterLoad = hook('afterLoad', '@AfterLoad');
