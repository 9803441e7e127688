import type { InstanceState } from '../identity/instance-state';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';

/**
 * What a flush must write, as computed by the change-set computer from the session's new,
 * dirty and deleted instances. The commit-order calculator orders it; the persister turns it
 * into batched statements. Plain data: no SQL here.
 */

export interface InsertChange {
  readonly kind: 'insert';
  readonly state: InstanceState;
  readonly instance: object;
}

export interface UpdateChange {
  readonly kind: 'update';
  readonly state: InstanceState;
  readonly instance: object;
  /** The columns whose values differ from the loaded/flushed ones, in table order. */
  readonly columns: readonly ColumnProperty[];
}

export interface DeleteChange {
  readonly kind: 'delete';
  readonly state: InstanceState;
  readonly instance: object;
}

/**
 * A foreign key set after the rows exist: breaks a cycle (A → B → A) by inserting one side
 * with NULL and updating it once the other row has its key. With `nullify`, the other way
 * round: the foreign key of a row about to be deleted is set to NULL first, so the rows of a
 * cycle can be deleted one table at a time.
 */
export interface PostUpdateChange {
  readonly kind: 'postUpdate';
  readonly state: InstanceState;
  readonly instance: object;
  readonly relation: RelationProperty;
  readonly nullify?: boolean;
}

/** A many-to-many association row to add or remove. */
export interface AssociationChange {
  readonly kind: 'link' | 'unlink';
  readonly relation: RelationProperty;
  readonly owner: object;
  readonly target: object;
}

export interface ChangeSet {
  readonly inserts: readonly InsertChange[];
  readonly updates: readonly UpdateChange[];
  readonly deletes: readonly DeleteChange[];
  readonly associations: readonly AssociationChange[];
  readonly isEmpty: boolean;
}

/**
 * One step of a flush plan: statements of one kind for one entity, in commit order. An insert
 * step's `deferred` lists the foreign keys its rows are inserted with as NULL (a cycle), each
 * set by a later `postUpdate` step. An `associations` step's relation is the owning side.
 */
export type FlushStep =
  | {
      readonly kind: 'insert';
      readonly meta: EntityMetadata;
      readonly changes: readonly InsertChange[];
      readonly deferred?: readonly PostUpdateChange[];
    }
  | { readonly kind: 'update'; readonly meta: EntityMetadata; readonly changes: readonly UpdateChange[] }
  | { readonly kind: 'postUpdate'; readonly meta: EntityMetadata; readonly changes: readonly PostUpdateChange[] }
  | { readonly kind: 'delete'; readonly meta: EntityMetadata; readonly changes: readonly DeleteChange[] }
  | { readonly kind: 'associations'; readonly relation: RelationProperty; readonly changes: readonly AssociationChange[] };
