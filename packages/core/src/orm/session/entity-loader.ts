import { InvalidArgumentError } from '../../errors/errors';
import type { CompiledQuery, SqlDialect } from '../../sql/dialect';
import { type Hydrator, type HydrationTarget, hydratorFor } from '../hydration/hydrator';
import { type RowDecoder, rowDecoderOf } from '../../engine/array-results';
import { resultColumnsOf, undecodedColumnsOf } from '../hydration/result-columns';
import { type IdentityKey, identityOf, isPlainKeyColumn, keyValues } from '../identity/identity-key';
import { type InstanceState, stateOf } from '../identity/instance-state';
import type { EntityClass, EntityMetadata } from '../metadata/entity-metadata';
import { metadataOf } from '../metadata/registry';
import type { EntityQuery } from '../query/entity-query';
import { entitySelect, type SelectKind } from '../query/entity-select';
import { type PkStatement, pkStatementOf } from '../query/pk-statement';
import type { SessionConnection } from './session-connection';
import { type LoadNode, planFor } from '../loading/load-plan';
import { joinsAny, loadPlanOf, queryJoined } from '../loading/query-loading';
import { loadNodes } from '../loading/relation-loader';

/**
 * How a session loads entities, kept out of the Session facade: per-class plans (metadata,
 * hydrator, primary-key statement, built once and cached), key reads through the identity
 * map, entity queries, streams and refreshes.
 */

/** What a load needs from its session. */
export interface LoadContext {
  readonly connection: SessionConnection;
  readonly dialect: SqlDialect;
  readonly target: HydrationTarget;
  /** Per-class continuations of key reads (see `keyReader`). */
  readonly keyReaders: Map<EntityPlan, (rows: unknown[][]) => object | null>;
}

/** Everything about a class that does not change: looked up once per class, not per call. */
export interface EntityPlan {
  readonly meta: EntityMetadata;
  /** The hierarchy root: identities and the key read are the root's. */
  readonly root: EntityMetadata;
  readonly hydrator: Hydrator;
  /** `cls` is the root of its hierarchy (or stands alone): every row of the table is one. */
  readonly isRoot: boolean;
  /** A single key column whose values are identity keys as they are. */
  readonly plainKey: boolean;
  pk: PkStatement | undefined;
  pkDialect: SqlDialect | undefined;
  /** The relationships loaded with every entity of the class by default (see loading/load-plan). */
  readonly loads: readonly LoadNode[];
}

const plans = new WeakMap<Function, EntityPlan>();
/** The last class asked for: a run of key reads asks for one class over and over. */
let lastClass: Function | undefined;
let lastPlan: EntityPlan | undefined;

export function planOf(cls: EntityClass): EntityPlan {
  if (cls === lastClass) return lastPlan!;
  let plan = plans.get(cls);
  if (plan === undefined) {
    if (typeof cls !== 'function') throw new InvalidArgumentError(`Expected an entity class; got ${cls === null ? 'null' : typeof cls}.`);
    const meta = metadataOf(cls);
    const root = meta.inheritance?.root ?? meta;
    const pk = root.primaryKey;
    const plainKey = pk.length === 1 && isPlainKeyColumn(pk[0]!);
    plan = { meta, root, hydrator: hydratorFor(root), isRoot: root === meta, plainKey, pk: undefined, pkDialect: undefined, loads: planFor(meta, undefined) };
    plans.set(cls, plan);
  }
  lastClass = cls;
  lastPlan = plan;
  return plan;
}

function pkOf(plan: EntityPlan, dialect: SqlDialect): PkStatement {
  if (plan.pkDialect !== dialect) {
    plan.pk = pkStatementOf(plan.root, dialect);
    plan.pkDialect = dialect;
  }
  return plan.pk!;
}

/**
 * `get`: the identity map first (no SQL when the object is held and not expired), else the
 * cached key statement. A single-table subclass answers only for rows of its classes. Not an
 * async function: a key read is the hottest path there is, and each async layer costs a
 * promise and a microtask.
 */
