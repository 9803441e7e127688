import type { IdentityKey } from '../../identity/identity-key';
import type { InstanceState } from '../../identity/instance-state';
import type { EntityMetadata, RelationProperty } from '../../metadata/entity-metadata';
import type { Collection } from '../../relations/collection';

/**
 * What the accessors, Collections and relationship sync report to: the unit of work of the
 * session an instance belongs to. Writes are recorded as they happen, so a flush visits what
 * changed and nothing else.
 */
export interface ChangeTracker {
  /** A column value of a persistent instance was set to a different value. */
  columnChanged(instance: object, state: InstanceState, slot: number): void;
  /** An owning to-one relationship of a persistent instance was assigned. */
  relationChanged(instance: object, state: InstanceState, relation: RelationProperty): void;
  /** A JSON column of a persistent instance was read (or written): in-place changes are looked for at flush. */
  jsonRead(instance: object, state: InstanceState, slot: number): void;
  /** A many-to-many link to add or remove, given on the owning side. */
  association(relation: RelationProperty, owner: object, target: object, kind: 'link' | 'unlink'): void;
  /** A Collection is about to change: its items as they were are kept (rollback puts them back). */
  collectionChanging(collection: Collection<object>): void;
  /** `child` left its parent through `relation` (the child's to-one): a delete-orphan candidate. */
  orphaned(child: object, relation: RelationProperty): void;
  /** Cascade `save`: bring a new object into the session (no-op for one already in it). */
  cascadeAdd(instance: object): void;
  /** The session's object with this identity, if it holds one. */
  lookup(root: EntityMetadata, key: IdentityKey): object | undefined;
}

/** What a session exposes to the tracking code (its identity map's link and its unit of work). */
interface TrackingSession {
  readonly isClosed: boolean;
  readonly unitOfWork?: ChangeTracker;
}

/** The tracker of the (open) session an instance belongs to, if any. */
export function trackerOf(state: InstanceState | undefined): ChangeTracker | undefined {
  if (state === undefined) return undefined;
  const session = state.session as TrackingSession | undefined;
  if (session === undefined || session.isClosed) return undefined;
  return session.unitOfWork;
}
