import type { EntityOptions } from '../decorator-options';
import { recordChain } from '../decorator-records';
import type { IndexRecord, PropertyRecord, RelationRecord } from '../decorator-records';
import type { ColumnProperty, EntityClass, EntityMetadata, LifecycleEvent, RelationProperty } from '../entity-metadata';
import type { NamingStrategy } from '../naming-strategy';
import { INTEGRAL_KINDS, resolveColumnType } from './column-types';
import type { Problems } from './problems';

/**
 * The configure step's working state. Each entity being configured gets a draft whose `meta`
 * is the very object that becomes its EntityMetadata (filled phase by phase, frozen at the
 * end), so metadata objects can point at each other before all of them are complete.
 */

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };
export type MutableColumn = Mutable<ColumnProperty>;
export type MutableRelation = Mutable<RelationProperty>;
export type MutableEntity = Mutable<EntityMetadata>;

export interface RelationDraft {
  readonly record: RelationRecord;
  readonly prop: MutableRelation;
  /** The inverse side's property name on the target, when this side gives `mappedBy`. */
  mappedBy?: string;
}

export interface EntityDraft {
  readonly cls: EntityClass;
  readonly name: string;
  readonly options: EntityOptions;
  readonly meta: MutableEntity;
  /** The nearest ancestor that is an entity of the same registry (single-table inheritance). */
  parent?: EntityMetadata;
  /** The single-table root's draft (itself when it is the root or stands alone). */
  root: EntityDraft;
  /** Subclasses sharing this root's table, in registration order (root only). */
  readonly children: EntityDraft[];
  /** Property names in declaration order, ancestors first. */
  readonly order: string[];
  readonly records: Map<string, PropertyRecord>;
  /** Declared column properties (not foreign keys or a synthesized discriminator). */
  readonly columns: Map<string, MutableColumn>;
  readonly relations: Map<string, RelationDraft>;
  /** Foreign-key column properties of owning to-one relationships, by relation name. */
  readonly joinColumns: Map<string, MutableColumn[]>;
  readonly indexes: IndexRecord[];
  readonly hooks: Map<LifecycleEvent, string[]>;
  discriminator?: MutableColumn;
  /** Primary key, once resolved (it may include foreign keys of `primary: true` relations). */
  primaryKey?: MutableColumn[];
  resolvingKey?: boolean;
}

export interface ConfigureContext {
  readonly registryName: string;
  readonly naming: NamingStrategy;
  readonly problems: Problems;
  /** Drafts of the classes being configured, in registration order. */
  readonly drafts: Map<Function, EntityDraft>;
  /** Entities this registry configured earlier (immutable). */
  readonly configured: ReadonlyMap<Function, EntityMetadata>;
  /** `schema.table` → what uses it, for the "two entities on one table" check. */
  readonly tableNames: Map<string, string>;
  /** The name of another registry holding `cls`, for messages. */
  readonly otherRegistryOf: (cls: Function) => string | undefined;
}

/** The draft behind a metadata object, when it is being configured now. */
export function draftOf(ctx: ConfigureContext, meta: EntityMetadata): EntityDraft | undefined {
  const d = ctx.drafts.get(meta.class);
  return d?.meta === meta ? d : undefined;
}

/** This registry's metadata (final or in progress) for a class. */
export function lookup(ctx: ConfigureContext, cls: Function): EntityMetadata | undefined {
  return ctx.drafts.get(cls)?.meta ?? ctx.configured.get(cls);
}

