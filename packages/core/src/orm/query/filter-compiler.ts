import { InvalidArgumentError } from '../../errors/errors';
import { select } from '../../sql/builders/select';
import { type AnyExpression, describe, type Expression, isExpression } from '../../sql/expression/expression';
import { and, exists, not, or } from '../../sql/expression/operators';
import { sql } from '../../sql/expression/raw';
import type { AnyColumn } from '../../sql/schema/column';
import { describeKey, isRef } from '../relations/ref';
import { stateOf } from '../identity/instance-state';
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { OPERATOR_NAMES, type OperatorName } from './filter-types';
import { AliasCounter, columnOf, JoinPlan, linkCondition, type QueryScope, relationColumns } from './join-plan';

/**
 * Filter objects (`{ age: { gt: 25 }, author: { username: 'x' } }`) to Core conditions. A
 * value of `undefined` anywhere is an error naming the property: an ORM that drops undefined
 * conditions turns `where: { id: input.id }` into "every row" when the input is missing.
 */

type Condition = Expression<boolean>;

const TRUE: Condition = sql<boolean>`1 = 1`;
const FALSE: Condition = sql<boolean>`1 = 0`;
const OPERATORS = new Set<string>(OPERATOR_NAMES);
const COMBINATORS = new Set(['and', 'or', 'not']);

/** The condition for `where` in `scope`: a filter object, a Core expression, or a function of the table. */
export function compileWhere(scope: QueryScope, where: unknown): Condition {
  if (isExpression(where)) return where as Condition;
  if (typeof where === 'function') {
    const result: unknown = (where as (t: unknown) => unknown)(scope.table);
    if (!isExpression(result)) {
      throw new InvalidArgumentError(`${scope.path}: a where function must return a condition expression (t.age.gt(18)); it returned ${describe(result)}.`);
    }
    return result as Condition;
  }
  if (!isPlainObject(where)) {
    throw new InvalidArgumentError(
      `${scope.path}: where takes a filter object ({ name: 'x' }), a condition expression or a function of the table; got ${describeValue(where)}.`,
    );
  }
  const parts: Condition[] = [];
  for (const key of Object.keys(where)) {
    const value = (where as Record<string, unknown>)[key];
    parts.push(COMBINATORS.has(key) && !scope.meta.properties.has(key) ? combinator(scope, key, value) : propertyCondition(scope, key, value));
  }
  return all(parts);
}

function all(parts: readonly Condition[]): Condition {
  return parts.length === 0 ? TRUE : parts.length === 1 ? parts[0]! : and(...parts);
}

function combinator(scope: QueryScope, key: string, value: unknown): Condition {
  if (value === undefined) throw undefinedValue(`${scope.path}.${key}`, `a ${key === 'not' ? 'condition' : 'list of conditions'}`);
  if (key === 'not') return not(compileWhere(scope, value));
  if (!Array.isArray(value)) {
    throw new InvalidArgumentError(`${scope.path}.${key} takes a list of conditions, e.g. ${key}: [{ a: 1 }, { b: 2 }]; got ${describeValue(value)}.`);
  }
  const parts = value.map((w, i) => {
    if (w === undefined) throw undefinedValue(`${scope.path}.${key}[${i}]`, 'a condition');
    return compileWhere(scope, w);
  });
  if (key === 'and') return all(parts);
  return parts.length === 0 ? FALSE : parts.length === 1 ? parts[0]! : or(...parts);
}

function propertyCondition(scope: QueryScope, key: string, value: unknown): Condition {
  const property = scope.meta.properties.get(key);
  if (property === undefined) {
    const known = propertyNames(scope.meta);
    throw new InvalidArgumentError(`${scope.path} has no property ${JSON.stringify(key)} to filter on; its properties are ${known}.`);
  }
  const where = `${scope.path}.${key}`;
  if (value === undefined) throw undefinedValue(where, 'a value, null or an operator object');
  if (property.kind === 'column') return columnCondition(columnOf(scope, property), property, value, where);
  return relationCondition(scope, property, value, where);
}

function columnCondition(column: AnyColumn, property: ColumnProperty, value: unknown, where: string): Condition {
  if (value === null) return column.isNull();
  if (Array.isArray(value)) {
    throw new InvalidArgumentError(`${where}: an array is not a value to compare with; for a list of values write { in: [...] }.`);
  }
  if (isPlainObject(value) && property.type.kind !== 'json') return operators(column, value, where);
  if (isPlainObject(value)) {
    // A JSON column: an object of operator names is operators, anything else a value.
    const keys = Object.keys(value);
    if (keys.length > 0 && keys.every((k) => OPERATORS.has(k))) return operators(column, value, where);
  }
  return column.eq(value);
}

