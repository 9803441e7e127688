import type { RowDecoder } from '../../engine/array-results';
import { InvalidArgumentError, MappingError } from '../../errors/errors';
import type { IdentityMap } from '../identity/identity-map';
import { type IdentityKey, identityOf, isPlainKeyColumn } from '../identity/identity-key';
import { keepExemplar } from '../../runtime/exemplars';
import { attachState, InstanceState, type SessionLink, stateIfMade, stateOf } from '../identity/instance-state';
import type { EntityMetadata } from '../metadata/entity-metadata';
import { type ClassShape, classShape } from './class-shape';

/** Where hydrated objects go: a session's identity map. */
export interface HydrationTarget {
  readonly map: IdentityMap;
  /** Recorded on each new instance's state. */
  readonly session: SessionLink;
}

/**
 * Turns decoded row arrays of one result layout (its column keys, in order) into entities of
 * one entity (or single-table hierarchy), through a session's identity map: a row whose
 * object the session already holds yields that object as it is (its current values are not
 * overwritten), unless it was expired, in which case it is refreshed from the row. New
 * instances have the row as their loaded snapshot; their state is made at once (key reads,
 * hierarchies, classes with `@AfterLoad` hooks, which then run) or when first asked for (see
 * LoadedGroup).
 * Built once per layout; nothing is looked up by name per row.
 */
export class Hydrator {
  /** The hierarchy root: identities are per root. */
  readonly root: EntityMetadata;
  private readonly index: ReadonlyMap<string, number>;
  private readonly width: number;
  private readonly pkSlots: readonly number[];
  /** The key's slot when the key is one column whose values are Map keys as they are. */
  private readonly keySlot: number;
  private readonly discriminatorSlot: number;
  private readonly shapes = new Map<EntityMetadata, ClassShape>();
  private readonly single: ClassShape | undefined;

  constructor(
    readonly meta: EntityMetadata,
    readonly keys: readonly string[],
  ) {
    this.root = meta.inheritance?.root ?? meta;
    this.index = new Map(keys.map((k, i) => [k, i]));
    this.width = keys.length;
    this.pkSlots = this.root.primaryKey.map((c) => this.slotOf(this.root, c.name));
    const pk = this.root.primaryKey;
    this.keySlot = pk.length === 1 && isPlainKeyColumn(pk[0]!) ? this.pkSlots[0]! : -1;
    const inheritance = meta.inheritance;
    this.discriminatorSlot = inheritance === undefined ? -1 : this.slotOf(meta, inheritance.discriminatorColumn.name);
    this.single = inheritance === undefined ? this.shapeOf(meta) : undefined;
  }

  /**
   * Entities for `rows`, in order, merged into the target's identity map. `unique`: the rows
   * have distinct keys (an entity SELECT without to-many joins); when the session holds none
   * of this entity yet, the identity-map lookups are then skipped. `decode`: rows still hold
   * driver values; each is decoded in place as it is reached (see `rowDecoderOf`). A decoder
   * that throws ends hydration at its row: the entities of the rows before it stay in the map
   * (complete and correct, as if a narrower query had loaded them).
   */
  hydrate(rows: readonly unknown[][], target: HydrationTarget, unique = false, decode?: RowDecoder): object[] {
    const ids = target.map.entities(this.root);
    const n = rows.length;
    const out = new Array<object>(n);
    const keySlot = this.keySlot;
    const fresh = unique && ids.size === 0;
    const single = this.single;
    const session = target.session;
    // One class, no hooks: states are made when asked for (see LoadedGroup).
    const loaded = single !== undefined && single.afterLoad.length === 0 ? single.meta : undefined;
    try {
      for (let i = 0; i < n; i++) {
        const r = rows[i]!;
        if (decode !== undefined) decode(r);
        const key = keySlot >= 0 ? (r[keySlot] as IdentityKey) : this.keyOf(r);
        if (key === null || key === undefined) throw this.noKey();
        if (!fresh) {
          const held = ids.lookup(key);
          if (held !== undefined) {
            const state = stateIfMade(held);
            if (state !== undefined && state.expired) this.reload(held, state, r);
            out[i] = held;
            continue;
          }
        }
        const shape = single ?? this.shapeFor(r);
        if (!shape.kept) keepEntityExemplar(shape, r);
        // The snapshot is the instance's storage too (copied on its first write).
        const values = shape.snapshot(r);
        const o = shape.create(values);
        if (loaded !== undefined) {
          ids.addLoaded(key, o, loaded, session);
          out[i] = o;
          continue;
        }
        const state = new InstanceState(shape.meta, key, values, 'persistent');
        state.session = session;
        ids.add(key, o, state);
        if (shape.afterLoad.length > 0) runHooks(o, shape.afterLoad);
        out[i] = o;
      }
    } finally {
      target.map.settle();
    }
    return out;
  }

