import type { Transaction } from '../../engine/transaction';
import { InvalidArgumentError, TransactionStateError } from '../../errors/errors';
import type { SqlDialect } from '../../sql/dialect';
import type { IdentityKey } from '../identity/identity-key';
import type { IdentityMap } from '../identity/identity-map';
import { attachState, InstanceState, type SessionLink, stateOf } from '../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { Collection } from '../relations/collection';
import { Ref } from '../relations/ref';
import { cascadeSaves, type ChildLoader, dropPending, resolveDeletes } from './cascade';
import { computeChangeSet, isClean } from './change-set-computer';
import { commitOrder } from './commit-order';
import { executeFlush } from './flush-executor';
import { applyOutcome, Epoch } from './flush-journal';
import { metaOfInstance } from './relationship-sync';
import { jsonChangedInPlace, jsonSlotsOf, type JsonWatch, watchJsonSlot } from './json-watch';
import { foreignKeyRelations } from './row-links';
import { keepNewObjectShape } from './new-object-shape';
import { bindToManyCollections } from './to-many-collections';
import { releaseUniqueLinks, unlinkReplacedInverse } from './unique-links';
import { afterFlushHooks, beforeFlushHooks, insideHooks } from './flush-hooks';
import { adoptOwnValues, installAccessors } from './tracking/accessors';
import type { ChangeTracker } from './tracking/change-tracker';
import { storageOf } from './tracking/storage';
import { toOneAccess } from './tracking/to-one';

/**
 * The session's writer: which objects are new, changed and deleted, recorded as the
 * application makes the changes (accessors, Collections and relationship sync report here),
 * and the flush that writes them: cascades resolved, a change set computed from the recorded
 * objects only, ordered and executed by the flush machinery, its outcome applied and journaled
 * (see flush-journal.ts) so a rollback can take it back.
 *
 * A failed flush rolls its transaction back (the session does) and changes nothing here:
 * pending objects stay pending without keys, dirty ones dirty; the failure is kept and the
 * session refuses work until `rollback()`.
 *
 * JSON values changed in place are found through a watch list (see json-watch.ts).
 */

/** What the unit of work needs from its session. */
export interface WriterHost extends SessionLink {
  readonly identityMap: IdentityMap;
  readonly dialect: SqlDialect;
  /** Raise unless the session may write (open, not read-only). */
  assertWritable(what: string): void;
  /** The transaction to flush in (begun when there is none). */
  transactionForFlush(): Promise<Transaction>;
  /** A flush failed: roll back its transaction (the session keeps the failure). */
  rollbackAfterFailure(error: unknown): Promise<void>;
  /** Rows of the children of deleted parents, for delete cascades (no autoflush). */
  readonly loadChildren: ChildLoader;
}

/** A persistent object with recorded writes: column slots and to-one relationships (checked against the snapshot at flush). */
export interface DirtyEntry {
  readonly state: InstanceState;
  readonly slots: number[];
  /** Shared and empty (NO_RELATIONS) until a to-one relationship is written. */
  relations: RelationProperty[];
  /** The flush generation of the last write (writes made while a flush runs are newer than it). */
  written: number;
}

export type { JsonWatch } from './json-watch';

type Links = Map<RelationProperty, Map<object, Map<object, 'link' | 'unlink'>>>;

export class UnitOfWork implements ChangeTracker {
  /** New objects, in the order they joined. */
  readonly pending = new Set<object>();
  readonly dirty = new Map<object, DirtyEntry>();
  /** Persistent objects to delete at the next flush. */
  readonly deleted = new Set<object>();
  readonly json = new Map<object, JsonWatch>();
  /** Many-to-many links to write, on the owning side: relation → owner → target → link or unlink. */
  readonly associations: Links = new Map();
  /** Delete-orphan candidates: child → the to-one relationship through which it left its parent. */
  readonly orphans = new Map<object, RelationProperty>();
  /** Inverse one-to-ones assigned while their previous target was not loaded: relation → owners (see assignInverseOne). */
  readonly replacedInverse = new Map<RelationProperty, Set<object>>();
  epoch = new Epoch();
  /** The error of a failed flush, until the session rolls back. */
  failure: unknown = undefined;
  /** Nonzero while a flush's session listeners or entity hooks are being called (see flush-hooks.ts). */
  inHooks = 0;
  private running: Promise<void> | undefined = undefined;
  /** Counts flushes: an entry written before the current flush began has an older generation. */
  private generation = 0;
  /** To-one changes recorded since the last flush (an over-count only costs a flush that writes nothing). */
  private relationWrites = 0;
  /** Of them, one-to-one changes (whose unique keys a flush may have to release first, see unique-links.ts). */
  private oneToOneWrites = 0;