export function getByKey<E extends object>(ctx: LoadContext, cls: EntityClass<E>, id: unknown): Promise<E | null> {
  let plan: EntityPlan;
  let values: unknown[] | undefined;
  let key: IdentityKey;
  try {
    plan = planOf(cls);
    if (plan.plainKey && (typeof id === 'number' || typeof id === 'string')) {
      key = id;
    } else {
      values = keyValues(plan.root, id, `get(${plan.meta.name}, …)`);
      key = identityOf(values);
    }
  } catch (error) {
    return Promise.reject(error);
  }
  const held = ctx.target.map.lookup(plan.root, key);
  if (held !== undefined) {
    const state = stateOf(held);
    if (state !== undefined && state.expired) {
      return reloadByKey(ctx, plan, held, state, values ?? [id]).then(() => (matches(plan, held) ? (held as E) : null));
    }
    return Promise.resolve(matches(plan, held) ? (held as E) : null);
  }
  const pk = pkOf(plan, ctx.dialect);
  const compiled = values === undefined ? pk.bindOne(id) : pk.bind(values);
  let read: Promise<E | null>;
  // A synchronous driver: read and hydrate in this tick, and settle once (the caller's await).
  const connection = ctx.connection;
  if (connection.executeArraysNow !== undefined) {
    let found: E | null;
    try {
      const rows = connection.executeArraysNow(compiled, true);
      if (rows === undefined) return withLoads(ctx, plan, connection.executeArrays(compiled).then(keyReader(ctx, plan)) as Promise<E | null>);
      // Nothing ran since the lookup above: the session holds no object with this key.
      found = rows.length === 0 ? null : (matched(plan, plan.hydrator.hydrateOne(rows[0]!, ctx.target, key)) as E | null);
    } catch (error) {
      return Promise.reject(error);
    }
    if (found === null || plan.loads.length === 0) return Promise.resolve(found);
    read = Promise.resolve(found);
  } else {
    read = connection.executeArrays(compiled).then(keyReader(ctx, plan)) as Promise<E | null>;
  }
  return withLoads(ctx, plan, read);
}

/** Relationships loaded eagerly by default (joined ones by select-in here). */
function withLoads<E extends object>(ctx: LoadContext, plan: EntityPlan, read: Promise<E | null>): Promise<E | null> {
  if (plan.loads.length === 0) return read;
  return read.then(async (found) => {
    if (found !== null) await loadNodes(ctx, [found], plan.loads);
    return found;
  });
}

type KeyReader = (rows: unknown[][]) => object | null;

/**
 * What turns a key read's rows into its entity, one function per (session, class) rather than
 * a closure per call: a key read allocates as little as it can (allocation is what a run of
 * key reads pays for most, after the driver).
 */
function keyReader(ctx: LoadContext, plan: EntityPlan): KeyReader {
  let reader = ctx.keyReaders.get(plan);
  if (reader === undefined) {
    const target = ctx.target;
    reader = (rows) => {
      if (rows.length === 0) return null;
      const found = plan.hydrator.hydrateOne(rows[0]!, target);
      return matches(plan, found) ? found : null;
    };
    ctx.keyReaders.set(plan, reader);
  }
  return reader;
}

function matched(plan: EntityPlan, instance: object): object | null {
  return plan.isRoot || instance instanceof plan.meta.class ? instance : null;
}

function matches(plan: EntityPlan, instance: object): boolean {
  return plan.isRoot || instance instanceof plan.meta.class;
}

/** Reload an instance's row, overwriting its values; false when the row is gone. */
export async function reloadByKey(ctx: LoadContext, plan: EntityPlan, instance: object, state: InstanceState, values?: readonly unknown[]): Promise<boolean> {
  const keys =
    values ??
    plan.root.primaryKey.map((c) => {
      const at = state.meta.columns.findIndex((x) => x.name === c.name);
      return state.snapshot?.[at] ?? (instance as Record<string, unknown>)[c.name];
    });
  const rows = await ctx.connection.executeArrays(pkOf(plan, ctx.dialect).bind(keys));
  if (rows.length === 0) return false;
  plan.hydrator.reload(instance, state, rows[0]!);
  return true;
}

/** The compiled statement of an entity query, with the hydrator for its rows. */
export function compileQuery(query: EntityQuery<object>, dialect: SqlDialect, kind: SelectKind = 'entities'): { compiled: CompiledQuery; hydrator: Hydrator } {
  const meta = query.meta;
  const root = meta.inheritance?.root ?? meta;
  if (query.source !== undefined) {
    const compiled = query.source.compile(dialect);
    if (compiled.columns === undefined) {
      throw new InvalidArgumentError(`fromStatement(): the statement has no result columns to load ${meta.name} from; build it with select().`);
    }
    return { compiled, hydrator: hydratorFor(root, compiled.columns.map((c) => c.key)) };
  }
  const compiled = entitySelect(meta, query.spec, kind).compile(dialect);
  if (kind !== 'entities') return { compiled, hydrator: planOf(meta.class).hydrator };
  // The same decoders every time (the compiler makes fresh ones per compile).
  return { compiled: { ...compiled, columns: resultColumnsOf(meta.table.$columns, dialect) }, hydrator: planOf(meta.class).hydrator };
}

