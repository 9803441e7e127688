import { Engine } from '../../engine/engine';
import { InvalidArgumentError } from '../../errors/errors';
import { Session } from './session';
import { TransactionConnection } from './session-connection';
import './session-writes';
import type { ScopedSessionOptions, SessionOptions } from './session-options';
import { emitSessionEvent, engineEvents, type FlushEventContext, type SessionEvent } from '../unit-of-work/session-events';

/**
 * `engine.session()`: the engine layer knows nothing of the ORM, so the ORM adds the method
 * to the Engine class here (types by module augmentation).
 */
declare module '../../engine/engine' {
  interface Engine {
    /** A session on this engine; `close()` it (or `await using s = engine.session()`). */
    session(options?: SessionOptions): Session;
    /**
     * Run `fn` with a session in a transaction: committed when `fn` resolves, rolled back when
     * it throws; the session is closed either way. With `retry`, a transient failure re-runs
     * `fn` with a fresh session.
     */
    session<T>(fn: (session: Session) => Promise<T>, options?: ScopedSessionOptions): Promise<T>;
    /** A session event listener for every session of this engine (called before the session's own listeners). */
    onSession(event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown): this;
    /** Remove an engine-wide session listener. */
    offSession(event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown): this;
  }
}

function session(this: Engine, options?: SessionOptions): Session;
function session<T>(this: Engine, fn: (session: Session) => Promise<T>, options?: ScopedSessionOptions): Promise<T>;
function session<T>(this: Engine, first?: SessionOptions | ((session: Session) => Promise<T>), options?: ScopedSessionOptions): Session | Promise<T> {
  if (typeof first === 'function') return scoped(this, first, options ?? {});
  if (first !== undefined && (first === null || typeof first !== 'object')) {
    throw new InvalidArgumentError('engine.session() takes options, or a function to run in a transaction.');
  }
  return new Session(this, first);
}

function scoped<T>(engine: Engine, fn: (session: Session) => Promise<T>, options: ScopedSessionOptions): Promise<T> {
  const { isolation, retry, ...sessionOptions } = options;
  let last: Session | undefined;
  return engine.transaction(
    async (tx) => {
      const s = new Session(engine, sessionOptions, new TransactionConnection(tx));
      last = s;
      try {
        const result = await fn(s);
        // What the function left pending is written before the scope commits.
        await s.flush();
        return result;
      } finally {
        await s.close();
      }
    },
    { isolation, retry, readOnly: sessionOptions.readOnly },
  ).then(
    async (result) => {
      // Session events of the attempt that committed (the session is closed by now).
      if (last !== undefined) await emitSessionEvent(last, 'afterCommit');
      return result;
    },
    async (error: unknown) => {
      if (last !== undefined) await emitSessionEvent(last, 'afterRollback').catch(() => undefined);
      throw error;
    },
  );
}

Engine.prototype.session = session;

Engine.prototype.onSession = function onSession(this: Engine, event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown) {
  engineEvents(this).on(event, listener as (session: unknown, flush?: FlushEventContext) => unknown);
  return this;
};

Engine.prototype.offSession = function offSession(this: Engine, event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown) {
  engineEvents(this).off(event, listener as (session: unknown, flush?: FlushEventContext) => unknown);
  return this;
};
