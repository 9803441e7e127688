// The ORM's public surface. Importing it also adds createAll/dropAll to Engine.
import './metadata/engine-schema';

export type {
  CascadeOption,
  ColumnProperty,
  EntityClass,
  EntityMetadata,
  InheritanceMetadata,
  JoinTableMetadata,
  LifecycleEvent,
  LoadingStrategy,
  PropertyMetadata,
  RelationProperty,
} from './metadata/entity-metadata';
export type {
  ColumnOptions,
  ColumnTypeName,
  ColumnTypeSpec,
  EntityOptions,
  IndexOptions,
  InverseOneToOneOptions,
  JoinTableOptions,
  ManyToManyOptions,
  ManyToOneOptions,
  MappedByToMany,
  MappedByToOne,
  OnDeleteOption,
  OneToManyOptions,
  OneToOneOptions,
  OrderByOf,
  PrimaryKeyOptions,
  RegistryOptions,
  TimestampOptions,
  VersionOptions,
  ViaOptions,
} from './metadata/decorator-options';
export { Entity } from './metadata/entity-decorator';
export { Column, CreatedAt, PrimaryKey, UpdatedAt, Version } from './metadata/column-decorators';
export { ManyToMany, ManyToOne, OneToMany, OneToOne } from './metadata/relation-decorators';
export { Index, Unique } from './metadata/index-decorators';
export { AfterDelete, AfterInsert, AfterLoad, AfterUpdate, BeforeDelete, BeforeInsert, BeforeUpdate } from './metadata/hook-decorators';
export { defaultRegistry, metadataOf, Registry, registryOf, tablesOf } from './metadata/registry';
export { defaultNamingStrategy, pluralize, PreserveNamingStrategy, singularize, snakeCase, SnakeCaseNamingStrategy } from './metadata/naming-strategy';
export type { NamingStrategy, SnakeCaseNamingOptions } from './metadata/naming-strategy';
export { createSchema, dropSchema, schemaOf } from './metadata/schema';
export type { CreateSchemaOptions, DropSchemaOptions, SchemaSource } from './metadata/schema';
export { bindRelations, createInstance, refFor, relationInitializer } from './metadata/instances';
export { isRef, ref, Ref } from './relations/ref';
export { Collection, isCollection } from './relations/collection';

// ---- Session: read side (identity map, hydration, typed queries) ----
import './session/engine-session';
export { Session } from './session/session';
export { ReadOnlySessionError, SessionClosedError } from './session/session-options';
export type { PrimaryKeyInput, ScopedSessionOptions, SessionOptions } from './session/session-options';
export type { SessionConnection } from './session/session-connection';
export { EntityQuery } from './query/entity-query';
export { OPERATOR_NAMES } from './query/filter-types';
export type {
  ColumnCondition,
  Combinators,
  Direction,
  EntityTable,
  Filter,
  FilterKeys,
  FindOptions,
  OperatorName,
  Operators,
  OrderSpec,
  StreamEntityOptions,
  ToManyCondition,
  ToManyKeys,
  ToOneCondition,
  ToOneKeys,
  Where,
} from './query/filter-types';
export { IdentityMap } from './identity/identity-map';
export type { IdentityMapOptions } from './identity/identity-map';
export { InstanceState, stateOf } from './identity/instance-state';
export type { EntityStatus } from './identity/instance-state';
export type { IdentityKey } from './identity/identity-key';

// ---- Relationship loading (lazy through dataloader, joined, select-in, raise, noload, populate, N+1 detector) ----
import './loading/relation-methods';
export { NPlusOneError } from './loading/n-plus-one';
export type { LoadPath, LoadSpec, MatchingOptions, NPlusOneOptions, PopulatePaths, RelationKeys, RelationTarget } from './loading/load-types';

// ---- Unit of work: tracking (accessors), the session's writes, cascades, relationship sync ----
export { SessionFailedError } from './session/session-options';
export type { AutoflushOption } from './session/session-options';
export type { BeginOptions as SessionBeginOptions } from './unit-of-work/session-transactions';
export { toObject } from './unit-of-work/tracking/serialize';
export type { ToObjectOptions } from './unit-of-work/tracking/serialize';
export { create } from './unit-of-work/tracking/create-entity';
export type { CreateData } from './unit-of-work/tracking/create-entity';
export { installAccessors } from './unit-of-work/tracking/accessors';

// ---- Session events, entity lifecycle hooks and listeners by class, bulk operations ----
export type { FlushEventContext, SessionEvent, SessionListener } from './unit-of-work/session-events';
export { addEntityListener, removeEntityListener } from './unit-of-work/lifecycle-hooks';
export type { EntityEvent, EntityListener } from './unit-of-work/lifecycle-hooks';
export type { BulkInsertOptions, UpsertOptions } from './unit-of-work/bulk-operations';