/**
 * An entity query's statement with decoding left to its hydrator, which visits every row
 * anyway: one pass over a large result instead of two (the engine's decode, then hydration).
 * Only for the cached result columns of an entity's table: a `fromStatement` source compiles
 * fresh decoders each time, and the engine decodes those.
 */
function compileRead(query: EntityQuery<object>, dialect: SqlDialect): { compiled: CompiledQuery; hydrator: Hydrator; decode: RowDecoder | undefined } {
  const { compiled, hydrator } = compileQuery(query, dialect);
  const columns = compiled.columns;
  if (query.source !== undefined || columns === undefined) return { compiled, hydrator, decode: undefined };
  const decode = rowDecoderOf(columns);
  if (decode === undefined) return { compiled, hydrator, decode };
  return { compiled: { ...compiled, columns: undecodedColumnsOf(columns) }, hydrator, decode };
}

export async function queryEntities<E extends object>(ctx: LoadContext, query: EntityQuery<E>): Promise<E[]> {
  // Relationships to load (the query's `load` option, the relationships' defaults): see loading/.
  const loads = loadPlanOf(query);
  let objects: object[];
  if (loads.length > 0 && joinsAny(query, loads)) {
    objects = filterClass(query.meta, await queryJoined(ctx, query, loads));
  } else {
    const { compiled, hydrator, decode } = compileRead(query, ctx.dialect);
    const rows = await ctx.connection.executeArrays(compiled);
    objects = filterClass(query.meta, hydrator.hydrate(rows, ctx.target, query.source === undefined, decode));
  }
  if (loads.length > 0) await loadNodes(ctx, objects, loads);
  return objects as E[];
}

export async function queryCount(ctx: LoadContext, query: EntityQuery<object>): Promise<number> {
  const { compiled } = compileQuery(query, ctx.dialect, 'count');
  const rows = await ctx.connection.executeArrays(compiled);
  return Number(rows[0]?.[0] ?? 0);
}

export async function queryExists(ctx: LoadContext, query: EntityQuery<object>): Promise<boolean> {
  const { compiled } = compileQuery(query, ctx.dialect, 'exists');
  return (await ctx.connection.executeArrays(compiled)).length > 0;
}

export const DEFAULT_STREAM_BATCH = 500;

/** Hydrate a batch at a time; the identity map holds the objects weakly, so only what the consumer keeps stays alive. */
export async function* streamEntities<E extends object>(ctx: LoadContext, query: EntityQuery<E>, batchSize = DEFAULT_STREAM_BATCH): AsyncGenerator<E, void, undefined> {
  if (!Number.isInteger(batchSize) || batchSize < 1) throw new InvalidArgumentError(`batchSize must be an integer ≥ 1 (got ${batchSize})`);
  const { compiled, hydrator, decode } = compileRead(query, ctx.dialect);
  let first = true;
  for await (const batch of ctx.connection.streamArrays(compiled, batchSize)) {
    const objects = filterClass(query.meta, hydrator.hydrate(batch, ctx.target, query.source === undefined && first, decode)) as E[];
    first = false;
    for (let i = 0; i < objects.length; i++) {
      const o = objects[i]!;
      objects[i] = undefined as unknown as E; // the consumer alone decides what stays alive
      yield o;
    }
    // End the job between batches: objects hydrated in a job stay alive until it ends (WeakRef
    // semantics), and with a synchronous driver a whole stream would otherwise be one job.
    await nextTask();
  }
}

function nextTask(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/**
 * A statement loaded for a single-table subclass may still return rows of other classes
 * (fromStatement, or objects the identity map holds under another class): keep the subclass's.
 */
function filterClass(meta: EntityMetadata, objects: object[]): object[] {
  if (meta.inheritance === undefined || meta.inheritance.root === meta) return objects;
  const cls = meta.class;
  return objects.every((o) => o instanceof cls) ? objects : objects.filter((o) => o instanceof cls);
}
