import DataLoader from 'dataloader';
import { InvalidArgumentError } from '../../errors/errors';
import { select } from '../../sql/builders/select';
import type { AnyExpression, Expression } from '../../sql/expression/expression';
import { func } from '../../sql/expression/functions';
import { and, exists, or } from '../../sql/expression/operators';
import type { IdentityKey } from '../identity/identity-key';
import type { ColumnProperty, EntityClass, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import type { Collection } from '../relations/collection';
import type { Where } from '../query/filter-types';
import { type LazySession, countLoaderFor, relationOf, sessionOf } from './lazy-loading';
import type { MatchingOptions } from './load-types';
import { identityOfValues, linkOf, valuesOf } from './relation-keys';

/**
 * Queries over a collection that do not load it (SQLAlchemy's write-only relationships):
 * `loadCount()`, a COUNT batched like lazy loads (`… WHERE fk IN (…) GROUP BY fk`), and
 * `matching({ where, orderBy, limit })`, an entity query restricted to the collection.
 */

const MATCHING_OPTIONS = new Set(['where', 'orderBy', 'limit', 'offset', 'load']);

/** `collection.loadCount()`: the loaded items' count, else a COUNT (batched per tick across owners). */
export async function loadCount(c: Collection<object>): Promise<number> {
  if (c.isLoaded) return c.getItems().length;
  const { session, meta, r } = siteOf(c, 'loadCount');
  const loader = countLoaderFor(session, r, () => {
    const link = linkOf(meta, r);
    const maxBatchSize = Math.max(1, Math.floor(session.dialect.adapter.maxParameters / link.local.length));
    return new DataLoader<object, number>((owners) => countBatch(session, meta, r, owners), { cache: false, maxBatchSize, name: `${meta.name}.${r.name} count` });
  });
  return loader.load(c.owner);
}

async function countBatch(session: LazySession, meta: EntityMetadata, r: RelationProperty, owners: readonly object[]): Promise<number[]> {
  const link = linkOf(meta, r);
  const keys = owners.map((o) => valuesOf(o, meta, link.local));
  const distinct = new Map<IdentityKey, unknown[]>();
  for (const k of keys) if (k !== undefined) distinct.set(identityOfValues(k), k);
  const counts = new Map<IdentityKey, number>();
  if (distinct.size > 0) {
    const source = link.kind === 'joinTable' ? r.joinTable!.table : (r.target.inheritance?.root ?? r.target).table;
    const columns = (link.kind === 'joinTable' ? (link.remote as readonly string[]) : (link.remote as readonly ColumnProperty[]).map((c) => c.name)).map((k) => source.$column(k));
    const fields: Record<string, AnyExpression<unknown>> = {};
    columns.forEach((c, i) => {
      fields[`k${i}`] = c;
    });
    fields.n = func.count();
    const tuples = [...distinct.values()];
    const condition =
      columns.length === 1
        ? columns[0]!.in(tuples.map((t) => t[0]))
        : or(...tuples.map((t) => and(...columns.map((c, i) => c.eq(t[i])))));
    const rows = await session.execute(select(fields).from(source).where(condition).groupBy(...columns));
    for (const row of rows as Record<string, unknown>[]) {
      counts.set(identityOfValues(columns.map((_c, i) => row[`k${i}`])), Number(row.n));
    }
  }
  return keys.map((k) => (k === undefined ? 0 : (counts.get(identityOfValues(k)) ?? 0)));
}

/** `collection.matching(options)`: the collection's items that match, by one query; nothing is kept on the collection. */
export function matching<T extends object>(c: Collection<T>, options: MatchingOptions<T> = {}): Promise<T[]> {
  const { session, meta, r } = siteOf(c, 'matching');
  if (options === null || typeof options !== 'object') throw new InvalidArgumentError(`${meta.name}.${r.name}.matching(options): options must be an object.`);
  for (const key of Object.keys(options)) {
    if (!MATCHING_OPTIONS.has(key)) {
      throw new InvalidArgumentError(`${meta.name}.${r.name}.matching(): unknown option ${JSON.stringify(key)}; the options are ${[...MATCHING_OPTIONS].join(', ')}.`);
    }
  }
  let q = session.query(r.target.class as EntityClass<T>).where(belongsTo(meta, r, c.owner) as Where<T>);
  if (options.where !== undefined) q = q.where(options.where);
  const order = options.orderBy ?? (r.orderBy as MatchingOptions<T>['orderBy']);
  if (order !== undefined) q = q.orderBy(order);
  if (options.limit !== undefined) q = q.limit(options.limit);
  if (options.offset !== undefined) q = q.offset(options.offset);
  if (options.load !== undefined) q = q.load(options.load);
  return q.all();
}

/** The condition "belongs to this owner's collection", on the target's table. */
function belongsTo(meta: EntityMetadata, r: RelationProperty, owner: object): unknown {
  const link = linkOf(meta, r);
  const values = valuesOf(owner, meta, link.local);
  if (values === undefined) throw new InvalidArgumentError(`${meta.name}.${r.name}.matching(): the ${meta.name} has no key yet (flush it first).`);
  if (link.kind === 'fromTarget') return { [r.inverse!.name]: owner };
  const jt = r.joinTable!;
  return (t: { $column(key: string): AnyExpression<unknown> }): Expression<boolean> => {
    const parts: Expression<boolean>[] = [];
    jt.targetColumns.forEach((c, i) => parts.push(jt.table.$column(c).eq(t.$column(r.target.primaryKey[i]!.name))));
    jt.ownerColumns.forEach((c, i) => parts.push(jt.table.$column(c).eq(values[i])));
    return exists(select(jt.table.$column(jt.ownerColumns[0]!)).from(jt.table).where(and(...parts)));
  };
}

function siteOf(c: Collection<object>, method: string): { session: LazySession; meta: EntityMetadata; r: RelationProperty } {
  const property = c.property;
  if (property === undefined) throw new InvalidArgumentError(`${method}(): the collection is not held by a relationship property.`);
  const { session, meta } = sessionOf(c.owner, property);
  return { session, meta, r: relationOf(meta, property) };
}
