import type { SqlDialect } from '../../sql/dialect';
import { compositeKey, type IdentityKey, keyPart } from '../identity/identity-key';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { Ref } from '../relations/ref';

/**
 * The key columns a relationship is loaded by, and reading their values: from an owner object
 * (its primary key, or the key its Ref holds), from a result row (by slot), as identity keys
 * (to match rows to owners) and as encoded parameters.
 */

export interface RelationLink {
  /** Columns of the owner whose values select the related rows (its primary key, or the foreign key of an owning to-one). */
  readonly local: readonly ColumnProperty[];
  /**
   * What the statement compares with `local`: the target's primary key (owning to-one), the
   * target's foreign key (one-to-many, inverse one-to-one), or the join table's owner columns
   * (many-to-many; keys of `joinTable.table`).
   */
  readonly remote: readonly ColumnProperty[] | readonly string[];
  readonly kind: 'toOne' | 'fromTarget' | 'joinTable';
}

const links = new WeakMap<RelationProperty, RelationLink>();

/** How `r` (declared on `owner`) links the two tables. */
export function linkOf(owner: EntityMetadata, r: RelationProperty): RelationLink {
  let link = links.get(r);
  if (link === undefined) {
    if (r.relation === 'manyToMany') {
      link = { local: owner.primaryKey, remote: r.joinTable!.ownerColumns, kind: 'joinTable' };
    } else if (r.joinColumns.length > 0) {
      link = { local: r.joinColumns, remote: r.target.primaryKey, kind: 'toOne' };
    } else {
      const owning = r.inverse;
      if (owning === undefined || owning.joinColumns.length === 0) {
        throw new Error(`${owner.name}.${r.name}: neither side declares the foreign key (the configure step should have refused this mapping)`);
      }
      link = { local: owner.primaryKey, remote: owning.joinColumns, kind: 'fromTarget' };
    }
    links.set(r, link);
  }
  return link;
}

/** A key's identity from its values, as the identity map computes it. */
export function identityOfValues(values: readonly unknown[]): IdentityKey {
  return values.length === 1 ? keyPart(values[0]) : compositeKey(values);
}

/**
 * The value of one column of an object: the property for an instance column, the matching part
 * of the Ref's key for a foreign-key column. Undefined when unknown (no Ref, a NULL key).
 */
export function columnValue(owner: object, meta: EntityMetadata, column: ColumnProperty): unknown {
  if (column.instance) return (owner as Record<string, unknown>)[column.name];
  const relationName = column.foreignKeyOf;
  if (relationName === undefined) return undefined;
  const r = meta.relations.find((x) => x.name === relationName);
  const value = (owner as Record<string, unknown>)[relationName];
  if (r === undefined || !(value instanceof Ref)) return undefined;
  return refKeyPart(r, value.key, r.joinColumns.indexOf(column));
}

/** Part `i` of a Ref's key: the key itself for a single-column key, the property of an object key. */
export function refKeyPart(r: RelationProperty, key: unknown, i: number): unknown {
  const pk = r.target.primaryKey;
  if (pk.length === 1) return key;
  return key !== null && typeof key === 'object' ? (key as Record<string, unknown>)[pk[i]!.name] : undefined;
}

/** The values of `columns` on `owner`, or undefined when any is missing. */
export function valuesOf(owner: object, meta: EntityMetadata, columns: readonly ColumnProperty[]): unknown[] | undefined {
  const out = new Array<unknown>(columns.length);
  for (let i = 0; i < columns.length; i++) {
    const v = columnValue(owner, meta, columns[i]!);
    if (v === undefined || v === null) return undefined;
    out[i] = v;
  }
  return out;
}

/** The target key values a Ref holds, in the target's primary-key order; undefined when incomplete. */
export function refValues(r: RelationProperty, ref: Ref<object, unknown>): unknown[] | undefined {
  const pk = r.target.primaryKey;
  const out = new Array<unknown>(pk.length);
  for (let i = 0; i < pk.length; i++) {
    const v = refKeyPart(r, ref.key, i);
    if (v === undefined || v === null) return undefined;
    out[i] = v;
  }
  return out;
}

/** The identity of the key found at `slots` of a row; undefined when any part is NULL. */
export function rowIdentity(row: readonly unknown[], slots: readonly number[]): IdentityKey | undefined {
  if (slots.length === 1) {
    const v = row[slots[0]!];
    return v === null || v === undefined ? undefined : keyPart(v);
  }
  const values = new Array<unknown>(slots.length);
  for (let i = 0; i < slots.length; i++) {
    const v = row[slots[i]!];
    if (v === null || v === undefined) return undefined;
    values[i] = v;
  }
  return compositeKey(values);
}

export type Encoder = ((value: unknown) => unknown) | undefined;

/** Encoders of the dialect for columns of these SQL types (undefined: the value goes as is). */
export function encodersFor(dialect: SqlDialect, columns: readonly ColumnProperty[]): Encoder[] {
  return columns.map((c) => {
    const codec = dialect.codecs[c.type.kind];
    const to = codec?.toDriver;
    return to === undefined ? undefined : (value: unknown) => to.call(codec, value, c.type);
  });
}