  constructor(readonly host: WriterHost) {}

  /**
   * Whether a flush may change what a relationship load finds: new or deleted objects, links,
   * orphans, changed foreign keys (column-only changes cannot). Lazy loads autoflush only then.
   */
  get mayChangeLoads(): boolean {
    return this.pending.size !== 0 || this.deleted.size !== 0 || this.associations.size !== 0 || this.orphans.size !== 0 || this.relationWrites !== 0 || this.replacedInverse.size !== 0;
  }

  /** Anything a flush may have to write. */
  get hasChanges(): boolean {
    return (
      this.pending.size !== 0 || this.dirty.size !== 0 || this.deleted.size !== 0 || this.json.size !== 0 || this.associations.size !== 0 || this.orphans.size !== 0 || this.replacedInverse.size !== 0
    );
  }

  /** The state of an instance of this session. */
  stateIn(instance: object): InstanceState | undefined {
    const state = stateOf(instance);
    return state !== undefined && state.session === this.host ? state : undefined;
  }

  // ---- adding and deleting ----

  /** `session.add`: a new object becomes pending (with what it reaches through `save` cascades). */
  add(instance: object): void {
    const meta = entityMeta(instance, 'add');
    const state = stateOf(instance);
    if (state !== undefined && state.session === this.host && !this.host.isClosed) {
      if (state.status === 'pending' || state.status === 'persistent') {
        this.deleted.delete(instance);
        cascadeSaves(this, instance);
        return;
      }
      if (state.status === 'deleted') {
        throw new InvalidArgumentError(`add(): ${state} was deleted in this transaction; commit first, then add a new object (or roll back to keep it).`);
      }
    }
    if (state !== undefined && state.session !== undefined && !state.session.isClosed && state.session !== this.host && state.status !== 'detached') {
      throw new InvalidArgumentError(`add(): ${state} belongs to another open session; expunge it there first, or merge() it into this one.`);
    }
    this.joinAs(instance, meta, state);
    cascadeSaves(this, instance);
  }

  /** An object reached by a `save` cascade joins (without cascading further: the caller walks on); false if it cannot. */
  join(instance: object): boolean {
    const meta = metaOfInstance(instance);
    if (meta === undefined) return false;
    const state = stateOf(instance);
    if (state !== undefined && state.session !== undefined && !state.session.isClosed && state.session !== this.host && state.status !== 'detached') {
      throw new InvalidArgumentError(`A save cascade reaches ${state}, which belongs to another open session; expunge it there first, or merge() it.`);
    }
    this.joinAs(instance, meta, state);
    return true;
  }

  private joinAs(instance: object, meta: EntityMetadata, state: InstanceState | undefined): void {
    if (state !== undefined && state.key !== undefined && state.snapshot !== undefined && state.status !== 'transient') this.reattach(instance, state);
    else this.addNew(instance, meta);
  }

  /** A transient object joins as pending. */
  addNew(instance: object, meta: EntityMetadata): void {
    installAccessors(meta);
    keepNewObjectShape(meta);
    adoptOwnValues(instance, meta);
    bindToManyCollections(instance, meta);
    const state = new InstanceState(meta, undefined, undefined, 'pending');
    state.session = this.host;
    attachState(instance, state);
    this.pending.add(instance);
  }

  /** A detached object (loaded by a session since closed, or expunged) becomes persistent here again. */
  private reattach(instance: object, state: InstanceState): void {
    const held = this.host.identityMap.lookup(state.meta.inheritance?.root ?? state.meta, state.key!);
    if (held !== undefined && held !== instance) {
      throw new InvalidArgumentError(`add(): this session already holds ${state}; merge() the detached copy instead.`);
    }
    installAccessors(state.meta);
    adoptOwnValues(instance, state.meta);
    state.session = this.host;
    state.status = 'persistent';
    state.expired = false;
    this.host.identityMap.put(instance, state);
    // Changes made while detached were not recorded: compare once.
    const values = storageOf(state.meta).values(instance);
    state.meta.columns.forEach((c, slot) => {
      if (c.instance && values !== undefined && values !== state.snapshot) this.columnChanged(instance, state, slot);
    });
    for (const r of foreignKeyRelations(state.meta)) {
      if (toOneAccess(state.meta, r).stored(instance) !== undefined) this.relationChanged(instance, state, r);
    }
  }

