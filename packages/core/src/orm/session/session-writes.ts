import type { Transaction } from '../../engine/transaction';
import { InvalidArgumentError, TransactionStateError } from '../../errors/errors';
import type { RelationProperty } from '../metadata/entity-metadata';
import type { Where } from '../query/filter-types';
import { merge as mergeDetached } from '../unit-of-work/merge';
import type { BeginOptions } from '../unit-of-work/session-transactions';
import * as bulk from '../unit-of-work/bulk-operations';
import { planOf } from './entity-loader';
import type { EntityClass } from '../metadata/entity-metadata';
import { emitSessionEvent, type FlushEventContext, type SessionEvent, sessionEvents } from '../unit-of-work/session-events';
import { keyOfInstance } from '../unit-of-work/relationship-sync';
import { type ToObjectOptions, toObject } from '../unit-of-work/tracking/serialize';
import { type CreateData, create } from '../unit-of-work/tracking/create-entity';
import { Session } from './session';

/**
 * The Session's write API (the unit of work's facade), added to the class here to keep
 * session.ts the read side's: `add`, `addAll`, `delete`, `merge`, `flush`, `commit`,
 * `rollback`, `begin`, `transaction`, the `new`/`dirty`/`deleted` views, `toObject`.
 */
declare module './session' {
  interface Session {
    /** `add(create(entity, data))`: a new object with `data`'s property values, added to the session (see `create`). */
    create<E extends object>(entity: new () => E, data?: CreateData<E>): E;
    /** Add a new object (and what it reaches through `save` cascades): inserted at the next flush. Returns it. */
    add<T extends object>(instance: T): T;
    addAll(instances: Iterable<object>): void;
    /** Delete an object of this session at the next flush (`delete` cascades then); a pending one simply leaves. */
    delete(instance: object): void;
    /**
     * The session's object for a detached one's row (from the identity map, else loaded by key;
     * a new pending object when there is no such row), with the detached values copied onto it.
     */
    merge<T extends object>(detached: T): Promise<T>;
    /**
     * Write pending changes now, in the session's transaction (begun if there is none): new
     * objects, objects with property writes that changed a value (nothing else is looked at, so
     * a flush costs what changed), deletes, many-to-many links. JSON values changed in place
     * (`doc.data.tags.push(…)`) are written too: reading a JSON property through the entity
     * watches that value until the transaction ends (commit or rollback), and each flush writes
     * the watched values whose serialization changed. After a commit, read the property again
     * (or assign a new value) before changing it in place. A failed flush rolls the transaction
     * back and leaves objects as they were; the session then refuses work until `rollback()`.
     */
    flush(): Promise<void>;
    /** Flush, then commit the session's transaction. Objects keep their values (see SessionOptions.expireOnCommit). */
    commit(): Promise<void>;
    /**
     * Roll back the session's transaction (savepoints included) and put objects back as the
     * database has them: flushes taken back, new objects transient again, changed values back to
     * what was loaded. Also the way out after a failed flush.
     */
    rollback(): Promise<void>;
    /** Begin the session's transaction now (a flush begins one when needed). */
    begin(options?: BeginOptions): Promise<void>;
    /**
     * `fn` in a transaction: a SAVEPOINT when the session is in one (released when `fn`
     * resolves; rolled back, objects included, when it throws), otherwise the session's own,
     * committed when `fn` resolves.
     */
    transaction<T>(fn: (session: Session) => Promise<T>): Promise<T>;
    /** Pending (new) objects. */
    readonly new: object[];
    /** Persistent objects with recorded writes not yet flushed. */
    readonly dirty: object[];
    /** Objects to delete at the next flush. */
    readonly deleted: object[];
    /** Whether an object of this session has changes a flush would write. */
    isModified(instance: object): boolean;
    /** A plain object of an entity's values and loaded relationships (columns are accessors: `Object.keys` and spreads do not list them). */
    toObject(entity: object, options?: ToObjectOptions): Record<string, unknown>;
    /**
     * Listen to a session event (see session-events.ts): `beforeFlush` and `afterFlush` get the
     * session and the flush's new, dirty and deleted objects; `afterCommit` and `afterRollback`
     * the session. Returns the session.
     */
    on(event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown): this;
    /** Stop listening. */
    off(event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown): this;
    /**
     * Insert plain rows (keyed by property names) in chunked multi-row statements, outside the
     * identity map and without hooks, in the session's transaction. With `{ returning: true }`
     * the primary keys in input order, else the number of rows.
     */
    bulkInsert<E extends object>(entity: EntityClass<E>, rows: readonly Partial<Record<keyof E & string, unknown>>[] | readonly Record<string, unknown>[], options?: bulk.BulkInsertOptions): Promise<unknown[] | number>;
    /** Update rows keyed by primary key, setting only the properties each gives (batched per property set). Objects held are not refreshed. */
    bulkUpdate<E extends object>(entity: EntityClass<E>, rows: readonly Record<string, unknown>[]): Promise<number>;
    /** Delete the rows matching a filter (as `find`'s where) in one statement; the count deleted. Objects held are not detached. */
    bulkDelete<E extends object>(entity: EntityClass<E>, where: Where<E>): Promise<number>;
    /** Insert rows, updating the existing row on a conflict on `conflict`'s unique properties. */
    upsert<E extends object>(entity: EntityClass<E>, rows: readonly Record<string, unknown>[], options: bulk.UpsertOptions): Promise<number>;
    /** @internal WriterHost */
    transactionForFlush(): Promise<Transaction>;
    /** @internal WriterHost */
    rollbackAfterFailure(error: unknown): Promise<void>;
    /** @internal WriterHost */
    loadChildren(relation: RelationProperty, parents: readonly object[]): Promise<object[]>;
  }
}