  /**
   * The entity for one row (a key read): `hydrate` without the result array. `absent`: a key
   * the caller has just looked up in the target without finding it (nothing ran since), so a
   * row with that key needs no second lookup.
   */
  hydrateOne(row: unknown[], target: HydrationTarget, absent?: IdentityKey): object {
    const ids = target.map.entities(this.root);
    const key = this.keySlot >= 0 ? (row[this.keySlot] as IdentityKey) : this.keyOf(row);
    if (key === null || key === undefined) throw this.noKey();
    const held = key === absent ? undefined : ids.lookup(key);
    if (held !== undefined) {
      const state = stateOf(held);
      if (state !== undefined && state.expired) this.reload(held, state, row);
      return held;
    }
    const shape = this.single ?? this.shapeFor(row);
    if (!shape.kept) keepEntityExemplar(shape, row);
    const values = shape.snapshot(row);
    const o = shape.create(values);
    const state = new InstanceState(shape.meta, key, values, 'persistent');
    state.session = target.session;
    try {
      ids.add(key, o, state);
    } finally {
      target.map.settle();
    }
    if (shape.afterLoad.length > 0) runHooks(o, shape.afterLoad);
    return o;
  }

  /** Overwrite a held instance from its row (refresh, or an expired instance loaded again). */
  reload(instance: object, state: InstanceState, row: unknown[]): void {
    const shape = this.shapeOf(state.meta);
    const values = shape.snapshot(row);
    shape.assign(instance, values);
    state.snapshot = values;
    state.expired = false;
    if (shape.afterLoad.length > 0) runHooks(instance, shape.afterLoad);
  }

  /** The identity key of a row. */
  keyOf(row: readonly unknown[]): IdentityKey {
    const slots = this.pkSlots;
    if (slots.length === 1) {
      const value = row[slots[0]!];
      return value === null || value === undefined ? (value as never) : identityOf([value]);
    }
    const values = new Array<unknown>(slots.length);
    for (let i = 0; i < slots.length; i++) {
      const value = row[slots[i]!];
      if (value === null || value === undefined) return value as never;
      values[i] = value;
    }
    return identityOf(values);
  }

  private shapeFor(row: readonly unknown[]): ClassShape {
    const value = row[this.discriminatorSlot];
    const meta = this.root.inheritance!.byValue.get(value as string);
    if (meta === undefined) {
      const column = this.root.inheritance!.discriminatorColumn.name;
      throw new MappingError(
        `A ${this.root.name} row has ${column} = ${JSON.stringify(value)}, which no class of the hierarchy declares ` +
          `(known: ${[...this.root.inheritance!.byValue.keys()].map((v) => `'${v}'`).join(', ') || 'none'}). ` +
          `Map it with @Entity({ discriminatorValue: ${JSON.stringify(value)} }) on a subclass of ${this.root.name}.`,
      );
    }
    return this.shapeOf(meta);
  }

  private shapeOf(meta: EntityMetadata): ClassShape {
    let shape = this.shapes.get(meta);
    if (shape === undefined) {
      shape = classShape(
        meta,
        meta.columns.map((c) => this.slotOf(meta, c.name)),
        this.width,
      );
      this.shapes.set(meta, shape);
    }
    return shape;
  }

  private slotOf(meta: EntityMetadata, key: string): number {
    const slot = this.index.get(key);
    if (slot === undefined) {
      throw new InvalidArgumentError(
        `The statement does not select ${meta.name}.${key}: to load ${meta.name} entities, select every column of its table ` +
          `(select(table(${meta.name})) selects them all); it selects ${this.keys.join(', ') || 'nothing'}.`,
      );
    }
    return slot;
  }

  private noKey(): InvalidArgumentError {
    const names = this.root.primaryKey.map((c) => c.name).join(', ');
    return new InvalidArgumentError(`A row for ${this.meta.name} has no primary key (${names} is NULL), so it cannot be an entity; an outer join row without a match?`);
  }
}

/** Exemplars kept per entity: one per hydrator layout, up to a few (ad-hoc layouts may come and go). */
const exemplarsPerEntity = new WeakMap<EntityMetadata, number>();
const MAX_EXEMPLARS_PER_ENTITY = 8;

/** See runtime/exemplars.ts: an instance built like the others (a copy of a real row), in no session. */
function keepEntityExemplar(shape: ClassShape, row: readonly unknown[]): void {
  shape.kept = true;
  const count = exemplarsPerEntity.get(shape.meta) ?? 0;
  if (count >= MAX_EXEMPLARS_PER_ENTITY) return;
  exemplarsPerEntity.set(shape.meta, count + 1);
  const values = shape.snapshot([...row]);
  const exemplar = keepExemplar(shape.create(values));
  attachState(exemplar, new InstanceState(shape.meta, undefined, values, 'detached'));
}

function runHooks(instance: object, methods: readonly string[]): void {
  for (const m of methods) (instance as Record<string, () => unknown>)[m]!();
}

const standard = new WeakMap<EntityMetadata, Hydrator>();
const custom = new WeakMap<EntityMetadata, Map<string, Hydrator>>();

/** The hydrator of `meta` for rows whose columns are `keys` (the whole table's, in order, when omitted). */
export function hydratorFor(meta: EntityMetadata, keys?: readonly string[]): Hydrator {
  if (keys === undefined) {
    let h = standard.get(meta);
    if (h === undefined) {
      h = new Hydrator(meta, meta.table.$columns.map((c) => c.key));
      standard.set(meta, h);
    }
    return h;
  }
  let byKeys = custom.get(meta);
  if (byKeys === undefined) {
    byKeys = new Map();
    custom.set(meta, byKeys);
  }
  const name = keys.join('\u0000');
  let h = byKeys.get(name);
  if (h === undefined) {
    h = new Hydrator(meta, keys);
    if (byKeys.size >= 64) byKeys.clear();
    byKeys.set(name, h);
  }
  return h;
}
