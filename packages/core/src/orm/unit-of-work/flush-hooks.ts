import type { FlushRecord } from './flush-journal';
import { anyHooks, runEntityHooks } from './lifecycle-hooks';
import { emitSessionEvent, hasSessionListeners } from './session-events';
import type { UnitOfWork } from './unit-of-work';

/**
 * Where a flush calls session events and entity hooks (unit-of-work.ts calls these):
 * `beforeFlush` listeners first, then (after delete cascades are resolved) `beforeInsert`,
 * `beforeUpdate` and `beforeDelete` hooks, all before the change set is computed, so what they
 * change is written by this flush. After a successful flush: `afterInsert`, `afterUpdate`,
 * `afterDelete` for the rows written, then `afterFlush` listeners. While they run, a flush
 * they cause (`session.flush()`, a query's autoflush) does nothing: changes made by before-hooks
 * are written by the flush under way, changes made by after-hooks at the next one.
 */

export async function beforeFlushHooks(uow: UnitOfWork, phase: 'events' | 'entities'): Promise<void> {
  uow.inHooks++;
  try {
    await before(uow, phase);
  } finally {
    uow.inHooks--;
  }
}

export async function afterFlushHooks(uow: UnitOfWork, record: FlushRecord): Promise<void> {
  uow.inHooks++;
  try {
    await after(uow, record);
  } finally {
    uow.inHooks--;
  }
}

async function before(uow: UnitOfWork, phase: 'events' | 'entities'): Promise<void> {
  const session = uow.host;
  if (phase === 'events') {
    if (!hasSessionListeners(session, 'beforeFlush')) return;
    const dirty = new Set<object>();
    for (const instance of uow.dirty.keys()) if (uow.isModified(instance)) dirty.add(instance);
    for (const instance of uow.json.keys()) if (!dirty.has(instance) && uow.isModified(instance)) dirty.add(instance);
    await emitSessionEvent(session, 'beforeFlush', { new: new Set(uow.pending), dirty, deleted: new Set(uow.deleted) });
    return;
  }
  if (anyHooks(uow.pending, 'beforeInsert')) await runEntityHooks(uow.pending, 'beforeInsert', session);
  const changed = [...uow.dirty.keys(), ...[...uow.json.keys()].filter((i) => !uow.dirty.has(i))];
  if (anyHooks(changed, 'beforeUpdate')) {
    const modified = changed.filter((i) => !uow.deleted.has(i) && uow.isModified(i));
    await runEntityHooks(modified, 'beforeUpdate', session);
  }
  if (anyHooks(uow.deleted, 'beforeDelete')) await runEntityHooks(uow.deleted, 'beforeDelete', session);
}

async function after(uow: UnitOfWork, record: FlushRecord): Promise<void> {
  const session = uow.host;
  const inserted = record.inserted.map((r) => r.instance);
  const insertedSet = new Set(inserted);
  // Rows inserted then updated in the same flush (cycles broken by a later UPDATE) count as inserted.
  const updated = [...new Set(record.updated.map((r) => r.instance))].filter((i) => !insertedSet.has(i));
  const deleted = record.deleted.map((r) => r.instance);
  if (anyHooks(inserted, 'afterInsert')) await runEntityHooks(inserted, 'afterInsert', session);
  if (anyHooks(updated, 'afterUpdate')) await runEntityHooks(updated, 'afterUpdate', session);
  if (anyHooks(deleted, 'afterDelete')) await runEntityHooks(deleted, 'afterDelete', session);
  await emitSessionEvent(session, 'afterFlush', { new: new Set(inserted), dirty: new Set(updated), deleted: new Set(deleted) });
}
