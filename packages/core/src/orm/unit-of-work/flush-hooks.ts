import { AsyncLocalStorage } from 'node:async_hooks';
import type { FlushRecord } from './flush-journal';
import { anyHooks, mayHaveHooks, runEntityHooks } from './lifecycle-hooks';
import { emitSessionEvent, hasSessionListeners } from './session-events';
import type { UnitOfWork } from './unit-of-work';

/**
 * Where a flush calls session events and entity hooks (unit-of-work.ts calls these):
 * `beforeFlush` listeners first, then (after delete cascades are resolved) `beforeInsert`,
 * `beforeUpdate` and `beforeDelete` hooks, all before the change set is computed, so what they
 * change is written by this flush. After a successful flush: `afterInsert`, `afterUpdate`,
 * `afterDelete` for the rows written, then `afterFlush` listeners.
 *
 * While listeners and hooks run (SQLAlchemy's "the session is already flushing"): a query's
 * autoflush does nothing (changes made by before-hooks are written by the flush under way,
 * those made by after-hooks at the next one), and `session.flush()` or `commit()` raises
 * TransactionStateError (see UnitOfWork.flush): awaiting the flush under way from inside it
 * could never finish. Only calls made from inside the listeners and hooks count (an
 * AsyncLocalStorage scope around them, created the first time any flush calls one, so
 * sessions without hooks never pay for it); a flush() from elsewhere, while they run, waits
 * for the flush under way as usual.
 */

let scope: AsyncLocalStorage<UnitOfWork> | undefined;

/** Whether the caller is inside this unit of work's flush listeners or hooks. */
export function insideHooks(uow: UnitOfWork): boolean {
  return uow.inHooks !== 0 && scope?.getStore() === uow;
}

export async function beforeFlushHooks(uow: UnitOfWork, phase: 'events' | 'entities'): Promise<void> {
  await before(uow, phase);
}

export async function afterFlushHooks(uow: UnitOfWork, record: FlushRecord): Promise<void> {
  await after(uow, record);
}

/** Call listeners or hooks, the unit of work knowing it is inside them. */
async function hooked(uow: UnitOfWork, call: () => Promise<unknown>): Promise<void> {
  uow.inHooks++;
  try {
    scope ??= new AsyncLocalStorage<UnitOfWork>();
    await scope.run(uow, call);
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
    await hooked(uow, () => emitSessionEvent(session, 'beforeFlush', { new: new Set(uow.pending), dirty, deleted: new Set(uow.deleted) }));
    return;
  }
  if (anyHooks(uow.pending, 'beforeInsert')) await hooked(uow, () => runEntityHooks(uow.pending, 'beforeInsert', session));
  const changed = [...uow.dirty.keys(), ...[...uow.json.keys()].filter((i) => !uow.dirty.has(i))];
  if (anyHooks(changed, 'beforeUpdate')) {
    const modified = changed.filter((i) => !uow.deleted.has(i) && uow.isModified(i));
    await hooked(uow, () => runEntityHooks(modified, 'beforeUpdate', session));
  }
  if (anyHooks(uow.deleted, 'beforeDelete')) await hooked(uow, () => runEntityHooks(uow.deleted, 'beforeDelete', session));
}

/** Whether any flushed row's class has `event` hooks (each class checked once). */
function rowsHooked(rows: readonly { readonly instance: object }[], event: 'afterInsert' | 'afterUpdate' | 'afterDelete'): boolean {
  if (!mayHaveHooks(event)) return false;
  const checked: unknown[] = [];
  outer: for (let i = 0; i < rows.length; i++) {
    const instance = rows[i]!.instance;
    const proto: unknown = Object.getPrototypeOf(instance);
    for (let k = 0; k < checked.length; k++) if (checked[k] === proto) continue outer;
    if (anyHooks([instance], event)) return true;
    checked.push(proto);
  }
  return false;
}

async function after(uow: UnitOfWork, record: FlushRecord): Promise<void> {
  const session = uow.host;
  // Nothing to call (the usual case): no arrays or sets of the flushed objects are made.
  if (
    !hasSessionListeners(session, 'afterFlush') &&
    !rowsHooked(record.inserted, 'afterInsert') &&
    !rowsHooked(record.updated, 'afterUpdate') &&
    !rowsHooked(record.deleted, 'afterDelete')
  ) {
    return;
  }
  const inserted = record.inserted.map((r) => r.instance);
  const insertedSet = new Set(inserted);
  // Rows inserted then updated in the same flush (cycles broken by a later UPDATE) count as inserted.
  const updated = [...new Set(record.updated.map((r) => r.instance))].filter((i) => !insertedSet.has(i));
  const deleted = record.deleted.map((r) => r.instance);
  await hooked(uow, async () => {
    if (anyHooks(inserted, 'afterInsert')) await runEntityHooks(inserted, 'afterInsert', session);
    if (anyHooks(updated, 'afterUpdate')) await runEntityHooks(updated, 'afterUpdate', session);
    if (anyHooks(deleted, 'afterDelete')) await runEntityHooks(deleted, 'afterDelete', session);
    await emitSessionEvent(session, 'afterFlush', { new: new Set(inserted), dirty: new Set(updated), deleted: new Set(deleted) });
  });
}
