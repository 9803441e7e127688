/**
 * Session events: listeners a session calls around its flushes and at the end of its
 * transaction. `beforeFlush` runs before the change set is computed (writes made by a listener
 * are flushed), `afterFlush` after a successful flush, `afterCommit` after the transaction
 * committed, `afterRollback` after `session.rollback()`. Listeners run in registration order
 * and are awaited one by one; an error thrown by a flush listener fails the flush.
 */

export type SessionEvent = 'beforeFlush' | 'afterFlush' | 'afterCommit' | 'afterRollback';

/** What a flush listener sees: the objects of the flush (snapshots of the sets when it was called). */
export interface FlushEventContext {
  readonly new: ReadonlySet<object>;
  readonly dirty: ReadonlySet<object>;
  readonly deleted: ReadonlySet<object>;
}

export type SessionListener<S = unknown> = (session: S, flush?: FlushEventContext) => unknown;

/** The listeners of one session (or of an engine, copied into its sessions). */
export class SessionEvents<S = unknown> {
  private readonly listeners = new Map<SessionEvent, SessionListener<S>[]>();

  on(event: SessionEvent, listener: SessionListener<S>): void {
    checkEvent(event);
    const list = this.listeners.get(event) ?? [];
    list.push(listener);
    this.listeners.set(event, list);
  }

  off(event: SessionEvent, listener: SessionListener<S>): void {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    const i = list.indexOf(listener);
    if (i >= 0) list.splice(i, 1);
    if (list.length === 0) this.listeners.delete(event);
  }

  has(event: SessionEvent): boolean {
    return this.listeners.has(event);
  }

  async emit(event: SessionEvent, session: S, flush?: FlushEventContext): Promise<void> {
    const list = this.listeners.get(event);
    if (list === undefined) return;
    for (const listener of [...list]) await listener(session, flush);
  }
}

const EVENTS: ReadonlySet<string> = new Set<SessionEvent>(['beforeFlush', 'afterFlush', 'afterCommit', 'afterRollback']);

function checkEvent(event: string): void {
  if (!EVENTS.has(event)) throw new TypeError(`Unknown session event '${event}'; expected one of ${[...EVENTS].join(', ')}.`);
}

const bySession = new WeakMap<object, SessionEvents>();

/** The event listeners of a session (created on first use). */
export function sessionEvents(session: object): SessionEvents {
  let events = bySession.get(session);
  if (events === undefined) bySession.set(session, (events = new SessionEvents()));
  return events;
}

const byEngine = new WeakMap<object, SessionEvents>();

/** Engine-wide listeners: called for every session of the engine, before the session's own. */
export function engineEvents(engine: object): SessionEvents {
  let events = byEngine.get(engine);
  if (events === undefined) byEngine.set(engine, (events = new SessionEvents()));
  return events;
}

function engineOf(session: object): object | undefined {
  return (session as { engine?: object }).engine;
}

/** Emit an event of a session: the engine's listeners, then the session's. */
export async function emitSessionEvent(session: object, event: SessionEvent, flush?: FlushEventContext): Promise<void> {
  const engine = engineOf(session);
  const shared = engine === undefined ? undefined : byEngine.get(engine);
  if (shared !== undefined && shared.has(event)) await shared.emit(event, session, flush);
  const own = bySession.get(session);
  if (own !== undefined && own.has(event)) await own.emit(event, session, flush);
}

/** Whether a session (or its engine) has listeners for an event. */
export function hasSessionListeners(session: object, event: SessionEvent): boolean {
  if (bySession.get(session)?.has(event) ?? false) return true;
  const engine = engineOf(session);
  return engine !== undefined && (byEngine.get(engine)?.has(event) ?? false);
}
