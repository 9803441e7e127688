import { InvalidArgumentError } from '../../../errors/errors';
import type { SqlDialect } from '../../../sql/dialect';
import type { SqlType } from '../../../sql/types/sql-type';
import type { IdentityKey } from '../../identity/identity-key';
import type { InstanceState } from '../../identity/instance-state';
import { stateOf } from '../../identity/instance-state';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../../metadata/entity-metadata';
import { describeKey, Ref } from '../../relations/ref';
import type { InsertChange } from '../change-set';
import { storageOf } from '../tracking/storage';
import { toOneHeld } from '../tracking/to-one';

/**
 * The values a flush writes, read from instances: mapped properties as they are, foreign keys
 * from the relationship's target (its key as this flush assigned it, when it is new), the
 * discriminator from the class. Nothing here writes to an instance.
 */

/** A row this flush wrote (or is writing): its values aligned with `meta.columns`. */
export interface PendingRow {
  readonly state: InstanceState;
  readonly instance: object;
  readonly meta: EntityMetadata;
  /** As the row now holds them; undefined where not known (a server default nothing read back). */
  readonly values: unknown[];
  /** A new row's identity, set when the flush's outcome is built. */
  key?: IdentityKey;
  /** @internal What applying a new row replaced, for its undo: the state's key and snapshot, and the stored values when swapped. */
  priorKey?: IdentityKey;
  priorSnapshot?: unknown[];
  priorValues?: unknown[];
}

/**
 * An insert change already shaped as the PendingRow it becomes: persistInserts fills in the
 * row's values and uses the same object, so each new object costs one record through the
 * flush, not two (at 60k rows the second one is mostly young-generation copying).
 */
export function insertChange(state: InstanceState, instance: object): InsertChange {
  const change: InsertChange & Omit<PendingRow, 'values'> & { values: unknown[] | undefined } = {
    kind: 'insert',
    state,
    instance,
    meta: state.meta,
    values: undefined,
    key: undefined,
    priorKey: undefined,
    priorSnapshot: undefined,
    priorValues: undefined,
  };
  return change;
}

/** The pending row of an insert change with `values` (the change itself when insertChange made it). */
export function pendingRowOf(change: InsertChange, meta: EntityMetadata, values: unknown[]): PendingRow {
  if (!('values' in change)) return { state: change.state, instance: change.instance, meta, values, key: undefined, priorKey: undefined, priorSnapshot: undefined, priorValues: undefined };
  const row = change as unknown as { meta: EntityMetadata; values: unknown[]; key?: IdentityKey; priorKey?: IdentityKey; priorSnapshot?: unknown[]; priorValues?: unknown[] };
  row.meta = meta;
  row.values = values;
  row.key = undefined;
  row.priorKey = undefined;
  row.priorSnapshot = undefined;
  row.priorValues = undefined;
  return row as unknown as PendingRow;
}

/** Where keys assigned earlier in the flush are found. */
export interface KeySource {
  insertedRow(instance: object, meta: EntityMetadata): PendingRow | undefined;
}

type Reader = (source: KeySource, instance: object) => unknown;

const readers = new WeakMap<EntityMetadata, readonly Reader[]>();
const pkSlots = new WeakMap<EntityMetadata, readonly number[]>();

/** Where the primary-key columns sit in `meta.columns`. */
export function primaryKeySlots(meta: EntityMetadata): readonly number[] {
  // Called per row by a flush's outcome (60k keys in W1): the last entity's are kept at hand.
  if (meta === lastPkMeta) return lastPkSlots!;
  let slots = pkSlots.get(meta);
  if (slots === undefined) {
    slots = meta.primaryKey.map((k) => meta.columns.findIndex((c) => c.name === k.name));
    pkSlots.set(meta, slots);
  }
  lastPkMeta = meta;
  lastPkSlots = slots;
  return slots;
}

let lastPkMeta: EntityMetadata | undefined;
let lastPkSlots: readonly number[] | undefined;

/** Readers of the current value of each of `meta.columns`, built once per entity. */
export function columnReaders(meta: EntityMetadata): readonly Reader[] {
  let list = readers.get(meta);
  if (list === undefined) {
    list = meta.columns.map((c) => readerOf(meta, c));
    readers.set(meta, list);
  }
  return list;
}

function readerOf(meta: EntityMetadata, column: ColumnProperty): Reader {
  const name = column.name;
  if (column.instance) {
    // From the instance's storage when it has one (no accessor call); a plain object's property otherwise.
    const storage = storageOf(meta);
    const slot = meta.columns.indexOf(column);
    return (_source, instance) => {
      const values = storage.values(instance);
      return values !== undefined ? values[slot] : (instance as Record<string, unknown>)[name];
    };
  }
  if (column.foreignKeyOf !== undefined) {
    const relation = meta.relations.find((r) => r.name === column.foreignKeyOf)!;
    const slot = relation.joinColumns.findIndex((c) => c.name === name);
    // A single-column key (the usual case): the value itself, no key array per row.
    if (relation.joinColumns.length === 1 && relation.target.primaryKey.length === 1) return (source, instance) => singleTargetKey(source, instance, relation);
    return (source, instance) => {
      const key = targetKey(source, instance, relation);
      return key === null ? null : key[slot];
    };
  }
  const value = meta.inheritance?.value ?? null;
  return () => value;
}

/** The current value of one column of `instance`. */
export function columnValue(source: KeySource, meta: EntityMetadata, instance: object, index: number): unknown {
  return columnReaders(meta)[index]!(source, instance);
}

