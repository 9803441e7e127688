import { InvalidArgumentError, NotFoundError } from '../../errors/errors';
import type { SelectQuery } from '../../sql/builders/select';
import { rowCount } from '../../sql/builders/select';
import type { Compilable } from '../../sql/dialect';
import type { AnyExpression, OrderBy } from '../../sql/expression/expression';
import type { EntityRow } from '../../sql/schema/entity-table';
import type { EntityMetadata, LoadingStrategy } from '../metadata/entity-metadata';
import type { LoadSpec } from '../loading/load-types';
import { entitySelect, type OrderInput, type QuerySpec } from './entity-select';
import type { EntityTable, OrderSpec, Where } from './filter-types';
import { describeFilter } from './describe-filter';

/** What runs an entity query: the Session. */
export interface EntityQueryRunner {
  /** @internal */
  queryEntities<E extends object>(query: EntityQuery<E>): Promise<E[]>;
  /** @internal */
  queryCount(query: EntityQuery<object>): Promise<number>;
  /** @internal */
  queryExists(query: EntityQuery<object>): Promise<boolean>;
  /** @internal */
  streamEntities<E extends object>(query: EntityQuery<E>, batchSize?: number): AsyncGenerator<E, void, undefined>;
}

type OrderFn<E> = (t: EntityTable<E>) => OrderBy | AnyExpression<unknown> | readonly (OrderBy | AnyExpression<unknown>)[];

/**
 * A query for entities of one class, bound to a session: `s.query(User)`. Immutable: each
 * method returns a new query. Conditions are typed filter objects or Core expressions over
 * the entity's table (`where((u) => u.createdAt.gt(since))`); `fromStatement(select(...))`
 * loads entities from any Core SELECT of the entity's columns.
 */
export class EntityQuery<E extends object> {
  /** @internal */
  constructor(
    private readonly runner: EntityQueryRunner,
    /** The entity's metadata. */
    readonly meta: EntityMetadata,
    /** @internal */
    readonly spec: QuerySpec,
    /** @internal A Core statement to load from instead of the spec. */
    readonly source?: Compilable<unknown>,
  ) {}

  /** Add a condition (several are ANDed). */
  where(condition: Where<E>): EntityQuery<E> {
    if (condition === undefined) {
      throw new InvalidArgumentError(`${this.meta.name} query: where(undefined); an undefined condition would match every row. Pass a condition or leave where() out.`);
    }
    return this.with({ where: [...this.spec.where, condition] });
  }

  /** Order by properties (`{ username: 'asc' }`), or by Core order items over the table. */
  orderBy(order: OrderSpec<E> | OrderFn<E>): EntityQuery<E> {
    return this.with({ orderBy: [...this.spec.orderBy, order as OrderInput] });
  }

  limit(n: number): EntityQuery<E> {
    rowCount(n, 'limit');
    return this.with({ limit: n });
  }

  offset(n: number): EntityQuery<E> {
    rowCount(n, 'offset');
    return this.with({ offset: n });
  }

  /**
   * Load relationships with the entities, by typed path and strategy:
   * `load({ posts: 'selectin', 'posts.comments': 'joined', author: 'joined' })`. Merged with
   * earlier calls; overrides the relationships' defaults.
   */
  load(spec: LoadSpec<E>): EntityQuery<E> {
    if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
      throw new InvalidArgumentError(`${this.meta.name} query: load takes an object of paths and strategies, e.g. { posts: 'selectin' }.`);
    }
    const load = { ...this.spec.load, ...(spec as Record<string, LoadingStrategy>) };
    // A fromStatement query loads relationships afterwards (select-in), so load() combines with it.
    return new EntityQuery<E>(this.runner, this.meta, { ...this.spec, load }, this.source);
  }

  /**
   * Load the entities a Core SELECT returns: it must select every column of the entity's
   * table under its property names (`select(table(User)).from(u).innerJoin(…)` does).
   */
  fromStatement(statement: Compilable<EntityRow<E>>): EntityQuery<E> {
    this.refuseOnStatement('fromStatement');
    return new EntityQuery<E>(this.runner, this.meta, this.spec, statement);
  }

  /** Every matching entity. */
  all(): Promise<E[]> {
    return this.runner.queryEntities(this);
  }

  /** The first matching entity (LIMIT 1), or null. */
  async first(): Promise<E | null> {
    const rows = await this.runner.queryEntities(this.source === undefined ? this.limit(1) : this);
    return rows[0] ?? null;
  }

  /** The first matching entity, or `NotFoundError` naming the entity and the filter. */
  async firstOrFail(): Promise<E> {
    const found = await this.first();
    if (found === null) throw this.notFound();
    return found;
  }

  /** How many rows match (limit and offset aside). */
  async count(): Promise<number> {
    this.refuseOnStatement('count');
    return this.runner.queryCount(this);
  }

  /** Whether any row matches. */
  async exists(): Promise<boolean> {
    this.refuseOnStatement('exists');
    return this.runner.queryExists(this);
  }

  /** Iterate over the matches, hydrated a batch at a time (server-side cursors where the database has them). */
  stream(options: { readonly batchSize?: number } = {}): AsyncGenerator<E, void, undefined> {
    if (this.spec.load !== undefined) {
      throw new InvalidArgumentError(
        `${this.meta.name} query: stream() loads no relationships: its connection stays busy while you iterate, so no other statement can run in between. ` +
          'Read pages with find() (limit with a condition on the last key) and load, or collect the keys and load afterwards.',
      );
    }
    return this.runner.streamEntities(this, options.batchSize);
  }

  /** The Core SELECT this query runs (for subqueries and inspection). */
  statement(): SelectQuery<EntityRow<E>> {
    this.refuseOnStatement('statement');
    return entitySelect(this.meta, this.spec) as SelectQuery<EntityRow<E>>;
  }

  /** @internal */
  notFound(): NotFoundError {
    const filter = this.spec.where.length === 0 ? 'no filter' : `where ${this.spec.where.map(describeFilter).join(' and ')}`;
    return new NotFoundError(`No ${this.meta.name} matches ${this.source === undefined ? filter : 'the statement'}.`);
  }

  private with(patch: Partial<QuerySpec>): EntityQuery<E> {
    this.refuseOnStatement('where, orderBy, limit and offset');
    return new EntityQuery<E>(this.runner, this.meta, { ...this.spec, ...patch });
  }

  private refuseOnStatement(what: string): void {
    if (this.source !== undefined) {
      throw new InvalidArgumentError(`${this.meta.name} query: ${what} cannot be combined with fromStatement(); build it into the Core statement.`);
    }
  }
}
