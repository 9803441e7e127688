import type { AthanorError } from '../errors/errors';

/** Which pool an event came from: 'primary' or 'replica[i]'. */
export type PoolLabel = string;

export interface StatementEvent {
  readonly sql: string;
  readonly params: readonly unknown[];
  readonly connectionId: number;
  readonly pool: PoolLabel;
}
export interface AfterExecuteEvent extends StatementEvent {
  readonly durationMs: number;
  /** Rows returned, or rows affected when the statement returned none. */
  readonly rowCount: number;
}
export interface ErrorEvent extends StatementEvent {
  readonly error: AthanorError;
}
export interface ConnectionEvent {
  readonly connectionId: number;
  readonly pool: PoolLabel;
}
export interface InvalidateEvent extends ConnectionEvent {
  /** disconnect: a statement failed with a disconnect error; dead: the driver reported the
   * connection died; ping: pre-ping failed; stale: created before an invalidation; discard:
   * the connection's state could not be restored (a failed ROLLBACK). */
  readonly reason: 'disconnect' | 'dead' | 'ping' | 'stale' | 'discard';
  readonly error?: unknown;
}
export interface RetryEvent {
  /** The attempt that failed (1 = first run). */
  readonly attempt: number;
  readonly delayMs: number;
  readonly error: unknown;
}

export interface EngineEvents {
  beforeExecute: StatementEvent;
  afterExecute: AfterExecuteEvent;
  error: ErrorEvent;
  /** A new driver connection was opened. */
  connect: ConnectionEvent;
  checkout: ConnectionEvent;
  checkin: ConnectionEvent;
  invalidate: InvalidateEvent;
  /** A driver connection was closed (overflow shrink, recycle, invalidation, dispose). */
  close: ConnectionEvent;
  /** A transaction is about to be re-run after a transient error. */
  retry: RetryEvent;
}

export type EngineEventName = keyof EngineEvents;
export type EngineListener<K extends EngineEventName> = (event: EngineEvents[K]) => void;

type ListenerTable = { [K in EngineEventName]: Array<EngineListener<K>> | undefined };

/**
 * Listener lists per event, undefined while nobody listens: the hot path tests one property
 * and allocates no event object when there are no listeners.
 */
export class EventHub {
  readonly listeners: ListenerTable = {
    beforeExecute: undefined,
    afterExecute: undefined,
    error: undefined,
    connect: undefined,
    checkout: undefined,
    checkin: undefined,
    invalidate: undefined,
    close: undefined,
    retry: undefined,
  };

  constructor(private readonly onListenerError: (event: string, error: unknown) => void) {}

  on<K extends EngineEventName>(event: K, listener: EngineListener<K>): void {
    if (!(event in this.listeners)) throw new TypeError(`Unknown engine event '${String(event)}'`);
    // Copy on write: an emit in progress keeps iterating the list it started with.
    const current = this.listeners[event] as Array<EngineListener<K>> | undefined;
    (this.listeners[event] as Array<EngineListener<K>>) = current ? [...current, listener] : [listener];
  }

  off<K extends EngineEventName>(event: K, listener: EngineListener<K>): void {
    const current = this.listeners[event] as Array<EngineListener<K>> | undefined;
    if (!current) return;
    const index = current.indexOf(listener);
    if (index < 0) return;
    const next = current.filter((_, i) => i !== index);
    (this.listeners[event] as Array<EngineListener<K>> | undefined) = next.length ? next : undefined;
  }

  has(event: EngineEventName): boolean {
    return this.listeners[event] !== undefined;
  }

  /** Listener errors are reported, never thrown into the pool or a statement. */
  emit<K extends EngineEventName>(event: K, payload: EngineEvents[K]): void {
    const list = this.listeners[event] as Array<EngineListener<K>> | undefined;
    if (!list) return;
    for (const listener of list) {
      try {
        listener(payload);
      } catch (error) {
        this.onListenerError(event, error);
      }
    }
  }
}
