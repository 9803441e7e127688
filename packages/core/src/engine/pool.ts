import { InvalidArgumentError, PoolClosedError, PoolTimeoutError } from '../errors/errors';
import type { DriverConnection } from './driver';
import type { EventHub, InvalidateEvent, PoolLabel } from './events';
import type { Logger } from './logger';
import { type PoolOptions, type PoolStatus, validatePool } from './pool-options';

export type { PoolOptions, PoolStatus } from './pool-options';

export interface PoolDeps {
  readonly label: PoolLabel;
  /** Opens a driver connection (connect retry and error translation included). */
  readonly connect: () => Promise<DriverConnection>;
  readonly events: EventHub;
  readonly logger: Logger;
  readonly isDisconnect: (error: unknown) => boolean;
}

const IDLE = 0;
const OUT = 1;
const RETURNING = 2;
const CLOSED = 3;

/** One pooled driver connection and its bookkeeping. */
export class PoolEntry {
  state = OUT;
  /** Unusable: invalidated, or reported dead by the driver. Discarded when returned. */
  dead = false;
  /** A transaction may be open on it: roll back before anyone else gets it. */
  dirty = false;
  connClosed = false;
  leakTimer: ReturnType<typeof setTimeout> | undefined = undefined;

  constructor(
    readonly pool: Pool,
    readonly conn: DriverConnection,
    /** The pool's invalidation generation when this connection was opened. */
    readonly generation: number,
    readonly createdAt: number,
  ) {}

  get id(): number {
    return this.conn.id;
  }
}

interface Waiter {
  readonly resolve: (entry: PoolEntry) => void;
  readonly reject: (error: unknown) => void;
  readonly stack: string | undefined;
  timer: ReturnType<typeof setTimeout> | undefined;
}

/**
 * SQLAlchemy's QueuePool: up to `size` connections kept, up to `maxOverflow` more opened under
 * load, callers beyond that wait in FIFO order for `timeoutMs`. Every connection is in exactly
 * one place (idle list, a caller, or closed), and a slot (`total`) is held from the moment a
 * connection starts opening, so concurrent checkouts never exceed the limit.
 */
export class Pool {
  readonly size: number;
  readonly maxOverflow: number;
  readonly timeoutMs: number;
  readonly recycleMs: number;
  readonly prePing: boolean;
  readonly lifo: boolean;
  readonly resetOnReturn: boolean;
  readonly leakWarnMs: number;
  private readonly max: number;
  private readonly idle: PoolEntry[] = [];
  private readonly waiters: Waiter[] = [];
  private total = 0;
  private checkedOut = 0;
  /** Bumped on a disconnect: idle connections opened before it are replaced at checkout. */
  private generation = 0;
  private closed = false;
  private readonly closing = new Set<Promise<void>>();

  constructor(
    options: PoolOptions & { readonly size: number },
    private readonly deps: PoolDeps,
  ) {
    const maxOverflow = options.maxOverflow ?? 10;
    this.size = options.size;
    this.maxOverflow = maxOverflow < 0 ? Infinity : maxOverflow;
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.recycleMs = options.recycleMs ?? 0;
    this.prePing = options.prePing ?? false;
    this.lifo = options.lifo ?? true;
    this.resetOnReturn = options.resetOnReturn ?? true;
    this.leakWarnMs = options.leakWarnMs ?? 0;
    this.max = this.size + this.maxOverflow;
    validatePool(this);
  }

  get label(): PoolLabel {
    return this.deps.label;
  }

  status(): PoolStatus {
    return {
      size: this.size,
      checkedOut: this.checkedOut,
      idle: this.idle.length,
      overflow: Math.max(0, this.total - this.size),
      waiting: this.waiters.length,
      total: this.total,
    };
  }

  /** Synchronous checkout of an idle connection that needs no checking; undefined otherwise. */
  tryTake(): PoolEntry | undefined {
    const idle = this.idle;
    if (idle.length === 0 || this.waiters.length !== 0 || this.prePing) return undefined;
    const entry = this.lifo ? idle[idle.length - 1]! : idle[0]!;
    if (this.isStale(entry)) return undefined;
    if (this.lifo) idle.pop();
    else idle.shift();
    this.checkedOut++;
    this.markOut(entry, this.leakWarnMs > 0 ? new Error().stack : undefined);
    return entry;
  }

  acquire(): Promise<PoolEntry> {
    if (this.closed) return Promise.reject(this.closedError());
    // Captured here, while the caller's frames are still on the stack.
    const stack = this.leakWarnMs > 0 ? new Error().stack : undefined;
    if (this.waiters.length === 0) {
      const entry = this.takeIdle();
      if (entry !== undefined) return this.prepare(entry, stack);
      if (this.total < this.max) return this.openReserved(stack);
    }
    return this.enqueue(stack);
  }