const proto = Session.prototype;

proto.create = function createAndAdd(this: Session, entity: new () => object, data?: Record<string, unknown>): object {
  this.assertWritable('create()');
  const instance = create(entity, data);
  this.unitOfWork.add(instance);
  return instance;
} as Session['create'];

proto.add = function add<T extends object>(this: Session, instance: T): T {
  this.assertWritable('add()');
  this.unitOfWork.add(instance);
  return instance;
};

proto.addAll = function addAll(this: Session, instances: Iterable<object>): void {
  this.assertWritable('addAll()');
  for (const instance of instances) this.unitOfWork.add(instance);
};

proto.delete = function remove(this: Session, instance: object): void {
  this.assertWritable('delete()');
  this.unitOfWork.delete(instance);
};

proto.merge = async function merge<T extends object>(this: Session, detached: T): Promise<T> {
  this.assertWritable('merge()');
  if (detached === null || typeof detached !== 'object') throw new InvalidArgumentError('merge() takes an entity instance.');
  return mergeDetached(this, detached);
};

proto.flush = async function flush(this: Session): Promise<void> {
  this.ensureOpen();
  await this.unitOfWork.flush();
};

proto.commit = async function commit(this: Session): Promise<void> {
  this.ensureOpen();
  if (this.transactions.isScoped) {
    throw new TransactionStateError('engine.session(fn) commits when fn resolves; call flush() to write now, or use engine.session() without a function to commit yourself.');
  }
  await this.unitOfWork.flush();
  if (await this.transactions.commit()) {
    this.unitOfWork.afterCommit(this.options.expireOnCommit ?? false);
    await emitSessionEvent(this, 'afterCommit');
  }
};

proto.rollback = async function rollback(this: Session): Promise<void> {
  if (this.isClosed) return;
  await this.unitOfWork.flushing?.catch(() => undefined);
  await this.transactions.rollback();
  await emitSessionEvent(this, 'afterRollback');
};

proto.on = function on(this: Session, event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown) {
  sessionEvents(this).on(event, listener as (session: unknown, flush?: FlushEventContext) => unknown);
  return this;
};

proto.off = function off(this: Session, event: SessionEvent, listener: (session: Session, flush: FlushEventContext) => unknown) {
  sessionEvents(this).off(event, listener as (session: unknown, flush?: FlushEventContext) => unknown);
  return this;
};

proto.begin = async function begin(this: Session, options?: BeginOptions): Promise<void> {
  this.ensureOpen();
  await this.transactions.begin(options);
};

