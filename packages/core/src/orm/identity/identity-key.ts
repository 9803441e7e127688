import { InvalidArgumentError } from '../../errors/errors';
import type { ColumnProperty, EntityMetadata } from '../metadata/entity-metadata';

/**
 * A row's identity within its root entity, usable as a Map key: a single key's value as is
 * (numbers, strings and bigints compare by value in a Map), or a string for composite keys and
 * for values Maps compare by reference (Dates, byte arrays).
 */
export type IdentityKey = string | number | bigint | boolean;

/** One key column's value as a Map key. */
export function keyPart(value: unknown): IdentityKey {
  switch (typeof value) {
    case 'number':
    case 'string':
    case 'bigint':
    case 'boolean':
      return value;
    default:
      if (value instanceof Date) return `d:${value.getTime()}`;
      if (value instanceof Uint8Array) return `x:${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
      return `j:${JSON.stringify(value)}`;
  }
}

/** The identity of composite key values, in primary-key order. */
export function compositeKey(values: readonly unknown[]): string {
  let out = '';
  for (let i = 0; i < values.length; i++) {
    const part = keyPart(values[i]);
    // Typed and length-prefixed, so no two value lists share a key.
    const text = typeof part === 'string' ? `s${part}` : typeof part === 'bigint' ? `n${part}` : `${typeof part === 'number' ? 'f' : 'b'}${part}`;
    out += `${text.length}:${text};`;
  }
  return out;
}

/** Whether `keyPart` returns a key column's values unchanged (so hydration can skip the call). */
export function isPlainKeyColumn(column: ColumnProperty): boolean {
  switch (column.type.kind) {
    case 'integer':
    case 'smallint':
    case 'bigint':
    case 'varchar':
    case 'text':
    case 'uuid':
    case 'enum':
      return true;
    default:
      return false;
  }
}

/**
 * The key values an application passes to `get(Entity, id)`: the value itself for a single
 * key, or an object with the key properties (`{ tenantId, id }`) for any key. `undefined` and
 * `null` parts are refused: a missing key must never match some row.
 */
export function keyValues(meta: EntityMetadata, id: unknown, where: string): unknown[] {
  const pk = meta.primaryKey;
  const isObject = id !== null && typeof id === 'object' && !(id instanceof Date) && !(id instanceof Uint8Array);
  if (pk.length === 1 && !isObject) {
    if (id === undefined || id === null) {
      throw new InvalidArgumentError(`${where}: the ${meta.name} key is ${String(id)}; pass the ${pk[0]!.name} value.`);
    }
    return [id];
  }
  if (!isObject) {
    const names = pk.map((c) => c.name).join(', ');
    throw new InvalidArgumentError(`${where}: ${meta.name} has a composite primary key; pass an object with ${names} (got ${id === null ? 'null' : typeof id}).`);
  }
  return pk.map((column) => {
    const value = (id as Record<string, unknown>)[column.name];
    if (value === undefined || value === null) {
      throw new InvalidArgumentError(`${where}: the ${meta.name} key is missing ${column.name} (got ${String(value)}); pass every primary-key property.`);
    }
    return value;
  });
}

/** The identity key of primary-key values in primary-key order. */
export function identityOf(values: readonly unknown[]): IdentityKey {
  return values.length === 1 ? keyPart(values[0]) : compositeKey(values);
}
