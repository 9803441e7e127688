import type { RelationRecord } from '../decorator-records';
import type { CascadeOption, EntityMetadata, LoadingStrategy, RelationProperty } from '../entity-metadata';
import { draftOf } from './drafts';
import type { ConfigureContext, EntityDraft, RelationDraft } from './drafts';
import { isOwningToOne, joinColumnsOf } from './keys';

/**
 * Phase 4: relationship options (loading, cascade, onDelete, orderBy), the foreign keys of
 * owning to-one sides, and the inverse sides (`mappedBy`) checked and linked both ways.
 */

const LOADINGS: readonly LoadingStrategy[] = ['lazy', 'joined', 'selectin', 'raise', 'noload'];
const CASCADES: readonly CascadeOption[] = ['save', 'merge', 'delete', 'delete-orphan', 'refresh', 'expunge', 'all'];
const ALL: readonly Exclude<CascadeOption, 'all'>[] = ['save', 'merge', 'delete', 'refresh', 'expunge'];
const ON_DELETE = ['cascade', 'set null', 'restrict', 'no action'] as const;

/** The property a `mappedBy` accessor (`(p) => p.author`) reads. */
export function propertyFromAccessor(fn: (target: any) => unknown): string | undefined {
  let name: string | undefined;
  const proxy: object = new Proxy({}, {
    get(_target, key) {
      if (name === undefined && typeof key === 'string') name = key;
      return proxy;
    },
  });
  try {
    fn(proxy);
  } catch {
    // Only the first property read matters.
  }
  return name;
}

function mappedByName(r: RelationDraft): string | undefined {
  const m = r.record.mappedBy;
  return typeof m === 'function' ? propertyFromAccessor(m) : m;
}

function options(ctx: ConfigureContext, d: EntityDraft, r: RelationDraft): void {
  const p = ctx.problems;
  const o = r.record.options;
  const kind = r.record.relation;
  const where = `${d.name}.${r.prop.name}`;
  const prop = r.prop;
  const toMany = kind === 'oneToMany' || kind === 'manyToMany';
  prop.owner = kind === 'manyToOne' || ((kind === 'oneToOne' || kind === 'manyToMany') && r.record.mappedBy === undefined);
  prop.nullable = isOwningToOne(r) ? (o.nullable ?? false) : !toMany;
  prop.joinColumns = [];
  const loading = o.loading ?? 'lazy';
  if (!LOADINGS.includes(loading)) p.add(`${where}: unknown loading strategy '${String(loading)}'; use one of ${LOADINGS.join(', ')}.`);
  prop.loading = loading;
  const cascade = new Set<Exclude<CascadeOption, 'all'>>();
  for (const c of o.cascade ?? ['save']) {
    if (!CASCADES.includes(c)) p.add(`${where}: unknown cascade '${String(c)}'; use any of ${CASCADES.join(', ')}.`);
    else if (c === 'all') for (const a of ALL) cascade.add(a);
    else cascade.add(c);
  }
  if (cascade.has('delete-orphan') && (kind === 'manyToOne' || kind === 'manyToMany')) {
    p.add(`${where}: 'delete-orphan' applies to one-to-many and one-to-one relationships; a ${kind === 'manyToOne' ? 'many-to-one' : 'many-to-many'} target may have other parents.`);
  }
  prop.cascade = cascade;
  if (o.onDelete !== undefined) {
    if (!isOwningToOne(r)) p.add(`${where}: onDelete belongs on the side that holds the foreign key (a @ManyToOne or an owning @OneToOne).`);
    else if (!ON_DELETE.includes(o.onDelete)) p.add(`${where}: unknown onDelete '${String(o.onDelete)}'; use one of ${ON_DELETE.join(', ')}.`);
    else if (o.onDelete === 'set null' && !prop.nullable) p.add(`${where}: onDelete 'set null' needs a nullable foreign key: add nullable: true (and declare the property \`Ref<…> | null\`).`);
    prop.onDelete = o.onDelete;
  }
  if (o.orderBy !== undefined) {
    if (!toMany) p.add(`${where}: orderBy applies to collections (@OneToMany, @ManyToMany).`);
    else if (prop.target) orderBy(ctx, where, prop.target, o.orderBy as Record<string, unknown>);
    prop.orderBy = Object.freeze({ ...(o.orderBy as Record<string, 'asc' | 'desc'>) });
  }
  if (isOwningToOne(r)) prop.joinColumns = joinColumnsOf(ctx, d, r) ?? [];
}

function orderBy(ctx: ConfigureContext, where: string, target: EntityMetadata, spec: Record<string, unknown>): void {
  const td = draftOf(ctx, target);
  const columns = td ? new Set([...td.columns.keys(), ...[...td.joinColumns.values()].flat().map((c) => c.name)]) : new Set(target.columns.map((c) => c.name));
  for (const [key, direction] of Object.entries(spec)) {
    if (!columns.has(key)) ctx.problems.add(`${where}: orderBy names ${target.name}.${key}, which is not a column property of ${target.name} (its columns: ${[...columns].join(', ')}).`);
    if (direction !== 'asc' && direction !== 'desc') ctx.problems.add(`${where}: orderBy ${key} must be 'asc' or 'desc'.`);
  }
}