proto.transaction = async function transaction<T>(this: Session, fn: (session: Session) => Promise<T>): Promise<T> {
  this.ensureOpen();
  const outermost = this.transactions.depth === 0 && !this.transactions.isScoped;
  let committing = false;
  try {
    return await this.transactions.run(
      () => fn(this),
      () => this.unitOfWork.flush(),
      () => {
        committing = true;
        return this.commit();
      },
    );
  } catch (error) {
    // The session's own transaction was rolled back (fn threw): its afterRollback listeners hear it.
    if (outermost && !committing) await emitSessionEvent(this, 'afterRollback');
    throw error;
  }
};

Object.defineProperties(proto, {
  new: { get(this: Session) { return [...this.unitOfWork.pending]; }, configurable: true },
  dirty: { get(this: Session) { return [...this.unitOfWork.dirty.keys()]; }, configurable: true },
  deleted: { get(this: Session) { return [...this.unitOfWork.deleted]; }, configurable: true },
});

proto.isModified = function isModified(this: Session, instance: object): boolean {
  return this.unitOfWork.isModified(instance);
};

proto.toObject = function toObjectOf(this: Session, entity: object, options?: ToObjectOptions): Record<string, unknown> {
  return toObject(entity, options);
};

proto.transactionForFlush = function transactionForFlush(this: Session): Promise<Transaction> {
  return this.transactions.forFlush();
};

proto.rollbackAfterFailure = function rollbackAfterFailure(this: Session): Promise<void> {
  return this.transactions.afterFailure();
};

const CHUNK = 500;

/** The children of deleted parents through a one-to-many (or inverse one-to-one): one query per chunk of parents, no autoflush. */
proto.loadChildren = async function loadChildren(this: Session, relation: RelationProperty, parents: readonly object[]): Promise<object[]> {
  const inverse = relation.inverse;
  if (inverse === undefined || inverse.joinColumns.length === 0) return [];
  const out: object[] = [];
  const keys = parents.map((p) => keyOfInstance(p)).filter((k) => k !== undefined);
  for (let i = 0; i < keys.length; i += CHUNK) {
    const chunk = keys.slice(i, i + CHUNK);
    const where = inverse.target.primaryKey.length === 1
      ? { [inverse.name]: { in: chunk } }
      : { or: chunk.map((k) => ({ [inverse.name]: k })) };
    out.push(...(await this.query(relation.target.class, { autoflush: false }).where(where as Where<object>).all()));
  }
  return out;
};

async function bulkTarget(session: Session, entity: EntityClass<object>, what: string) {
  session.ensureOpen();
  session.assertWritable(what);
  const meta = planOf(entity).meta;
  return { meta, dialect: session.dialect, tx: await session.transactionForFlush() };
}

proto.bulkInsert = async function bulkInsert(this: Session, entity: EntityClass<object>, rows: readonly Record<string, unknown>[], options?: bulk.BulkInsertOptions) {
  const t = await bulkTarget(this, entity, 'bulkInsert()');
  return bulk.bulkInsert(t.meta, t.dialect, t.tx, rows, options);
} as Session['bulkInsert'];

proto.bulkUpdate = async function bulkUpdate(this: Session, entity: EntityClass<object>, rows: readonly Record<string, unknown>[]) {
  const t = await bulkTarget(this, entity, 'bulkUpdate()');
  return bulk.bulkUpdate(t.meta, t.dialect, t.tx, rows);
} as Session['bulkUpdate'];

proto.bulkDelete = async function bulkDelete(this: Session, entity: EntityClass<object>, where: unknown) {
  const t = await bulkTarget(this, entity, 'bulkDelete()');
  return bulk.bulkDelete(t.meta, t.dialect, t.tx, where);
} as Session['bulkDelete'];

proto.upsert = async function upsert(this: Session, entity: EntityClass<object>, rows: readonly Record<string, unknown>[], options: bulk.UpsertOptions) {
  const t = await bulkTarget(this, entity, 'upsert()');
  return bulk.upsert(t.meta, t.dialect, t.tx, rows, options);
} as Session['upsert'];
