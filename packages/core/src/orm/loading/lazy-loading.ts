import DataLoader from 'dataloader';
import type { Engine } from '../../engine/engine';
import { NotFoundError, NotLoadedError } from '../../errors/errors';
import { stateOf } from '../identity/instance-state';
import type { Compilable } from '../../sql/dialect';
import type { EntityClass, EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import type { EntityQuery } from '../query/entity-query';
import type { Collection } from '../relations/collection';
import { describeKey, Ref, setNotLoadedExplainer, variableName } from '../relations/ref';
import type { LoadContext } from '../session/entity-loader';
import type { SessionOptions } from '../session/session-options';
import { isToMany, relationPlan } from './load-plan';
import type { NPlusOneOptions } from './load-types';
import { detectorSettings, NPlusOneDetector } from './n-plus-one';
import { markOf } from './relation-fill';
import { fetchRefs, loadNodes } from './relation-loader';
import { identityOfValues, linkOf, refValues } from './relation-keys';

/**
 * Lazy loads: `await user.posts.load()`, `await post.author.load()`. A to-one whose target the
 * session holds resolves from the identity map without SQL. Otherwise every load of one
 * relationship issued in the same tick joins one batch of a per-session DataLoader (its cache
 * off: the identity map is the cache; batches sized to the dialect's parameter limit), and
 * the batch runs as one select-in statement. Single-parent batches feed the N+1 detector.
 * A load that reads the database autoflushes first (as queries do) when the session holds
 * changes that could change what it finds (new or deleted objects, changed relationships), so
 * it sees the session's pending objects and changed foreign keys.
 */

declare module '../session/session-options' {
  interface SessionOptions {
    /** The N+1 detector for this session (overrides the engine's `nPlusOne`); `false` turns it off. */
    readonly nPlusOne?: NPlusOneOptions | false;
  }
}

declare module '../../engine/engine-options' {
  interface EngineOptions {
    /** The N+1 detector for every session of the engine (off unless given). */
    readonly nPlusOne?: NPlusOneOptions | false;
  }
}

/** What lazy loading needs from the session holding an object. */
export interface LazySession extends LoadContext {
  readonly engine: Engine;
  readonly isClosed: boolean;
  readonly options?: SessionOptions;
  execute<R>(statement: Compilable<R>): Promise<R[]>;
  query<E extends object>(entity: EntityClass<E>): EntityQuery<E>;
  /** Flush pending changes when autoflush is on (undefined: nothing to flush). */
  autoflushBefore(): Promise<void> | undefined;
  readonly unitOfWork: { readonly mayChangeLoads: boolean };
}

interface SessionLoading {
  readonly loaders: Map<RelationProperty, DataLoader<object, void>>;
  readonly counts: Map<RelationProperty, DataLoader<object, number>>;
  readonly detector: NPlusOneDetector | undefined;
}

const sessions = new WeakMap<object, SessionLoading>();

function loadingOf(session: LazySession): SessionLoading {
  let state = sessions.get(session);
  if (state === undefined) {
    const settings = detectorSettings(session.options?.nPlusOne, session.engine.options?.nPlusOne);
    state = { loaders: new Map(), counts: new Map(), detector: settings === undefined ? undefined : new NPlusOneDetector(settings, session.engine.logger) };
    sessions.set(session, state);
  }
  return state;
}

/** The open session managing `owner`, and the owner's metadata; NotLoadedError saying why there is none. */
export function sessionOf(owner: object, property: string): { session: LazySession; meta: EntityMetadata } {
  const state = stateOf(owner);
  const link = state?.session as LazySession | undefined;
  if (state !== undefined && link !== undefined && state.key !== undefined && !link.isClosed && state.status !== 'detached') {
    return { session: link, meta: state.meta };
  }
  const name = owner.constructor?.name ?? 'object';
  if (state === undefined || link === undefined || state.key === undefined) {
    throw new NotLoadedError(
      `${name}.${property} cannot be loaded: the ${name} is not a persistent object of a session (new, or never loaded). ` +
        `Load it through a session first (session.get, session.find).`,
    );
  }
  throw new NotLoadedError(
    `${state}.${property} cannot be loaded: the ${name} is detached (its session is closed or let it go). ` +
      `Load the relationship while the session is open: \`load: { ${property}: 'selectin' }\` in the query, or \`await session.populate(${variableName(name)}, ['${property}'])\`.`,
  );
}

const relationsByName = new WeakMap<EntityMetadata, ReadonlyMap<string, RelationProperty>>();

export function relationOf(meta: EntityMetadata, property: string): RelationProperty {
  let byName = relationsByName.get(meta);
  if (byName === undefined) {
    byName = new Map(meta.relations.map((r) => [r.name, r]));
    relationsByName.set(meta, byName);
  }
  const r = byName.get(property);
  if (r === undefined) throw new NotLoadedError(`${meta.name}.${property} is not a relationship of ${meta.name}.`);
  return r;
}

/** The per-session batch loader of relationship `r` of `meta`'s objects (keys: owners, or Refs for a to-one). */
function loaderFor(session: LazySession, meta: EntityMetadata, r: RelationProperty): DataLoader<object, void> {
  const state = loadingOf(session);
  let loader = state.loaders.get(r);
  if (loader === undefined) {
    const node = relationPlan(meta, r);
    const toOne = linkOf(meta, r).kind === 'toOne';
    const maxBatchSize = Math.max(1, Math.floor(session.dialect.adapter.maxParameters / linkOf(meta, r).local.length));
    const detector = state.detector;
    loader = new DataLoader<object, void>(
      async (keys) => {
        if (detector !== undefined && keys.length === 1) detector.single(meta, r);
        if (toOne) {
          await fetchRefs(session, keys as Ref<object, unknown>[], node);
          await loadNodes(session, refTargets(keys as Ref<object, unknown>[]), node.children);
        } else {
          await loadNodes(session, keys, [node]);
        }
        return keys.map(() => undefined);
      },
      { cache: false, maxBatchSize, name: `${meta.name}.${r.name}` },
    );
    state.loaders.set(r, loader);
  }
  return loader;
}

function refTargets(refs: readonly Ref<object, unknown>[]): object[] {
  const out = new Set<object>();
  for (const ref of refs) if (ref.loaded && ref.value !== undefined) out.add(ref.value);
  return [...out];
}

/**
 * `collection.load()`. Not an async function: a thousand loads in one tick are a thousand
 * promises of the DataLoader already, and each async layer adds one more.
 */
export function loadCollection<T extends object>(c: Collection<T>): Promise<readonly T[]> {
  try {
    if (c.isLoaded) return Promise.resolve(c.getItems());
    const property = c.property;
    if (property === undefined) throw new NotLoadedError(`A collection of ${c.owner.constructor.name} cannot be loaded: it is not held by a relationship property.`);
    const { session, meta } = sessionOf(c.owner, property);
    const r = relationOf(meta, property);
    const strategy = markOf(c)?.strategy ?? r.loading;
    if (strategy === 'raise') throw raiseError(meta, r, c, c.owner);
    if (strategy === 'noload') {
      c.resolve([]);
      return Promise.resolve(c.getItems());
    }
    // Pending changes (a new post whose author is this user) may change what the load finds.
    const flushing = session.unitOfWork.mayChangeLoads ? session.autoflushBefore() : undefined;
    const load = (): Promise<readonly T[]> =>
      c.isLoaded
        ? Promise.resolve(c.getItems())
        : loaderFor(session, meta, r)
            .load(c.owner)
            .then(() => c.getItems());
    return flushing === undefined ? load() : flushing.then(load);
  } catch (error) {
    return Promise.reject(error);
  }
}

/** `ref.load()`. */
export async function loadRef<T extends object>(ref: Ref<T, unknown>): Promise<T> {
  if (ref.loaded) return found(ref);
  const { owner, property } = ref;
  if (owner === undefined || property === undefined) {
    throw new NotLoadedError(`The Ref to ${ref.entity.name}#${describeKey(ref.key)} is not held by an entity, so no session loads it: use \`session.get(${ref.entity.name}, ${describeKey(ref.key)})\`.`);
  }
  const { session, meta } = sessionOf(owner, property);
  const r = relationOf(meta, property);
  const strategy = markOf(ref)?.strategy ?? r.loading;
  if (strategy === 'raise') throw raiseError(meta, r, ref, owner);
  const values = refValues(r, ref as Ref<object, unknown>);
  if (values !== undefined) {
    const held = session.target.map.lookup(r.target.inheritance?.root ?? r.target, identityOfValues(values));
    if (held !== undefined && held instanceof r.target.class) {
      ref.resolve(held as T);
      return held as T;
    }
  }
  if (strategy === 'noload') {
    throw new NotLoadedError(`${meta.name}.${r.name} is 'noload': it is never loaded, and the session does not hold ${ref.entity.name}#${describeKey(ref.key)}.`);
  }
  if (session.unitOfWork.mayChangeLoads) await session.autoflushBefore();
  if (!ref.loaded) await loaderFor(session, meta, r).load(ref);
  return found(ref);
}

function found<T extends object>(ref: Ref<T, unknown>): T {
  if (ref.value !== undefined) return ref.value;
  throw new NotFoundError(`${ref.owner?.constructor.name ?? 'A Ref'}.${ref.property ?? ''} points to ${ref.entity.name}#${describeKey(ref.key)}, which does not exist.`);
}

/** What `raise` says: the entity, the relationship, and the `load` option that fixes it. */
function raiseError(meta: EntityMetadata, r: RelationProperty, container: object, ownerObject: object): NotLoadedError {
  const mark = markOf(container);
  const path = mark?.path ?? r.name;
  const root = mark?.root ?? meta.name;
  const strategy = isToMany(r) ? 'selectin' : 'joined';
  const which = String(stateOf(ownerObject) ?? meta.name);
  const where = mark === undefined ? `is declared with loading: 'raise'` : `was loaded with '${mark.strategy}' by the query`;
  const key = path.includes('.') ? `'${path}'` : path;
  return new NotLoadedError(
    `${meta.name}.${r.name} is not loaded and ${where}, so it never loads lazily, \`.load()\` included (${which}). ` +
      `Load it with the query that fetches the ${root}: \`load: { ${key}: '${strategy}' }\`, or with \`await session.populate(${variableName(root)}s, ['${path}'])\`.`,
  );
}

// Touching an unloaded `raise` relationship (getItems, get, iteration) says what `.load()` would.
setNotLoadedExplainer((container, owner, property) => {
  const meta = stateOf(owner)?.meta;
  const r = meta?.relations.find((x) => x.name === property);
  if (meta === undefined || r === undefined) return undefined;
  const strategy = markOf(container)?.strategy ?? r.loading;
  return strategy === 'raise' ? raiseError(meta, r, container, owner) : undefined;
});

/** @internal The batch loader of counts, per session and relationship (see collection-queries). */
export function countLoaderFor(session: LazySession, r: RelationProperty, make: () => DataLoader<object, number>): DataLoader<object, number> {
  const counts = loadingOf(session).counts;
  let loader = counts.get(r);
  if (loader === undefined) {
    loader = make();
    counts.set(r, loader);
  }
  return loader;
}
