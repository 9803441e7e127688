import type { ColumnProperty, EntityMetadata } from '../entity-metadata';
import { INTEGRAL_KINDS } from './column-types';
import { draftOf, lookup } from './drafts';
import type { ConfigureContext, EntityDraft, MutableColumn, RelationDraft } from './drafts';

/**
 * Phase 3: relationship targets, primary keys and the foreign-key columns of owning to-one
 * relationships (which may themselves be part of a primary key, hence resolved together).
 */

const TO_ONE_OWNING = (r: RelationDraft): boolean =>
  r.record.relation === 'manyToOne' || (r.record.relation === 'oneToOne' && r.record.mappedBy === undefined);

export function isOwningToOne(r: RelationDraft): boolean {
  return TO_ONE_OWNING(r);
}

/** Resolve every relationship's `() => Target` to this registry's metadata for Target. */
export function resolveTargets(ctx: ConfigureContext): void {
  for (const d of ctx.drafts.values()) {
    for (const r of d.relations.values()) {
      const where = `${d.name}.${r.prop.name}`;
      const decorator = `${r.record.decorator}(() => …)`;
      let cls: unknown;
      try {
        cls = r.record.target();
      } catch (error) {
        ctx.problems.add(`${where}: the target of ${decorator} threw ${(error as Error)?.message ?? String(error)}; the thunk must return the target entity class.`);
        continue;
      }
      if (typeof cls !== 'function') {
        ctx.problems.add(
          `${where}: the target of ${decorator} is ${String(cls)}. It was read before the target's module finished loading ` +
            `(a circular import evaluated at load time?): use the registry only after every entity module is imported, and give a class, as in ${r.record.decorator}(() => User).`,
        );
        continue;
      }
      const target = lookup(ctx, cls);
      if (!target) {
        const other = ctx.otherRegistryOf(cls);
        ctx.problems.add(
          other !== undefined
            ? `${where}: ${decorator} targets ${cls.name}, an entity of registry '${other}', not of '${ctx.registryName}'. Relationships stay within one registry: register ${cls.name} with @Entity({ registry }) in the same registry as ${d.name}.`
            : `${where}: ${decorator} targets ${cls.name || 'an anonymous class'}, which is not an entity of registry '${ctx.registryName}'. Decorate ${cls.name} with @Entity() (in the same registry), or fix the target.`,
        );
        continue;
      }
      r.prop.target = target;
    }
  }
}

function capitalize(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

function listOf(option: string | readonly string[] | undefined): readonly string[] | undefined {
  return option === undefined ? undefined : typeof option === 'string' ? [option] : option;
}

/** The primary key of an entity being configured (or already configured); undefined if it has none. */
export function primaryKeyOf(ctx: ConfigureContext, meta: EntityMetadata): readonly ColumnProperty[] | undefined {
  const d = draftOf(ctx, meta);
  if (!d) return meta.primaryKey;
  if (d.primaryKey) return d.primaryKey.length > 0 ? d.primaryKey : undefined;
  if (d.resolvingKey) {
    ctx.problems.add(`${d.name}: its primary key includes a relationship (primary: true) whose target's key leads back to ${d.name}; break the cycle with a column key.`);
    return undefined;
  }
  d.resolvingKey = true;
  const key: MutableColumn[] = [];
  for (const name of d.order) {
    const column = d.columns.get(name);
    if (column?.primary) key.push(column);
    const relation = d.relations.get(name);
    if (relation?.record.options.primary) {
      if (!TO_ONE_OWNING(relation)) {
        ctx.problems.add(`${d.name}.${name}: only a @ManyToOne or an owning @OneToOne can be part of the primary key (primary: true).`);
        continue;
      }
      const columns = joinColumnsOf(ctx, d, relation);
      if (columns) key.push(...columns);
    }
  }
  d.resolvingKey = false;
  d.primaryKey = key;
  if (key.length === 0) {
    ctx.problems.add(`${d.name} has no primary key. Add @PrimaryKey() to a property (\`@PrimaryKey() id!: number\` is an auto-incrementing integer), or several for a composite key.`);
    return undefined;
  }
  autoIncrement(ctx, d, key);
  return key;
}

function autoIncrement(ctx: ConfigureContext, d: EntityDraft, key: MutableColumn[]): void {
  for (const column of key) {
    const record = d.records.get(column.name);
    const explicit = record?.kind === 'column' ? record.options.autoIncrement : undefined;
    const eligible = key.length === 1 && column.instance && INTEGRAL_KINDS.has(column.type.kind);
    if (explicit === true && !eligible) {
      ctx.problems.add(`${d.name}.${column.name}: autoIncrement needs a single integer primary key column (this key is ${key.length > 1 ? 'composite' : column.type.kind}).`);
    }
    column.autoIncrement = eligible && (explicit ?? column.default === undefined);
  }
}

/** The foreign-key column properties of an owning to-one relationship, built on first use. */
export function joinColumnsOf(ctx: ConfigureContext, d: EntityDraft, r: RelationDraft): MutableColumn[] | undefined {
  const existing = d.joinColumns.get(r.prop.name);
  if (existing) return existing;
  const target = r.prop.target;
  if (!target) return undefined;
  const targetKey = primaryKeyOf(ctx, target);
  if (!targetKey) return undefined;
  const rel = r.prop.name;
  const where = `${d.name}.${rel}`;
  const o = r.record.options;
  const names = listOf(o.joinColumn);
  if (names && names.length !== targetKey.length) {
    ctx.problems.add(`${where}: joinColumn lists ${names.length} column(s) but ${target.name}'s primary key has ${targetKey.length} (${targetKey.map((k) => k.name).join(', ')}).`);
    return undefined;
  }
  const oneToOne = r.record.relation === 'oneToOne';
  const columns = targetKey.map((k, i): MutableColumn => ({
    kind: 'column',
    name: targetKey.length === 1 ? `${rel}Id` : `${rel}${capitalize(k.name)}`,
    column: names?.[i] ?? ctx.naming.joinColumnName(rel, k.column),
    type: k.type,
    nullable: o.primary ? false : (o.nullable ?? false),
    primary: o.primary ?? false,
    autoIncrement: false,
    unique: oneToOne && targetKey.length === 1 && !o.primary,
    index: !oneToOne && targetKey.length === 1 && !o.primary ? (o.index ?? true) : false,
    version: false,
    createdAt: false,
    updatedAt: false,
    foreignKeyOf: rel,
    instance: false,
  }));
  for (const c of columns) {
    const clash = d.records.get(c.name);
    if (clash) {
      ctx.problems.add(
        `${d.name}.${c.name}: the property clashes with the foreign key of ${where} (table(${d.name}).${c.name} is that column, and its value is ${d.name.charAt(0).toLowerCase()}${d.name.slice(1)}.${rel}.id). Remove ${clash.decorator} from ${c.name}.`,
      );
      return undefined;
    }
  }
  d.joinColumns.set(rel, columns);
  return columns;
}