function columnFromRecord(ctx: ConfigureContext, name: string, record: Extract<PropertyRecord, { kind: 'column' }>, where: string): MutableColumn | undefined {
  const resolved = resolveColumnType(record, where);
  if ('problem' in resolved) {
    ctx.problems.add(resolved.problem);
    return undefined;
  }
  const o = record.options;
  const type = resolved.type;
  let def: ColumnProperty['default'];
  if (o.default !== undefined) def = typeof o.default === 'function' ? { fn: o.default as () => unknown } : { value: o.default };
  else if (record.role === 'version') def = { value: type.kind === 'bigint' ? 1n : 1 };
  else if ((record.role === 'createdAt' || record.role === 'updatedAt') && o.serverDefault === undefined) def = { fn: () => new Date() };
  else if (record.role === 'primary' && type.kind === 'uuid' && o.autoIncrement !== true) def = { fn: () => crypto.randomUUID() };
  if (record.role === 'version' && !INTEGRAL_KINDS.has(type.kind)) {
    ctx.problems.add(`${where}: a @Version column counts updates, so it must be an integer type (integer, bigint, smallint), not ${type.kind}.`);
  }
  if ((record.role === 'createdAt' || record.role === 'updatedAt') && type.kind !== 'timestamp' && type.kind !== 'timestamptz') {
    ctx.problems.add(`${where}: ${record.decorator} holds a Date; use type 'timestamp' or 'timestamptz', not ${type.kind}.`);
  }
  if (o.serverDefault !== undefined && (typeof o.serverDefault !== 'object' || !('node' in o.serverDefault))) {
    ctx.problems.add(`${where}: serverDefault must be an SQL expression, e.g. sql\`CURRENT_TIMESTAMP\`; for a value use \`default\`.`);
  }
  return {
    kind: 'column',
    name,
    column: o.name ?? ctx.naming.columnName(name),
    type,
    nullable: record.role === 'primary' ? false : (o.nullable ?? false),
    primary: record.role === 'primary',
    // Decided with the whole key (a single integer key increments by default).
    autoIncrement: false,
    default: def,
    serverDefault: o.serverDefault?.node,
    unique: o.unique ?? false,
    index: o.index ?? false,
    version: record.role === 'version',
    createdAt: record.role === 'createdAt',
    updatedAt: record.role === 'updatedAt',
    instance: true,
  };
}

/** Phase 1: a draft per class, from the records of its class chain. */
export function createDraft(ctx: ConfigureContext, cls: EntityClass, options: EntityOptions): EntityDraft {
  const meta = { class: cls, name: cls.name } as MutableEntity;
  const draft: EntityDraft = {
    cls,
    name: cls.name,
    options,
    meta,
    root: undefined as unknown as EntityDraft,
    children: [],
    order: [],
    records: new Map(),
    columns: new Map(),
    relations: new Map(),
    joinColumns: new Map(),
    indexes: [],
    hooks: new Map(),
  };
  draft.root = draft;
  for (const { ctor, record } of recordChain(cls)) {
    for (const conflict of record.conflicts) ctx.problems.add(`${ctor.name}.${conflict}.`);
    for (const [name, property] of record.properties) {
      if (!draft.records.has(name)) draft.order.push(name);
      draft.records.set(name, property);
    }
    draft.indexes.push(...record.indexes);
    for (const [event, methods] of record.hooks) {
      const list = draft.hooks.get(event) ?? [];
      for (const m of methods) if (!list.includes(m)) list.push(m);
      draft.hooks.set(event, list);
    }
  }
  for (const [event, methods] of draft.hooks) {
    for (const m of methods) {
      if (typeof (cls.prototype as Record<string, unknown>)[m] !== 'function') {
        ctx.problems.add(`${draft.name}.${m}: a lifecycle hook (${event}) must be a method.`);
      }
    }
  }
  for (const name of draft.order) {
    const record = draft.records.get(name)!;
    const where = `${draft.name}.${name}`;
    if (record.kind === 'column') {
      const column = columnFromRecord(ctx, name, record, where);
      if (column) draft.columns.set(name, column);
    } else {
      draft.relations.set(name, { record, prop: { kind: 'relation', name, relation: record.relation } as MutableRelation });
    }
  }
  return draft;
}

/** The nearest ancestor class that is an entity in this registry, and any mapped in another. */
export function entityAncestor(ctx: ConfigureContext, cls: Function): { meta?: EntityMetadata; foreign?: [Function, string] } {
  for (let c: unknown = Object.getPrototypeOf(cls); typeof c === 'function' && c !== Function.prototype; c = Object.getPrototypeOf(c)) {
    const meta = lookup(ctx, c);
    if (meta) return { meta };
    const other = ctx.otherRegistryOf(c);
    if (other !== undefined) return { foreign: [c, other] };
  }
  return {};
}
