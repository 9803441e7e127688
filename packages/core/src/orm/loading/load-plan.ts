import { InvalidArgumentError } from '../../errors/errors';
import type { EntityMetadata, LoadingStrategy, RelationProperty } from '../metadata/entity-metadata';

/**
 * What a query loads besides its entities: a tree of relationship nodes, each with its
 * strategy, from the query's `load` option over the relationships' defaults. Eager nodes
 * (`joined`, `selectin`) have children (the next level); `lazy`, `raise` and `noload` nodes
 * only mark or fill the containers of their level. Plans without a `load` option are cached
 * per entity.
 */

export interface LoadNode {
  readonly relation: RelationProperty;
  /** The entity whose relationship this is (the level's entity). */
  readonly owner: EntityMetadata;
  readonly strategy: LoadingStrategy;
  /** The path from the query's entity, for messages: `posts.comments`. */
  readonly path: string;
  /** The query's entity, for messages. */
  readonly root: EntityMetadata;
  /** Given in the query's `load` option (not a relationship default). */
  readonly explicit: boolean;
  readonly children: readonly LoadNode[];
}

export const STRATEGIES: readonly LoadingStrategy[] = ['lazy', 'joined', 'selectin', 'raise', 'noload'];

export function isEager(strategy: LoadingStrategy): boolean {
  return strategy === 'joined' || strategy === 'selectin';
}

export function isToMany(r: RelationProperty): boolean {
  return r.relation === 'oneToMany' || r.relation === 'manyToMany';
}

/** Relationship defaults followed this many levels at most (explicit paths are always followed). */
const MAX_DEFAULT_DEPTH = 6;
const NONE: readonly LoadNode[] = Object.freeze([]);
const defaults = new WeakMap<EntityMetadata, readonly LoadNode[]>();
const relationPlans = new WeakMap<RelationProperty, LoadNode>();

/** The nodes a query for `meta` loads: its `load` option (validated) over the defaults. Empty when there is nothing to do. */
export function planFor(meta: EntityMetadata, spec: unknown, where = `${meta.name} query`): readonly LoadNode[] {
  if (spec === undefined) {
    let nodes = defaults.get(meta);
    if (nodes === undefined) {
      nodes = Object.freeze(level(meta, meta, new Map(), '', [], undefined, 0));
      defaults.set(meta, nodes);
    }
    return nodes;
  }
  const explicit = readSpec(meta, spec, where);
  return level(meta, meta, explicit, '', [], undefined, 0);
}

/**
 * The node that loads relationship `r` for objects in hand (a lazy load, or `populate`),
 * with the target's defaults below it.
 */
export function relationPlan(owner: EntityMetadata, r: RelationProperty): LoadNode {
  let node = relationPlans.get(r);
  if (node === undefined) {
    const children = level(r.target, owner, new Map(), r.name, [r], r, 1);
    node = Object.freeze({ relation: r, owner, strategy: 'selectin', path: r.name, root: owner, explicit: true, children: Object.freeze(children) });
    relationPlans.set(r, node);
  }
  return node;
}

/** `populate(objects, paths)`: a list of paths loads each with select-in. */
export function populatePlan(meta: EntityMetadata, paths: unknown): readonly LoadNode[] {
  if (Array.isArray(paths)) {
    const spec: Record<string, LoadingStrategy> = {};
    for (const p of paths) {
      if (typeof p !== 'string') throw new InvalidArgumentError(`populate(${meta.name}): paths are strings such as 'posts' or 'posts.comments'; got ${typeof p}.`);
      spec[p] = 'selectin';
    }
    return planFor(meta, spec, `populate(${meta.name})`);
  }
  return planFor(meta, paths, `populate(${meta.name})`);
}

