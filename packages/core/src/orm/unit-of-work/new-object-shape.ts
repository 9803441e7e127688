import { arrayFiller } from '../../runtime/array-literals';
import { keepExemplar } from '../../runtime/exemplars';
import { attachState, InstanceState } from '../identity/instance-state';
import type { EntityMetadata } from '../metadata/entity-metadata';
import { storageOf } from './tracking/storage';

/**
 * Keep alive the hidden class an application's new object of `meta` ends up with once it is
 * in a session: made by its constructor, given its storage by its first property write, then
 * its state when it joins. V8 holds those classes only through their instances (see
 * runtime/exemplars.ts): when every new object of a class dies before a full collection (a
 * request's objects, a benchmark run's), the classes die too, and every function optimized for
 * them (add, cascade, the insert step, applying its outcome) is deoptimized at the next flush
 * (measured on W1: seven deoptimizations per run, each run compiling the flush path afresh).
 *
 * The exemplar is made the way the application makes one: its class's constructor, called once
 * per class with no arguments. A class whose constructor declares parameters gets none (it may
 * need them), and a constructor that throws is left alone: only speed depends on this.
 */
export function keepNewObjectShape(meta: EntityMetadata): void {
  if (shaped.has(meta)) return;
  shaped.add(meta);
  const cls = meta.class as unknown as new () => object;
  if (cls.length !== 0) return;
  try {
    const exemplar = Reflect.construct(cls, []) as object;
    const storage = storageOf(meta);
    if (storage.values(exemplar) === undefined) storage.setValues(exemplar, arrayFiller(meta.columns.length)(undefined));
    attachState(exemplar, new InstanceState(meta, undefined, undefined, 'transient'));
    keepExemplar(exemplar);
  } catch {
    // Its constructor wants something we cannot give: the class runs without an exemplar.
  }
}

const shaped = new WeakSet<EntityMetadata>();