  /** `session.delete`: persistent objects are deleted at the next flush (cascades then); pending ones just leave. */
  delete(instance: object): void {
    entityMeta(instance, 'delete');
    const state = this.stateIn(instance);
    if (state === undefined || (state.status !== 'pending' && state.status !== 'persistent')) {
      const what = state === undefined ? `a ${instance.constructor.name} this session does not hold` : `${state} (${state.status})`;
      throw new InvalidArgumentError(`delete(): ${what}; only objects of this session can be deleted.`);
    }
    if (state.status === 'pending') dropPending(this, instance);
    else this.markDeleted(instance, state);
  }

  /** Delete (persistent) or drop (pending) an object; used by delete, cascades and orphans. */
  markDeleted(instance: object, state: InstanceState): void {
    if (state.status === 'pending') {
      this.pending.delete(instance);
      state.status = 'transient';
      state.session = undefined;
      return;
    }
    if (state.status !== 'persistent' || this.deleted.has(instance)) return;
    this.deleted.add(instance);
  }

  /** Remove an object from the sets (expunge, refresh, deleted rows). */
  forget(instance: object): void {
    this.pending.delete(instance);
    this.deleted.delete(instance);
    this.dirty.delete(instance);
    this.json.delete(instance);
    this.orphans.delete(instance);
  }

  /** An object's recorded writes are dropped (refresh, expire): its values are about to be reloaded. */
  discardWrites(instance: object): void {
    this.dirty.delete(instance);
    this.json.delete(instance);
  }

  // ---- ChangeTracker ----

  columnChanged(instance: object, state: InstanceState, slot: number): void {
    if (state.status !== 'persistent') return;
    const entry = this.dirty.get(instance);
    if (entry === undefined) {
      // `[slot]`, not `[]` and a push: a first push makes room for 16 slots, at 10k objects ~1 MB more garbage.
      this.newEntry(instance, state, [slot]);
      return;
    }
    entry.written = this.generation;
    if (!entry.slots.includes(slot)) entry.slots.push(slot);
  }

  relationChanged(instance: object, state: InstanceState, relation: RelationProperty): void {
    if (state.status !== 'persistent') return;
    const entry = this.entryOf(instance, state);
    entry.written = this.generation;
    this.relationWrites++;
    if (relation.relation === 'oneToOne') this.oneToOneWrites++;
    if (entry.relations === NO_RELATIONS) entry.relations = [relation];
    else if (!entry.relations.includes(relation)) entry.relations.push(relation);
  }

  jsonRead(instance: object, state: InstanceState, slot: number): void {
    if (state.status === 'persistent') watchJsonSlot(this.json, instance, state, slot);
  }

  /** Whether `meta` has JSON columns (watched for in-place changes). */
  hasJson(meta: EntityMetadata): boolean {
    return jsonSlotsOf(meta).length !== 0;
  }

  /** Watch the JSON columns of a just-inserted object (the application may still hold and change its values). */
  watchJson(instance: object, state: InstanceState): void {
    const slots = jsonSlotsOf(state.meta);
    for (let i = 0; i < slots.length; i++) this.jsonRead(instance, state, slots[i]!);
  }

  association(relation: RelationProperty, owner: object, target: object, kind: 'link' | 'unlink'): void {
    let byOwner = this.associations.get(relation);
    if (byOwner === undefined) this.associations.set(relation, (byOwner = new Map()));
    let byTarget = byOwner.get(owner);
    if (byTarget === undefined) byOwner.set(owner, (byTarget = new Map()));
    const recorded = byTarget.get(target);
    // A link and an unlink of the same pair cancel out.
    if (recorded !== undefined && recorded !== kind) byTarget.delete(target);
    else byTarget.set(target, kind);
    if (byTarget.size === 0) byOwner.delete(owner);
    if (byOwner.size === 0) this.associations.delete(relation);
  }