/** Whether `cls` is `base` or extends it. */
function isSameOrSubclass(cls: Function, base: Function): boolean {
  return cls === base || cls.prototype instanceof base;
}

const EXPECTED: Record<string, { kind: RelationProperty['relation']; label: string; example: (d: EntityDraft, prop: string) => string }> = {
  oneToMany: { kind: 'manyToOne', label: 'a @ManyToOne', example: (d, prop) => `@ManyToOne(() => ${d.name}) ${prop}!: Ref<${d.name}>` },
  oneToOne: { kind: 'oneToOne', label: 'an owning @OneToOne (one without mappedBy)', example: (d, prop) => `@OneToOne(() => ${d.name}) ${prop}!: Ref<${d.name}>` },
  manyToMany: { kind: 'manyToMany', label: 'an owning @ManyToMany (one without mappedBy)', example: (d, prop) => `@ManyToMany(() => ${d.name}) ${prop} = new Collection<${d.name}>(this)` },
};

type Claims = Map<RelationProperty, { readonly where: string; readonly record: RelationRecord }>;

function inverse(ctx: ConfigureContext, d: EntityDraft, r: RelationDraft, claimed: Claims): void {
  const target = r.prop.target;
  if (!target || r.prop.owner) return;
  const p = ctx.problems;
  const where = `${d.name}.${r.prop.name}`;
  const expected = EXPECTED[r.record.relation]!;
  const name = mappedByName(r);
  if (name === undefined) {
    p.add(`${where}: mappedBy must name ${target.name}'s property that points back, as a string ('author') or an accessor ((p) => p.author).`);
    return;
  }
  r.mappedBy = name;
  const td = draftOf(ctx, target);
  const back = td ? td.relations.get(name)?.prop : (target.properties.get(name) as RelationProperty | undefined);
  const relations = td ? [...td.relations.keys()] : target.relations.map((x) => x.name);
  const describe = `${r.record.decorator}(() => ${target.name}, '${name}')`;
  if (!back || back.kind !== 'relation') {
    const exists = td ? td.records.has(name) : target.properties.has(name);
    p.add(
      `${where}: ${describe} names ${target.name}.${name}, which ${exists ? 'is a column, not a relationship' : 'does not exist'}. ` +
        `Declare the other side on ${target.name}: \`${expected.example(d, name)}\`, or name an existing one (${target.name}'s relationships: ${relations.join(', ') || 'none'}).`,
    );
    return;
  }
  const backOwning = back.relation === 'manyToOne' || ((back.relation === 'oneToOne' || back.relation === 'manyToMany') && !isInverseDecl(ctx, target, name));
  if (back.relation !== expected.kind || !backOwning) {
    p.add(`${where}: ${describe} names ${target.name}.${name}, which is a ${back.relation === 'manyToOne' ? '@ManyToOne' : `@${back.relation.charAt(0).toUpperCase()}${back.relation.slice(1)}`}${backOwning ? '' : ' inverse side'}, but the inverse of ${r.record.decorator} must be ${expected.label}: \`${expected.example(d, name)}\`.`);
    return;
  }
  if (back.target && !isSameOrSubclass(d.cls, back.target.class)) {
    p.add(`${where}: ${describe} names ${target.name}.${name}, which points to ${back.target.name}, not to ${d.name}. Point it back: \`${expected.example(d, name)}\`, or name the property that does.`);
    return;
  }
  if (!td) {
    p.add(`${where}: ${target.name} was configured before ${d.name} was registered, so ${target.name}.${name} cannot link back to ${where}. Import every entity module before the registry is first used.`);
    return;
  }
  const other = claimed.get(back);
  if (other !== undefined && other.record !== r.record) {
    p.add(`${where}: ${target.name}.${name} is already the other side of ${other.where}; a relationship has one inverse. Remove one of them.`);
    return;
  }
  r.prop.inverse = back;
  // A single-table subclass inherits the declaring class's relationship: the back link stays with the declaring class.
  if (other !== undefined) return;
  claimed.set(back, { where, record: r.record });
  (back as { inverse?: RelationProperty }).inverse = r.prop;
}

function isInverseDecl(ctx: ConfigureContext, target: EntityMetadata, name: string): boolean {
  const td = draftOf(ctx, target);
  if (td) return td.relations.get(name)?.record.mappedBy !== undefined;
  const prop = target.properties.get(name);
  return prop?.kind === 'relation' && !prop.owner;
}

export function configureRelations(ctx: ConfigureContext): void {
  // Foreign keys first: orderBy may name them on another entity.
  for (const d of ctx.drafts.values()) for (const r of d.relations.values()) if (isOwningToOne(r)) joinColumnsOf(ctx, d, r);
  for (const d of ctx.drafts.values()) for (const r of d.relations.values()) options(ctx, d, r);
  const claimed: Claims = new Map();
  for (const d of ctx.drafts.values()) for (const r of d.relations.values()) inverse(ctx, d, r, claimed);
}
