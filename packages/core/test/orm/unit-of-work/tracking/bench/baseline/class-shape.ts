// A copy of src/orm/hydration as it was before accessors (own properties per column), for the before/after measurement.
import type { ColumnProperty, EntityMetadata, RelationProperty } from '../../../../../../src/orm/metadata/entity-metadata';
import { refFor } from '../../../../../../src/orm/metadata/instances';
import { Collection } from '../../../../../../src/orm/relations/collection';

/**
 * How rows of one result layout become instances of one class, compiled once per (class,
 * layout): a generated constructor whose prototype is the entity's (so `instanceof` holds and
 * methods work, while the class's own constructor and field initializers never run) assigning
 * each property from its slot in a fixed order (one hidden class for every instance), and
 * the relationship containers: an unloaded `Ref` holding the foreign key for an owning to-one,
 * an unloaded `Collection` for a to-many. Measured against a loop over precomputed slots, the
 * generated code is several times faster per row; the loop remains as a fallback where a
 * Content-Security-Policy forbids `new Function`.
 */
export interface ClassShape {
  readonly meta: EntityMetadata;
  /** A new instance with every mapped property set from `row`. */
  readonly create: (row: unknown[]) => object;
  /** Overwrite an existing instance's mapped properties and relationship containers from `row` (refresh). */
  readonly assign: (instance: object, row: unknown[]) => void;
  /** The loaded-values snapshot of `row`, aligned with `meta.columns`. */
  readonly snapshot: (row: unknown[]) => unknown[];
  /** `@AfterLoad` method names. */
  readonly afterLoad: readonly string[];
  /** An exemplar instance is kept (see identity/exemplars.ts). */
  kept: boolean;
}

type Step =
  | { readonly kind: 'column'; readonly name: string; readonly slot: number }
  | { readonly kind: 'ref'; readonly name: string; readonly make: (owner: object, row: unknown[]) => unknown }
  | { readonly kind: 'collection'; readonly name: string };

const NO_HOOKS: readonly string[] = Object.freeze([]);

/**
 * `slots[i]`: where `meta.columns[i]` is in the row; `width`: the row's length. `codegen`
 * false builds the loop (what runs where `new Function` is forbidden; for measurements).
 */
export function classShape(meta: EntityMetadata, slots: readonly number[], width: number, codegen = true): ClassShape {
  const steps = stepsOf(meta, slots);
  const identity = width === meta.columns.length && slots.every((s, i) => s === i);
  const afterLoad = meta.hooks.get('afterLoad') ?? NO_HOOKS;
  if (codegen) {
    try {
      return { meta, ...generated(meta, steps, slots, identity), afterLoad, kept: false };
    } catch {
      // A Content-Security-Policy without 'unsafe-eval': fall through to the loop.
    }
  }
  return { meta, ...looped(meta, steps, slots, identity), afterLoad, kept: false };
}

function stepsOf(meta: EntityMetadata, slots: readonly number[]): Step[] {
  const steps: Step[] = [];
  const placed = new Set<string>();
  const relations = new Map(meta.relations.map((r) => [r.name, r]));
  const relationStep = (r: RelationProperty): void => {
    if (placed.has(r.name)) return;
    placed.add(r.name);
    if (r.relation === 'oneToMany' || r.relation === 'manyToMany') steps.push({ kind: 'collection', name: r.name });
    else if (r.joinColumns.length > 0) steps.push({ kind: 'ref', name: r.name, make: refMaker(meta, r, slots) });
    // The inverse side of a one-to-one holds no key: left for its loader.
  };
  meta.columns.forEach((c, i) => {
    if (c.instance) steps.push({ kind: 'column', name: c.name, slot: slots[i]! });
    else if (c.foreignKeyOf !== undefined) {
      const r = relations.get(c.foreignKeyOf);
      if (r !== undefined) relationStep(r);
    }
  });
  for (const r of meta.relations) relationStep(r);
  return steps;
}

/** Builds an owning to-one's Ref from the foreign-key slots; null when the key is (partly) NULL. */
function refMaker(meta: EntityMetadata, r: RelationProperty, slots: readonly number[]): (owner: object, row: unknown[]) => unknown {
  const fkSlots = r.joinColumns.map((fk: ColumnProperty) => slots[meta.columns.indexOf(fk)]!);
  if (fkSlots.length === 1) {
    const slot = fkSlots[0]!;
    return (owner, row) => {
      const key = row[slot];
      return key === null || key === undefined ? null : refFor(owner, r, key);
    };
  }
  const names = r.target.primaryKey.map((c) => c.name);
  return (owner, row) => {
    const key: Record<string, unknown> = {};
    for (let i = 0; i < fkSlots.length; i++) {
      const value = row[fkSlots[i]!];
      if (value === null || value === undefined) return null;
      key[names[i]!] = value;
    }
    return refFor(owner, r, key);
  };
}

function unloaded(owner: object, name: string): Collection<object> {
  return Collection.unloaded(owner, name);
}

type Parts = Pick<ClassShape, 'create' | 'assign' | 'snapshot'>;

function generated(meta: EntityMetadata, steps: readonly Step[], slots: readonly number[], identity: boolean): Parts {
  const args: string[] = ['proto', 'unloaded'];
  const values: unknown[] = [meta.class.prototype, unloaded];
  const body = (o: string): string =>
    steps
      .map((step, i) => {
        const prop = `${o}[${JSON.stringify(step.name)}]`;
        switch (step.kind) {
          case 'column':
            return `${prop} = r[${step.slot}];`;
          case 'ref':
            return `${prop} = ref${i}(${o}, r);`;
          case 'collection':
            return `${prop} = unloaded(${o}, ${JSON.stringify(step.name)});`;
        }
      })
      .join('\n  ');
  steps.forEach((step, i) => {
    if (step.kind === 'ref') {
      args.push(`ref${i}`);
      values.push(step.make);
    }
  });
  const snapshot = identity ? 'function snapshot(r) { return r; }' : `function snapshot(r) { return [${slots.map((s) => `r[${s}]`).join(', ')}]; }`;
  // Named after the class so profiles and inspection show it.
  const name = /^[A-Za-z_$][\w$]*$/.test(meta.name) ? meta.name : 'Entity';
  const source =
    `function ${name}(r) {\n  ${body('this')}\n}\n` +
    `${name}.prototype = proto;\n` +
    `function assign(o, r) {\n  ${body('o')}\n}\n` +
    `${snapshot}\n` +
    `return { create: (r) => new ${name}(r), assign, snapshot };`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...args, source)(...values) as Parts;
}

function looped(meta: EntityMetadata, steps: readonly Step[], slots: readonly number[], identity: boolean): Parts {
  const proto = meta.class.prototype as object;
  const assign = (target: object, r: unknown[]): void => {
    const o = target as Record<string, unknown>;
    for (const step of steps) {
      if (step.kind === 'column') o[step.name] = r[step.slot];
      else if (step.kind === 'ref') o[step.name] = step.make(o, r);
      else o[step.name] = unloaded(o, step.name);
    }
  };
  return {
    create: (r) => {
      const o = Object.create(proto) as object;
      assign(o, r);
      return o;
    },
    assign,
    snapshot: identity ? (r) => r : (r) => slots.map((s) => r[s]),
  };
}
