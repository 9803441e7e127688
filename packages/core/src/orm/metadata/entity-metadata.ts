import type { AnyTable } from '../../sql/schema/table';
import type { SqlType } from '../../sql/types/sql-type';
import type { ExprNode } from '../../sql/ast';

/**
 * Resolved mapping metadata: what the Session, the loaders and the unit of work read. Built by
 * the registry's configure step from what the decorators recorded; immutable afterwards.
 */

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type EntityClass<T = any> = abstract new (...args: any[]) => T;

export type LoadingStrategy = 'lazy' | 'joined' | 'selectin' | 'raise' | 'noload';

/** SQLAlchemy's cascades: `save` is save-update, `all` = save + merge + delete + refresh + expunge. */
export type CascadeOption = 'save' | 'merge' | 'delete' | 'delete-orphan' | 'refresh' | 'expunge' | 'all';

export interface ColumnProperty {
  readonly kind: 'column';
  /** Property name on the class. */
  readonly name: string;
  /** Column name in the database. */
  readonly column: string;
  readonly type: SqlType;
  /** As the entity sees it; a single-table subclass's own columns are nullable in the shared table. */
  readonly nullable: boolean;
  readonly primary: boolean;
  readonly autoIncrement: boolean;
  /** A value, or a function called per new instance. */
  readonly default?: { readonly value: unknown } | { readonly fn: () => unknown };
  readonly serverDefault?: ExprNode;
  readonly unique: boolean | string;
  readonly index: boolean | string;
  /** @Version: checked on UPDATE/DELETE, incremented on UPDATE. */
  readonly version: boolean;
  readonly createdAt: boolean;
  readonly updatedAt: boolean;
  /** The foreign-key column of a to-one relationship (`authorId` for `author`), if it is one. */
  readonly foreignKeyOf?: string;
  /**
   * Whether the value lives in an instance property of this name. False for foreign-key
   * columns (the value is the relationship's `Ref` id: `post.author.id`) and for a
   * single-table discriminator column the class does not declare (the value follows from
   * the class: `InheritanceMetadata.value`).
   */
  readonly instance: boolean;
}

export interface RelationProperty {
  readonly kind: 'relation';
  readonly name: string;
  readonly relation: 'manyToOne' | 'oneToMany' | 'oneToOne' | 'manyToMany';
  readonly target: EntityMetadata;
  /** The side that holds the foreign key (or, for many-to-many, declares the join table). */
  readonly owner: boolean;
  /** The property on the target that points back, if declared. */
  readonly inverse?: RelationProperty;
  /** Owning to-one: the local foreign-key column properties, aligned with the target's primary key. */
  readonly joinColumns: readonly ColumnProperty[];
  /** Many-to-many: the association table and its two key column lists. */
  readonly joinTable?: JoinTableMetadata;
  readonly nullable: boolean;
  readonly loading: LoadingStrategy;
  readonly cascade: ReadonlySet<Exclude<CascadeOption, 'all'>>;
  readonly onDelete?: 'cascade' | 'set null' | 'restrict' | 'no action';
  /** Collections only: default ordering when loaded. */
  readonly orderBy?: Readonly<Record<string, 'asc' | 'desc'>>;
}

/**
 * "Owner" here is the entity declaring the relationship property: on the inverse side
 * (`mappedBy`) the same table appears with the two column lists swapped. Columns are given as
 * keys of `table` (`table.$column(key)`); for a generated table the keys are the column names.
 */
export interface JoinTableMetadata {
  readonly table: AnyTable;
  /** Columns referencing the owner's primary key, aligned with it. */
  readonly ownerColumns: readonly string[];
  /** Columns referencing the target's primary key, aligned with it. */
  readonly targetColumns: readonly string[];
  /** An explicit association entity, when the join table is mapped as one. */
  readonly entity?: EntityMetadata;
}

export type PropertyMetadata = ColumnProperty | RelationProperty;

export interface InheritanceMetadata {
  readonly kind: 'single-table';
  readonly discriminatorColumn: ColumnProperty;
  /** This class's discriminator value; absent on an abstract root. */
  readonly value?: string;
  readonly root: EntityMetadata;
  /** Discriminator value → class metadata, over the whole hierarchy (root only). */
  readonly byValue: ReadonlyMap<string, EntityMetadata>;
}

export type LifecycleEvent =
  | 'beforeInsert' | 'afterInsert' | 'beforeUpdate' | 'afterUpdate' | 'beforeDelete' | 'afterDelete' | 'afterLoad';

export interface EntityMetadata {
  readonly class: EntityClass;
  /** The class name, for messages. */
  readonly name: string;
  readonly tableName: string;
  readonly schema?: string;
  /** The Core table, typed loosely here; `table(Entity)` gives the typed view. */
  readonly table: AnyTable;
  /** Every mapped property by name: columns (foreign keys such as `authorId` included) and relationships. */
  readonly properties: ReadonlyMap<string, PropertyMetadata>;
  /** Column properties in table order. */
  readonly columns: readonly ColumnProperty[];
  readonly relations: readonly RelationProperty[];
  readonly primaryKey: readonly ColumnProperty[];
  readonly version?: ColumnProperty;
  readonly inheritance?: InheritanceMetadata;
  /** Method names per lifecycle event, from @BeforeInsert etc. */
  readonly hooks: ReadonlyMap<LifecycleEvent, readonly string[]>;
}