  collectionChanging(collection: Collection<object>): void {
    const collections = this.epoch.collections;
    if (!collections.has(collection)) collections.set(collection, collection.items === undefined ? undefined : [...collection.items]);
  }

  orphaned(child: object, relation: RelationProperty): void {
    this.orphans.set(child, relation);
  }

  /** `owner[relation]` (an inverse one-to-one) was assigned before its previous target was known. */
  inverseReplaced(owner: object, relation: RelationProperty): void {
    let owners = this.replacedInverse.get(relation);
    if (owners === undefined) this.replacedInverse.set(relation, (owners = new Set()));
    owners.add(owner);
  }

  cascadeAdd(instance: object): void {
    const state = stateOf(instance);
    if (state !== undefined && state.session === this.host && (state.status === 'pending' || state.status === 'persistent')) return;
    this.add(instance);
  }

  lookup(root: EntityMetadata, key: IdentityKey): object | undefined {
    return this.host.identityMap.lookup(root, key);
  }

  private entryOf(instance: object, state: InstanceState): DirtyEntry {
    return this.dirty.get(instance) ?? this.newEntry(instance, state, []);
  }

  private newEntry(instance: object, state: InstanceState, slots: number[]): DirtyEntry {
    const entry: DirtyEntry = { state, slots, relations: NO_RELATIONS, written: this.generation };
    this.dirty.set(instance, entry);
    return entry;
  }

  /** A deleted row's object leaves the loaded collections of its parents. */
  detachFromParents(instance: object, state: InstanceState): void {
    for (const r of foreignKeyRelations(state.meta)) {
      const inverse = r.inverse;
      if (inverse?.relation !== 'oneToMany') continue;
      const value = toOneAccess(state.meta, r).stored(instance);
      const parent = value instanceof Ref ? value.value : undefined;
      const c = parent === undefined ? undefined : (parent as Record<string, unknown>)[inverse.name];
      if (c instanceof Collection && c.isLoaded && c.items!.includes(instance)) {
        this.collectionChanging(c);
        c.dropItem(instance);
      }
    }
  }

  // ---- flushing ----

  /**
   * Write every recorded change in the session's transaction. Concurrent calls run one after
   * another. Called from a flush's own listeners or hooks, it raises: that flush cannot finish
   * while one of its hooks awaits it (see flush-hooks.ts).
   */
  flush(): Promise<void> {
    if (insideHooks(this)) {
      return Promise.reject(
        new TransactionStateError(
          'flush() was called while the session is flushing (from a beforeFlush/afterFlush listener or an entity hook such as @BeforeInsert). ' +
            'Remove the call: changes made in beforeFlush listeners and before-hooks are written by the flush under way, ' +
            'and changes made in after-hooks and afterFlush listeners by the next flush (or the commit).',
        ),
      );
    }
    return this.queueFlush();
  }

  /** A query's autoflush: inside a flush's listeners or hooks it does nothing (that flush writes what they changed). */
  autoflush(): Promise<void> {
    return insideHooks(this) ? Promise.resolve() : this.queueFlush();
  }

  private queueFlush(): Promise<void> {
    const prior = this.running;
    const run = (prior === undefined ? this.flushNow() : prior.catch(() => undefined).then(() => this.flushNow())).finally(() => {
      if (this.running === run) this.running = undefined;
    });
    this.running = run;
    return run;
  }

  /** A flush in progress, if any (commit waits for it). */
  get flushing(): Promise<void> | undefined {
    return this.running;
  }