function operators(column: AnyColumn, ops: Record<string, unknown>, where: string): Condition {
  const parts: Condition[] = [];
  for (const op of Object.keys(ops)) {
    if (!OPERATORS.has(op)) {
      throw new InvalidArgumentError(`${where}: unknown operator ${JSON.stringify(op)}; the operators are ${OPERATOR_NAMES.join(', ')}.`);
    }
    const value = ops[op];
    if (value === undefined) throw undefinedValue(`${where}.${op}`, 'a value');
    parts.push(operator(column, op as OperatorName, value, `${where}.${op}`));
  }
  if (parts.length === 0) throw new InvalidArgumentError(`${where}: an empty operator object; give a value, null or an operator ({ gt: 1 }).`);
  return all(parts);
}

function operator(column: AnyColumn, op: OperatorName, value: unknown, where: string): Condition {
  const nonNull = (): void => {
    if (value === null) throw new InvalidArgumentError(`${where}: null is not a value to compare with; use isNull: true (or eq: null).`);
  };
  switch (op) {
    case 'eq':
      return value === null ? column.isNull() : column.eq(value);
    case 'ne':
      return value === null ? column.isNotNull() : column.ne(value);
    case 'gt':
      nonNull();
      return column.gt(value);
    case 'gte':
      nonNull();
      return column.gte(value);
    case 'lt':
      nonNull();
      return column.lt(value);
    case 'lte':
      nonNull();
      return column.lte(value);
    case 'in':
    case 'notIn': {
      const list = valueList(value, where);
      return op === 'in' ? column.in(list) : column.notIn(list);
    }
    case 'like':
    case 'ilike':
      if (typeof value !== 'string') throw new InvalidArgumentError(`${where} takes a string pattern; got ${describeValue(value)}.`);
      return op === 'like' ? column.like(value) : column.ilike(value);
    case 'isNull':
      if (typeof value !== 'boolean') throw new InvalidArgumentError(`${where} takes true or false; got ${describeValue(value)}.`);
      return value ? column.isNull() : column.isNotNull();
    case 'between': {
      if (!Array.isArray(value) || value.length !== 2) throw new InvalidArgumentError(`${where} takes [low, high]; got ${describeValue(value)}.`);
      const [low, high] = value as unknown[];
      if (low === undefined || high === undefined) throw undefinedValue(where, 'two bounds');
      if (low === null || high === null) throw new InvalidArgumentError(`${where}: a bound is null; use gte/lte for an open range.`);
      return column.between(low, high);
    }
  }
}

function valueList(value: unknown, where: string): unknown[] {
  if (!Array.isArray(value)) throw new InvalidArgumentError(`${where} takes an array of values; got ${describeValue(value)}.`);
  value.forEach((v, i) => {
    if (v === undefined) throw undefinedValue(`${where}[${i}]`, 'a value');
    if (v === null) throw new InvalidArgumentError(`${where}[${i}] is null; NULL never matches IN, combine with { isNull: true } in an or.`);
  });
  return value;
}

// ---- relationships ----

function relationCondition(scope: QueryScope, r: RelationProperty, value: unknown, where: string): Condition {
  const toMany = r.relation === 'oneToMany' || r.relation === 'manyToMany';
  if (toMany) {
    if (!isPlainObject(value) && !isExpression(value) && typeof value !== 'function') {
      throw new InvalidArgumentError(`${where}: a to-many relationship takes a condition on ${r.target.name} (matched by some related row); got ${describeValue(value)}.`);
    }
    return existsCondition(scope, r, value);
  }
  if (r.joinColumns.length === 1 && isKeyOperators(r, value)) {
    // { author: { in: [1, 2] } }: operators on the foreign key.
    return operators(columnOf(scope, r.joinColumns[0]!), value, where);
  }
  if (r.joinColumns.length > 0) {
    const key = keyOfValue(r, value, where);
    if (key !== NO_KEY) {
      const fks = r.joinColumns.map((c) => columnOf(scope, c));
      if (key === null) return all(fks.map((c) => c.isNull()));
      return all(fks.map((c, i) => c.eq(key[i])));
    }
  } else if (value === null) {
    // The inverse side of a one-to-one: no row points here.
    return not(existsCondition(scope, r, {}));
  }
  if (!isPlainObject(value) && !isExpression(value) && typeof value !== 'function') {
    throw new InvalidArgumentError(`${where}: expected a condition on ${r.target.name}, a ${r.target.name}, its key or null; got ${describeValue(value)}.`);
  }
  return compileWhere(scope.joins.toOne(scope, r), value);
}

