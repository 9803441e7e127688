import type { EntityMetadata } from '../metadata/entity-metadata';
import { Collection } from '../relations/collection';
import { installAccessors } from '../unit-of-work/tracking/accessors';
import { type Storage, storageOf } from '../unit-of-work/tracking/storage';

/**
 * How rows of one result layout become instances of one class, compiled once per (class,
 * layout): a generated constructor whose prototype is the entity's (so `instanceof` holds and
 * methods work, while the class's own constructor and field initializers never run).
 *
 * Mapped values are not own properties: the class has accessors (see
 * unit-of-work/tracking/accessors.ts) that keep them in the instance's storage, and the
 * storage of a hydrated instance IS its loaded values (the snapshot, aligned with
 * `meta.columns`), shared until the first write copies it. So hydration stamps the storage
 * with the snapshot and adds an unloaded `Collection` per to-many relationship; an owning
 * to-one's `Ref` is made on first read from the foreign-key values. One hidden class for
 * every instance. Measured against a loop, the generated code is several times faster per
 * row; the loop remains as a fallback where a Content-Security-Policy forbids `new Function`.
 */
export interface ClassShape {
  readonly meta: EntityMetadata;
  /** A new instance whose values are `values` (aligned with `meta.columns`: what `snapshot(row)` gives). */
  readonly create: (values: unknown[]) => object;
  /** Overwrite an existing instance's values and relationship containers (refresh); `values` as for `create`. */
  readonly assign: (instance: object, values: unknown[]) => void;
  /** The loaded-values snapshot of `row`, aligned with `meta.columns`. */
  readonly snapshot: (row: unknown[]) => unknown[];
  /** `@AfterLoad` method names. */
  readonly afterLoad: readonly string[];
  /** An exemplar instance is kept (see runtime/exemplars.ts). */
  kept: boolean;
}

const NO_HOOKS: readonly string[] = Object.freeze([]);

/**
 * `slots[i]`: where `meta.columns[i]` is in the row; `width`: the row's length. `codegen`
 * false builds the loop (what runs where `new Function` is forbidden; for measurements).
 */
export function classShape(meta: EntityMetadata, slots: readonly number[], width: number, codegen = true): ClassShape {
  installAccessors(meta);
  const collections = meta.relations.filter((r) => r.relation === 'oneToMany' || r.relation === 'manyToMany').map((r) => r.name);
  const identity = width === meta.columns.length && slots.every((s, i) => s === i);
  const afterLoad = meta.hooks.get('afterLoad') ?? NO_HOOKS;
  const storage = storageOf(meta);
  if (codegen) {
    try {
      return { meta, ...generated(meta, storage, collections, slots, identity), afterLoad, kept: false };
    } catch {
      // A Content-Security-Policy without 'unsafe-eval': fall through to the loop.
    }
  }
  return { meta, ...looped(meta, storage, collections, slots, identity), afterLoad, kept: false };
}

function unloaded(owner: object, name: string): Collection<object> {
  return Collection.unloaded(owner, name);
}

type Parts = Pick<ClassShape, 'create' | 'assign' | 'snapshot'>;

function generated(meta: EntityMetadata, storage: Storage, collections: readonly string[], slots: readonly number[], identity: boolean): Parts {
  const body = (o: string): string => [`reset(${o}, v);`, ...collections.map((name) => `${o}[${JSON.stringify(name)}] = unloaded(${o}, ${JSON.stringify(name)});`)].join('\n  ');
  const snapshot = identity ? 'function snapshot(r) { return r; }' : `function snapshot(r) { return [${slots.map((s) => `r[${s}]`).join(', ')}]; }`;
  // Named after the class so profiles and inspection show it.
  const name = /^[A-Za-z_$][\w$]*$/.test(meta.name) ? meta.name : 'Entity';
  const source =
    `function ${name}(v) {\n  ${body('this')}\n}\n` +
    `${name}.prototype = proto;\n` +
    `function assign(o, v) {\n  ${body('o')}\n}\n` +
    `${snapshot}\n` +
    `return { create: (v) => new ${name}(v), assign, snapshot };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function('proto', 'unloaded', 'reset', source)(meta.class.prototype, unloaded, storage.reset) as Parts;
}

function looped(meta: EntityMetadata, storage: Storage, collections: readonly string[], slots: readonly number[], identity: boolean): Parts {
  const proto = meta.class.prototype as object;
  const assign = (target: object, v: unknown[]): void => {
    storage.reset(target, v);
    for (const name of collections) (target as Record<string, unknown>)[name] = unloaded(target, name);
  };
  return {
    create: (v) => {
      const o = Object.create(proto) as object;
      assign(o, v);
      return o;
    },
    assign,
    snapshot: identity ? (r) => r : (r) => slots.map((s) => r[s]),
  };
}