function readSpec(meta: EntityMetadata, spec: unknown, where: string): Map<string, LoadingStrategy> {
  if (spec === null || typeof spec !== 'object' || Array.isArray(spec)) {
    throw new InvalidArgumentError(`${where}: load takes an object of paths and strategies, e.g. { posts: 'selectin', 'posts.comments': 'joined' }.`);
  }
  const out = new Map<string, LoadingStrategy>();
  for (const [path, strategy] of Object.entries(spec)) {
    if (strategy === undefined) continue;
    if (!STRATEGIES.includes(strategy as LoadingStrategy)) {
      throw new InvalidArgumentError(`${where}: load ${JSON.stringify(path)}: unknown strategy ${JSON.stringify(strategy)}; use one of ${STRATEGIES.map((s) => `'${s}'`).join(', ')}.`);
    }
    let m = meta;
    for (const step of path.split('.')) {
      const r = m.relations.find((x) => x.name === step);
      if (r === undefined) {
        const names = m.relations.map((x) => x.name).join(', ') || 'none';
        throw new InvalidArgumentError(`${where}: load ${JSON.stringify(path)}: ${m.name} has no relationship ${JSON.stringify(step)}; its relationships are ${names}.`);
      }
      m = r.target;
    }
    out.set(path, strategy as LoadingStrategy);
  }
  return out;
}

function level(
  meta: EntityMetadata,
  root: EntityMetadata,
  explicit: ReadonlyMap<string, LoadingStrategy>,
  prefix: string,
  trail: readonly RelationProperty[],
  cameThrough: RelationProperty | undefined,
  depth: number,
): LoadNode[] {
  const nodes: LoadNode[] = [];
  for (const r of meta.relations) {
    const path = prefix === '' ? r.name : `${prefix}.${r.name}`;
    const given = explicit.get(path);
    const below = hasBelow(explicit, path);
    // A default is not followed back along the relationship just loaded (it is filled from
    // the other side), into a relationship already on the path (cycles), or too deep.
    const followDefault = depth < MAX_DEFAULT_DEPTH && !trail.includes(r) && (cameThrough === undefined || (r !== cameThrough.inverse && r.inverse !== cameThrough));
    let strategy: LoadingStrategy | undefined = given;
    if (strategy === undefined) {
      if (below) strategy = isEager(r.loading) ? r.loading : 'selectin';
      else if (followDefault && (isEager(r.loading) || r.loading === 'noload')) strategy = r.loading;
      else continue;
    } else if (below && !isEager(strategy)) {
      const nested = [...explicit.keys()].find((k) => k.startsWith(`${path}.`))!;
      throw new InvalidArgumentError(
        `load ${JSON.stringify(nested)}: ${root.name}.${path} is '${strategy}' in the same load option, so it is not loaded and paths below it cannot apply; give ${JSON.stringify(path)} 'selectin' or 'joined'.`,
      );
    }
    const children = isEager(strategy) ? level(r.target, root, explicit, path, [...trail, r], r, depth + 1) : NONE;
    nodes.push(Object.freeze({ relation: r, owner: meta, strategy, path, root, explicit: given !== undefined, children: Object.freeze(children) }));
  }
  return nodes;
}

function hasBelow(explicit: ReadonlyMap<string, LoadingStrategy>, path: string): boolean {
  if (explicit.size === 0) return false;
  const prefix = `${path}.`;
  for (const key of explicit.keys()) if (key.startsWith(prefix)) return true;
  return false;
}

/** The joined nodes under `node` (depth first): what one statement loads along with the node's own rows. */
export function joinedBelow(nodes: readonly LoadNode[], out: LoadNode[] = []): LoadNode[] {
  for (const n of nodes) {
    if (n.strategy !== 'joined') continue;
    out.push(n);
    joinedBelow(n.children, out);
  }
  return out;
}

/** A string naming the joined shape under `nodes`, for caching statements: `posts(comments()author())`. */
export function joinedSignature(nodes: readonly LoadNode[]): string {
  let out = '';
  for (const n of nodes) if (n.strategy === 'joined') out += `${n.relation.name}(${joinedSignature(n.children)})`;
  return out;
}