  /** Return a connection. Returns a promise only when it must be reset first. */
  release(entry: PoolEntry): Promise<void> | undefined {
    if (entry.pool !== this || entry.state !== OUT) {
      throw new InvalidArgumentError(`Connection #${entry.id} was already returned to the pool`);
    }
    entry.state = RETURNING;
    if (entry.leakTimer !== undefined) {
      clearTimeout(entry.leakTimer);
      entry.leakTimer = undefined;
    }
    if (entry.dirty && this.resetOnReturn && !entry.dead && !this.closed) return this.resetThenCheckin(entry);
    this.checkin(entry);
    return undefined;
  }

  /**
   * Mark a checked-out connection unusable and close it; it is discarded when returned.
   * A disconnect also retires every idle connection opened before now (at its next
   * checkout), so one server restart does not become one failed request per connection.
   */
  invalidate(entry: PoolEntry, error: unknown, reason: InvalidateEvent['reason'] = 'disconnect'): void {
    if (entry.dead && entry.connClosed) return;
    entry.dead = true;
    if (reason === 'disconnect' || reason === 'ping') this.generation++;
    this.emitInvalidate(entry, reason, error);
    this.closeConnection(entry);
  }

  async dispose(): Promise<void> {
    if (!this.closed) {
      this.closed = true;
      for (const waiter of this.waiters.splice(0)) {
        clearTimeout(waiter.timer);
        waiter.reject(this.closedError());
      }
      for (const entry of this.idle.splice(0)) {
        this.total--;
        entry.state = CLOSED;
        this.closeConnection(entry);
      }
    }
    await Promise.allSettled([...this.closing]);
  }

  get disposed(): boolean {
    return this.closed;
  }

  // ---- internals ----

  private isStale(entry: PoolEntry): boolean {
    return (
      entry.generation !== this.generation ||
      (this.recycleMs > 0 && Date.now() - entry.createdAt > this.recycleMs)
    );
  }

  /** Reserve an idle connection for a caller (still to be checked by `prepare`). */
  private takeIdle(): PoolEntry | undefined {
    const entry = this.lifo ? this.idle.pop() : this.idle.shift();
    if (entry === undefined) return undefined;
    entry.state = OUT;
    this.checkedOut++;
    return entry;
  }

  private async prepare(entry: PoolEntry, stack: string | undefined): Promise<PoolEntry> {
    if (this.isStale(entry)) {
      // Recycled or opened before an invalidation: replace it in the same slot.
      if (entry.generation !== this.generation) this.emitInvalidate(entry, 'stale', undefined);
      this.closeConnection(entry);
      return this.openInSlot(stack);
    }
    if (this.prePing) {
      let failure: unknown;
      try {
        await entry.conn.ping();
      } catch (error) {
        failure = error;
      }
      if (failure !== undefined || entry.dead) {
        // The server likely restarted: the other idle connections are suspect as well.
        this.generation++;
        if (!entry.dead) this.emitInvalidate(entry, 'ping', failure);
        entry.dead = true;
        this.closeConnection(entry);
        return this.openInSlot(stack);
      }
    }
    this.markOut(entry, stack);
    return entry;
  }

  private openReserved(stack: string | undefined): Promise<PoolEntry> {
    this.total++;
    this.checkedOut++;
    return this.openInSlot(stack);
  }

  /** Open a connection into a slot already counted in `total` and `checkedOut`. */
  private async openInSlot(stack: string | undefined): Promise<PoolEntry> {
    let conn: DriverConnection;
    try {
      conn = await this.deps.connect();
    } catch (error) {
      this.total--;
      this.checkedOut--;
      this.dispatch();
      throw error;
    }
    const entry = new PoolEntry(this, conn, this.generation, Date.now());
    conn.onDead((error) => this.handleDead(entry, error));
    if (this.deps.events.has('connect')) this.deps.events.emit('connect', { connectionId: conn.id, pool: this.label });
    if (this.closed) {
      this.total--;
      this.checkedOut--;
      entry.state = CLOSED;
      this.closeConnection(entry);
      throw this.closedError();
    }
    this.markOut(entry, stack);
    return entry;
  }

  private markOut(entry: PoolEntry, stack: string | undefined): void {
    entry.state = OUT;
    if (this.leakWarnMs > 0) {
      entry.leakTimer = setTimeout(() => this.reportLeak(entry, stack), this.leakWarnMs);
      entry.leakTimer.unref?.();
    }
    if (this.deps.events.has('checkout')) this.deps.events.emit('checkout', { connectionId: entry.id, pool: this.label });
  }