  private async flushNow(): Promise<void> {
    if (!this.hasChanges) return;
    if (this.replacedInverse.size !== 0) await unlinkReplacedInverse(this);
    if (this.failure === undefined) await beforeFlushHooks(this, 'events');
    if (this.deleted.size !== 0 || this.orphans.size !== 0) {
      this.host.assertWritable('flush()');
      await this.host.transactionForFlush();
      await resolveDeletes(this, (relation, parents) => this.host.loadChildren(relation, parents));
    }
    if (this.failure === undefined) await beforeFlushHooks(this, 'entities');
    const started = ++this.generation;
    const relationWrites = this.relationWrites;
    let unrelease: (() => void) | undefined;
    let outcome;
    try {
      // Deletes too: a deleted row's key may be taken by a new row, which records no write (see unique-links.ts).
      if (this.oneToOneWrites !== 0 || this.deleted.size !== 0) {
        unrelease = await releaseUniqueLinks(this, () => this.host.transactionForFlush()).catch((error: unknown) => Promise.reject(new WriteFailure(error)));
      }
      const changes = computeChangeSet(this);
      if (changes.isEmpty) {
        if (this.relationWrites === relationWrites) this.relationWrites = this.oneToOneWrites = 0;
        this.settle();
        return;
      }
      this.host.assertWritable('flush()');
      const steps = commitOrder(changes);
      const tx = await this.host.transactionForFlush();
      outcome = await executeFlush(this.host.dialect, tx, steps).catch((error: unknown) => Promise.reject(new WriteFailure(error)));
    } catch (caught) {
      const error = caught instanceof WriteFailure ? caught.error : caught;
      // Nothing written yet (a mapping error found computing the changes): the session goes on as it was.
      if (!(caught instanceof WriteFailure) && unrelease === undefined) throw error;
      // The transaction is rolled back: released keys are back in their rows, and in the snapshots.
      unrelease?.();
      this.failure = error;
      await this.host.rollbackAfterFailure(error);
      throw error;
    }
    const record = applyOutcome(this, outcome);
    // An updated object not written since the flush began is clean: no need to compare it.
    const updated = record.updated;
    // Usually every dirty object was updated and not written since: one clear, not 10k deletes rehashing a shrinking map.
    let everyDirty = this.dirty.size === updated.length;
    for (let i = 0; everyDirty && i < updated.length; i++) everyDirty = (this.dirty.get(updated[i]!.instance)?.written ?? started) < started;
    if (everyDirty) this.dirty.clear();
    else {
      for (let i = 0; i < updated.length; i++) {
        const instance = updated[i]!.instance;
        const entry = this.dirty.get(instance);
        if (entry !== undefined && entry.written < started) this.dirty.delete(instance);
      }
    }
    this.associations.clear();
    // Relationship writes made while the flush ran are still to write.
    if (this.relationWrites === relationWrites) this.relationWrites = this.oneToOneWrites = 0;
    this.settle();
    await afterFlushHooks(this, record);
  }

  /** Forget what no longer differs from the snapshots (after a flush, or writes set back). */
  private settle(): void {
    for (const [instance, entry] of this.dirty) if (isClean(instance, entry)) this.dirty.delete(instance);
  }

  /** The transaction committed: deleted rows' objects are detached, the journal starts afresh. */
  afterCommit(expire: boolean): void {
    for (const record of this.epoch.records) {
      for (const { state } of record.deleted) {
        state.status = 'detached';
        state.session = undefined;
      }
    }
    this.epoch = new Epoch();
    this.json.clear();
    if (expire) for (const [, state] of this.host.identityMap.instances()) state.expired = true;
  }

  /** Whether a flush would write something for this object. */
  isModified(instance: object): boolean {
    if (this.pending.has(instance) || this.deleted.has(instance)) return true;
    const entry = this.dirty.get(instance);
    if (entry !== undefined && !isClean(instance, entry)) return true;
    const watch = this.json.get(instance);
    return watch !== undefined && jsonChangedInPlace(instance, watch);
  }

  /** Everything forgotten (the session closed). */
  clear(): void {
    this.pending.clear();
    this.dirty.clear();
    this.deleted.clear();
    this.json.clear();
    this.associations.clear();
    this.orphans.clear();
    this.replacedInverse.clear();
    this.relationWrites = this.oneToOneWrites = 0;
    this.epoch = new Epoch();
    this.failure = undefined;
  }
}

/** An error of the statements a flush sent (as opposed to one found before sending any). */
class WriteFailure {
  constructor(readonly error: unknown) {}
}

/** The relations of a dirty entry with no to-one written (one array for all; replaced on the first). */
const NO_RELATIONS: RelationProperty[] = [];

function entityMeta(instance: object, method: string): EntityMetadata {
  const meta = instance !== null && typeof instance === 'object' ? metaOfInstance(instance) : undefined;
  if (meta === undefined) {
    const what = instance === null || typeof instance !== 'object' ? String(instance) : `a ${(instance as object).constructor?.name ?? 'plain object'}`;
    throw new InvalidArgumentError(`${method}(): ${what} is not an entity (decorate its class with @Entity()).`);
  }
  return meta;
}