/** An instance's primary-key values: as this flush assigned them, else as its properties hold them; undefined when incomplete. */
export function keyOf(source: KeySource, instance: object, fallback: EntityMetadata): unknown[] | undefined {
  const row = source.insertedRow(instance, fallback);
  const meta = row?.meta ?? stateOf(instance)?.meta ?? fallback;
  const slots = primaryKeySlots(meta);
  const out = new Array<unknown>(slots.length);
  const read = columnReaders(meta);
  for (let i = 0; i < slots.length; i++) {
    const v = row !== undefined ? row.values[slots[i]!] : read[slots[i]!]!(source, instance);
    if (v === null || v === undefined) return undefined;
    out[i] = v;
  }
  return out;
}

/**
 * The key a to-one relationship of `instance` points at (aligned with the target's primary
 * key), or null when it points nowhere. A target object without a key (new, and not inserted
 * before this row) is an error naming the relationship.
 */
export function targetKey(source: KeySource, instance: object, relation: RelationProperty): unknown[] | null {
  const value = toOneHeld(instance, relation);
  if (value === null || value === undefined) return null;
  let target: unknown = value;
  if (value instanceof Ref) {
    target = value.value;
    if (target === undefined || target === null) return refKey(relation, value.key);
  }
  if (typeof target !== 'object' || target === null) throw notAnEntity(instance, relation, target);
  const key = keyOf(source, target, relation.target);
  if (key !== undefined) return key;
  throw keyless(instance, relation);
}

/** `targetKey` for a one-column key: the key value itself (null when the relationship points nowhere). */
function singleTargetKey(source: KeySource, instance: object, relation: RelationProperty): unknown {
  const value = toOneHeld(instance, relation);
  if (value === null || value === undefined) return null;
  let target: unknown = value;
  if (value instanceof Ref) {
    target = value.value;
    if (target === undefined || target === null) return value.key === undefined ? null : value.key;
  }
  if (typeof target !== 'object' || target === null) throw notAnEntity(instance, relation, target);
  const row = source.insertedRow(target, relation.target);
  const meta = row?.meta ?? stateOf(target)?.meta ?? relation.target;
  const slot = primaryKeySlots(meta)[0]!;
  const key = row !== undefined ? row.values[slot] : columnReaders(meta)[slot]!(source, target);
  if (key !== null && key !== undefined) return key;
  throw keyless(instance, relation);
}

function notAnEntity(instance: object, relation: RelationProperty, target: unknown): InvalidArgumentError {
  return new InvalidArgumentError(`${instance.constructor.name}.${relation.name} holds ${typeof target}; assign a ${relation.target.name}, a Ref to one (ref(${relation.target.name}, id)), or null.`);
}

function keyless(instance: object, relation: RelationProperty): InvalidArgumentError {
  return new InvalidArgumentError(
    `${instance.constructor.name}.${relation.name} points at a ${relation.target.name} that has no key and is not inserted before it in this flush. ` +
      `Add the ${relation.target.name} to the session (session.add(…)), or cascade 'save' along ${relation.name}.`,
  );
}

function refKey(relation: RelationProperty, key: unknown): unknown[] | null {
  if (key === null || key === undefined) return null;
  const pk = relation.target.primaryKey;
  if (pk.length === 1) return [key];
  const parts = pk.map((c) => (key as Record<string, unknown>)[c.name]);
  if (parts.some((p) => p === null || p === undefined)) {
    throw new InvalidArgumentError(`${relation.name}: the Ref's key ${describeKey(key)} lacks part of ${relation.target.name}'s key (${pk.map((c) => c.name).join(', ')}).`);
  }
  return parts;
}

type Converter = (value: unknown) => unknown;
const encoders = new WeakMap<SqlDialect, WeakMap<SqlType, Converter>>();
const decoders = new WeakMap<SqlDialect, WeakMap<SqlType, Converter>>();
/** The encoder of types whose values the driver binds as they are. */
export const passThrough: Converter = (v) => (v === undefined ? null : v);

function cached(store: WeakMap<SqlDialect, WeakMap<SqlType, Converter>>, dialect: SqlDialect, type: SqlType, make: () => Converter): Converter {
  let byType = store.get(dialect);
  if (byType === undefined) store.set(dialect, (byType = new WeakMap()));
  let fn = byType.get(type);
  if (fn === undefined) byType.set(type, (fn = make()));
  return fn;
}

/** What the driver binds for a value of `type` (as the compiler encodes a typed parameter). */
export function encoderOf(dialect: SqlDialect, type: SqlType): Converter {
  return cached(encoders, dialect, type, () => {
    const codec = dialect.codecs[type.kind];
    const to = codec?.toDriver;
    return to === undefined ? passThrough : (v) => (v === null || v === undefined ? null : to.call(codec, v, type));
  });
}

/** The JavaScript value of a driver value of `type` (generated keys read outside a result set). */
export function decoderOf(dialect: SqlDialect, type: SqlType): Converter {
  return cached(decoders, dialect, type, () => {
    const codec = dialect.codecs[type.kind];
    const from = codec?.fromDriver;
    return from === undefined ? (v) => v : (v) => (v === null || v === undefined ? null : from.call(codec, v, type));
  });
}

/** `User#1`, `Membership#[1,"ann"]`, `User#(new)`: how messages name a row. */
export function describeRow(meta: EntityMetadata, key: readonly unknown[] | undefined): string {
  if (key === undefined) return `${meta.name}#(new)`;
  return `${meta.name}#${key.length === 1 ? describeKey(key[0]) : describeKey(key)}`;
}