  private enqueue(stack: string | undefined): Promise<PoolEntry> {
    return new Promise<PoolEntry>((resolve, reject) => {
      const waiter: Waiter = { resolve, reject, stack, timer: undefined };
      waiter.timer = setTimeout(() => {
        const index = this.waiters.indexOf(waiter);
        if (index >= 0) this.waiters.splice(index, 1);
        reject(this.timeoutError());
      }, this.timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** Hand idle connections or free slots to waiters, oldest waiter first. */
  private dispatch(): void {
    while (this.waiters.length > 0) {
      const entry = this.takeIdle();
      if (entry === undefined && this.total >= this.max) return;
      const waiter = this.waiters.shift()!;
      clearTimeout(waiter.timer);
      const pending = entry !== undefined ? this.prepare(entry, waiter.stack) : this.openReserved(waiter.stack);
      pending.then(waiter.resolve, waiter.reject);
    }
  }

  private async resetThenCheckin(entry: PoolEntry): Promise<void> {
    try {
      await entry.conn.execute('ROLLBACK', []);
      entry.dirty = false;
    } catch (error) {
      // "No transaction is active" is fine; a dead connection is not.
      if (this.deps.isDisconnect(error) || entry.dead) this.invalidate(entry, error);
    }
    this.checkin(entry);
  }

  private checkin(entry: PoolEntry): void {
    this.checkedOut--;
    if (this.deps.events.has('checkin')) this.deps.events.emit('checkin', { connectionId: entry.id, pool: this.label });
    if (entry.dead || this.closed || (this.waiters.length === 0 && this.total > this.size)) {
      // Invalidated, pool disposed, or an overflow connection nobody is waiting for.
      this.total--;
      entry.state = CLOSED;
      this.closeConnection(entry);
      this.dispatch();
      return;
    }
    entry.state = IDLE;
    this.idle.push(entry);
    if (this.waiters.length !== 0) this.dispatch();
  }

  private handleDead(entry: PoolEntry, error: unknown): void {
    if (entry.dead || entry.state === CLOSED) return;
    entry.dead = true;
    this.emitInvalidate(entry, 'dead', error);
    if (entry.state !== IDLE) return; // its holder finds out; it is discarded on return
    const index = this.idle.indexOf(entry);
    if (index >= 0) this.idle.splice(index, 1);
    this.total--;
    entry.state = CLOSED;
    this.closeConnection(entry);
    this.dispatch();
  }

  private closeConnection(entry: PoolEntry): void {
    if (entry.connClosed) return;
    entry.connClosed = true;
    const closing: Promise<void> = entry.conn
      .close()
      .catch((error: unknown) => this.deps.logger.debug(`Closing connection #${entry.id} failed: ${String(error)}`))
      .finally(() => {
        this.closing.delete(closing);
        if (this.deps.events.has('close')) this.deps.events.emit('close', { connectionId: entry.id, pool: this.label });
      });
    this.closing.add(closing);
  }

  private emitInvalidate(entry: PoolEntry, reason: InvalidateEvent['reason'], error: unknown): void {
    if (this.deps.events.has('invalidate')) {
      this.deps.events.emit('invalidate', { connectionId: entry.id, pool: this.label, reason, error });
    }
  }

  private reportLeak(entry: PoolEntry, stack: string | undefined): void {
    entry.leakTimer = undefined;
    const where = stack ? stack.split('\n').slice(1).join('\n') : '    (stack not captured)';
    this.deps.logger.warn(
      `Connection #${entry.id} (pool '${this.label}') has been checked out for more than ${this.leakWarnMs} ms ` +
        `and not returned; possible leak. It was checked out at:\n${where}`,
    );
  }

  private timeoutError(): PoolTimeoutError {
    const overflow = Math.max(0, this.total - this.size);
    return new PoolTimeoutError(
      `Timed out after ${this.timeoutMs} ms waiting for a connection from pool '${this.label}': ` +
        `size ${this.size}, overflow ${overflow} of ${this.maxOverflow}, ${this.checkedOut} checked out, ` +
        `${this.waiters.length} waiting. Return connections sooner (a transaction that awaits ` +
        `engine.execute() instead of tx.execute() holds one connection and waits for another), ` +
        `or raise pool.size, pool.maxOverflow or pool.timeoutMs.`,
    );
  }

  private closedError(): PoolClosedError {
    return new PoolClosedError(`Pool '${this.label}' was disposed; create a new engine to connect again`);
  }
}
