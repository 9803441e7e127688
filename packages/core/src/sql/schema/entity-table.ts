import { InvalidArgumentError } from '../../errors/errors';
import type { AnyTable, Table } from './table';

/**
 * How Core reaches tables that a higher layer maps from classes (the ORM's entities) without
 * knowing that layer: the ORM registers a resolver, and `table(SomeClass)` asks it.
 */

/** Marks a property value that is a relationship, not a column (the ORM's Ref and Collection). */
export const RELATION: unique symbol = Symbol.for('athanor.relation');

export interface RelationValue<TKey = unknown> {
  readonly [RELATION]: { readonly key?: TKey; readonly many: boolean };
}

type Fn = (...args: never[]) => unknown;

/** Properties of an instance that map to columns: not methods, not relationships. */
export type ColumnKeys<E> = {
  [K in keyof E & string]: E[K] extends Fn ? never : NonNullable<E[K]> extends RelationValue ? never : K;
}[keyof E & string];

/** To-one relationship properties, whose foreign key is exposed as `<name>Id`. */
type ToOneKeys<E> = {
  [K in keyof E & string]: NonNullable<E[K]> extends RelationValue ? (NonNullable<E[K]>[typeof RELATION]['many'] extends false ? K : never) : never;
}[keyof E & string];

type KeyOf<R> = R extends RelationValue<infer K> ? K : never;

/** The row type of an entity's table: its column properties plus `<relation>Id` foreign keys. */
export type EntityRow<E> = { [K in ColumnKeys<E>]: E[K] } & {
  [K in ToOneKeys<E> as `${K}Id`]: null extends E[K] ? KeyOf<NonNullable<E[K]>> | null : KeyOf<NonNullable<E[K]>>;
};

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type MappedClass<E = any> = abstract new (...args: any[]) => E;

type TableResolver = (source: MappedClass) => AnyTable | undefined;

const resolvers: TableResolver[] = [];

export function registerTableResolver(resolver: TableResolver): void {
  if (!resolvers.includes(resolver)) resolvers.push(resolver);
}

export function tableOfClass<E>(source: MappedClass<E>): Table<EntityRow<E>> {
  for (const resolve of resolvers) {
    const t = resolve(source);
    if (t) return t as unknown as Table<EntityRow<E>>;
  }
  throw new InvalidArgumentError(
    `table(${source.name || 'class'}): the class is not a mapped entity. Decorate it with @Entity(), or define a table with table('name', { … }).`,
  );
}