const KEY_OPERATORS = new Set(['eq', 'ne', 'in', 'notIn', 'isNull']);

/** An object of key operators, none of them a property of the target (which would make it a filter on the target). */
function isKeyOperators(r: RelationProperty, value: unknown): value is Record<string, unknown> {
  if (!isPlainObject(value)) return false;
  const keys = Object.keys(value);
  return keys.length > 0 && keys.every((k) => KEY_OPERATORS.has(k) && !r.target.properties.has(k));
}

const NO_KEY = Symbol('no key');

/** The related key an equality through an owning to-one stands for (null for IS NULL), or NO_KEY for a filter. */
function keyOfValue(r: RelationProperty, value: unknown, where: string): unknown[] | null | typeof NO_KEY {
  const pk = r.target.primaryKey;
  if (value === null) return null;
  if (isRef(value)) return keyParts(r, value.id, where);
  if (value instanceof r.target.class || (typeof value === 'object' && stateOf(value) !== undefined)) {
    return pk.map((c) => {
      const v = (value as Record<string, unknown>)[c.name];
      if (v === undefined || v === null) {
        throw new InvalidArgumentError(`${where}: the ${r.target.name} given has no ${c.name} yet (not flushed?), so nothing can match it.`);
      }
      return v;
    });
  }
  if (!isPlainObject(value)) return isExpression(value) || typeof value === 'function' ? NO_KEY : keyParts(r, value, where);
  // { id: 5 } on the target's key alone: compare the foreign key, no join needed.
  const keys = Object.keys(value);
  const plain = (v: unknown): boolean => v !== null && v !== undefined && typeof v !== 'object' && typeof v !== 'function';
  if (keys.length === pk.length && pk.every((c) => keys.includes(c.name) && plain(value[c.name]))) return pk.map((c) => value[c.name]);
  return NO_KEY;
}

function keyParts(r: RelationProperty, key: unknown, where: string): unknown[] {
  const pk = r.target.primaryKey;
  if (pk.length === 1) return [key];
  if (!isPlainObject(key)) throw new InvalidArgumentError(`${where}: ${r.target.name} has a composite key; pass an object with ${pk.map((c) => c.name).join(', ')}.`);
  return pk.map((c) => {
    const v = key[c.name];
    if (v === undefined || v === null) throw new InvalidArgumentError(`${where}: the key ${describeKey(key)} has no ${c.name}.`);
    return v;
  });
}

/** EXISTS (SELECT … FROM target WHERE target links to this row AND condition). */
function existsCondition(scope: QueryScope, r: RelationProperty, value: unknown): Condition {
  const aliases = scope.joins.aliases;
  const target = r.target;
  const table = target.table.$as(aliases.next(r.name));
  const inner: QueryScope = { meta: target, table, joins: new JoinPlan(aliases), path: `${scope.path}.${r.name}` };
  const condition = compileWhere(inner, value);
  const pk = target.primaryKey[0]!;
  let query;
  if (r.relation === 'manyToMany') {
    const jt = r.joinTable;
    if (jt === undefined) throw new InvalidArgumentError(`${scope.path}.${r.name}: the many-to-many relationship has no join table metadata.`);
    const link = jt.table.$as(aliases.next(`${r.name}_link`));
    const ownerLink = scope.meta.primaryKey.map((c, i) => link.$column(jt.ownerColumns[i]!).eq(columnOf(scope, c) as AnyExpression<unknown>));
    const targetLink = target.primaryKey.map((c, i) => link.$column(jt.targetColumns[i]!).eq(table.$column(c.name) as AnyExpression<unknown>));
    query = select(table.$column(pk.name))
      .from(link)
      .innerJoin(table, all(targetLink))
      .where(all([...ownerLink, condition]));
  } else {
    const { local, remote } = relationColumns(scope.meta, r);
    query = select(table.$column(pk.name))
      .from(table)
      .where(all([linkCondition(table, remote, scope.table, local), condition]));
  }
  return exists(inner.joins.applyTo(query));
}

/** The properties an application sees on the entity (not foreign-key columns, which its Refs hold). */
export function propertyNames(meta: EntityMetadata): string {
  return [...meta.properties.values()].filter((p) => p.kind === 'relation' || p.instance).map((p) => p.name).join(', ');
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function describeValue(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (typeof value === 'string') return JSON.stringify(value);
  return describe(value);
}

function undefinedValue(where: string, expected: string): InvalidArgumentError {
  return new InvalidArgumentError(
    `${where} is undefined in a filter. An undefined filter value is refused rather than ignored (ignoring it would match every row); ` +
      `pass ${expected}, or leave the property out of the filter.`,
  );
}

export { AliasCounter };
