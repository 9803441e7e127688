import type { EntityMetadata, InheritanceMetadata } from '../entity-metadata';
import { snakeCase } from '../naming-strategy';
import { draftOf, entityAncestor } from './drafts';
import type { ConfigureContext, EntityDraft, MutableColumn } from './drafts';

/**
 * Single-table inheritance: a root `@Entity({ discriminatorColumn: 'kind' })` and subclasses
 * `@Entity({ discriminatorValue: 'admin' })` extending it share the root's table. Any other
 * use of `extends` between entities (one table per class) is refused with the fix.
 */

const STRING_KINDS = new Set(['varchar', 'text', 'enum']);

function rootOf(ctx: ConfigureContext, d: EntityDraft, seen = new Set<EntityDraft>()): EntityDraft | undefined {
  if (!d.parent) return d;
  const parent = draftOf(ctx, d.parent);
  if (!parent || seen.has(parent)) return undefined;
  seen.add(d);
  return rootOf(ctx, parent, seen);
}

/** Phase 2: parents, roots and discriminator columns. */
export function linkInheritance(ctx: ConfigureContext): void {
  const p = ctx.problems;
  for (const d of ctx.drafts.values()) {
    const { meta: parent, foreign } = entityAncestor(ctx, d.cls);
    if (foreign) {
      p.add(`${d.name} extends ${foreign[0].name}, an entity of registry '${foreign[1]}'; a class and its mapped ancestors must share a registry.`);
    }
    if (parent) d.parent = parent;
    else if (d.options.discriminatorValue !== undefined && d.options.discriminatorColumn === undefined) {
      p.add(
        `${d.name}: discriminatorValue is for single-table subclasses, but ${d.name} extends no entity. ` +
          `Extend the root entity, or declare discriminatorColumn here to make ${d.name} a root.`,
      );
    }
  }
  for (const d of ctx.drafts.values()) {
    if (!d.parent) continue;
    const root = rootOf(ctx, d);
    if (!root) {
      p.add(
        `${d.name} extends ${d.parent.name}, which was configured before ${d.name} was registered, so its table cannot take ${d.name}'s columns. ` +
          `Import every entity module before the registry is first used.`,
      );
      continue;
    }
    const o = d.options;
    if (root.options.discriminatorColumn === undefined) {
      p.add(
        `${d.name} extends the entity ${d.parent.name}, but Athanor maps inheritance between entities only as single-table inheritance, ` +
          `and ${root.name} declares no discriminator column. Add @Entity({ discriminatorColumn: 'kind' }) to ${root.name} and ` +
          `@Entity({ discriminatorValue: '${snakeCase(d.name)}' }) to ${d.name}; or, for one table per class, make ${d.parent.name} a plain base class without @Entity (its mapped properties are inherited either way).`,
      );
      continue;
    }
    if (o.table !== undefined || o.schema !== undefined) {
      p.add(`${d.name}: a single-table subclass lives in ${root.name}'s table; remove \`table\` and \`schema\` from its @Entity (one table per class is not supported).`);
    }
    if (o.discriminatorColumn !== undefined) {
      p.add(`${d.name}: only the root of a single-table hierarchy (${root.name}) declares discriminatorColumn; remove it here.`);
    }
    if (o.discriminatorValue === undefined) {
      p.add(`${d.name}: a single-table subclass of ${root.name} needs its discriminator value: @Entity({ discriminatorValue: '${snakeCase(d.name)}' }).`);
    }
    d.root = root;
    root.children.push(d);
  }
  for (const d of ctx.drafts.values()) if (d.root === d && d.options.discriminatorColumn !== undefined) discriminators(ctx, d);
}

function discriminators(ctx: ConfigureContext, root: EntityDraft): void {
  const p = ctx.problems;
  const prop = root.options.discriminatorColumn!;
  const values = new Map<string, string>();
  for (const d of [root, ...root.children]) {
    const value = d.options.discriminatorValue;
    if (value === undefined) continue;
    if (typeof value !== 'string' || value.length === 0) p.add(`${d.name}: discriminatorValue must be a non-empty string.`);
    const taken = values.get(value);
    if (taken !== undefined) p.add(`${d.name}: discriminator value '${value}' is already used by ${taken}; give each class its own value.`);
    values.set(value, d.name);
  }
  if (root.relations.has(prop)) {
    p.add(`${root.name}.${prop}: the discriminator column cannot be a relationship; name another property in discriminatorColumn.`);
    return;
  }
  const longest = Math.max(0, ...[...values.keys()].map((v) => v.length));
  const synthesized: MutableColumn = {
    kind: 'column',
    name: prop,
    column: ctx.naming.columnName(prop),
    type: { kind: 'varchar', length: Math.max(50, longest) },
    nullable: false,
    primary: false,
    autoIncrement: false,
    unique: false,
    index: false,
    version: false,
    createdAt: false,
    updatedAt: false,
    instance: false,
  };
  for (const d of [root, ...root.children]) {
    const declared = d.columns.get(prop);
    if (declared) {
      if (!STRING_KINDS.has(declared.type.kind)) p.add(`${d.name}.${prop}: the discriminator column holds strings; make it varchar, text or enum, not ${declared.type.kind}.`);
      if (declared.nullable) p.add(`${d.name}.${prop}: the discriminator column cannot be nullable.`);
    }
    d.discriminator = declared ?? synthesized;
  }
}

/** The inheritance metadata of every class of a hierarchy (phase 6, once all metadata exist). */
export function inheritanceOf(root: EntityDraft): Map<EntityDraft, InheritanceMetadata> {
  const out = new Map<EntityDraft, InheritanceMetadata>();
  if (root.options.discriminatorColumn === undefined || !root.discriminator) return out;
  const byValue = new Map<string, EntityMetadata>();
  for (const d of [root, ...root.children]) if (d.options.discriminatorValue !== undefined) byValue.set(d.options.discriminatorValue, d.meta);
  for (const d of [root, ...root.children]) {
    out.set(
      d,
      Object.freeze({
        kind: 'single-table' as const,
        discriminatorColumn: d.discriminator!,
        value: d.options.discriminatorValue,
        root: root.meta,
        byValue,
      }),
    );
  }
  return out;
}
