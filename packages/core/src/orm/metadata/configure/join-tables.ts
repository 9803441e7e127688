import type { ColumnConfig } from '../../../sql/schema/column-builder';
import { foreignKey, index } from '../../../sql/schema/constraints';
import { TableBase } from '../../../sql/schema/table';
import type { AnyTable } from '../../../sql/schema/table';
import type { ViaOptions } from '../decorator-options';
import type { EntityMetadata, JoinTableMetadata, RelationProperty } from '../entity-metadata';
import { draftOf, lookup } from './drafts';
import type { ConfigureContext, EntityDraft, RelationDraft } from './drafts';
import { primaryKeyOf } from './keys';

/**
 * Phase 6: many-to-many association tables, generated as Core tables (composite primary key,
 * a cascading foreign key to each side, an index on the target side) or taken from an
 * explicit association entity (`via`); inverse sides see the same table, columns swapped.
 */

function listOf(option: string | readonly string[] | undefined): readonly string[] | undefined {
  return option === undefined ? undefined : typeof option === 'string' ? [option] : option;
}

function isSameOrSubclass(cls: Function, base: Function): boolean {
  return cls === base || cls.prototype instanceof base;
}

function generated(ctx: ConfigureContext, d: EntityDraft, r: RelationDraft, target: EntityMetadata): JoinTableMetadata | undefined {
  const p = ctx.problems;
  const where = `${d.name}.${r.prop.name}`;
  const ownerKey = primaryKeyOf(ctx, d.meta);
  const targetKey = primaryKeyOf(ctx, target);
  if (!ownerKey || !targetKey) return undefined;
  const raw = r.record.options.joinTable;
  const jt = typeof raw === 'string' ? { name: raw } : (raw ?? {});
  const name = jt.name ?? ctx.naming.joinTableName(d.meta.tableName, r.prop.name);
  const ownerColumns = listOf(jt.ownerColumn) ?? ownerKey.map((k) => ctx.naming.joinTableColumnName(d.name, k.column));
  let targetColumns = listOf(jt.targetColumn) ?? targetKey.map((k) => ctx.naming.joinTableColumnName(target.name, k.column));
  if (jt.targetColumn === undefined && targetColumns.some((c) => ownerColumns.includes(c))) {
    targetColumns = targetKey.map((k) => ctx.naming.joinTableColumnName(target.name, k.column, r.prop.name));
  }
  if (ownerColumns.length !== ownerKey.length || targetColumns.length !== targetKey.length) {
    p.add(`${where}: joinTable lists ${ownerColumns.length} owner and ${targetColumns.length} target column(s), but the keys of ${d.name} and ${target.name} have ${ownerKey.length} and ${targetKey.length}.`);
    return undefined;
  }
  const all = [...ownerColumns, ...targetColumns];
  const dup = all.find((c, i) => all.indexOf(c) !== i);
  if (dup !== undefined) {
    p.add(`${where}: the join table ${name} would have two columns named ${dup}; name them: joinTable: { ownerColumn: '…', targetColumn: '…' }.`);
    return undefined;
  }
  const taken = ctx.tableNames.get(tableKey(d.meta.schema, name));
  if (taken !== undefined) {
    p.add(`${where}: its join table ${name} has the name of ${taken}'s table; name it: joinTable: '${name}_link'.`);
    return undefined;
  }
  ctx.tableNames.set(tableKey(d.meta.schema, name), `the join table of ${where}`);
  const definitions: Record<string, ColumnConfig> = {};
  ownerColumns.forEach((c, i) => (definitions[c] = keyColumn(ownerKey[i]!.type)));
  targetColumns.forEach((c, i) => (definitions[c] = keyColumn(targetKey[i]!.type)));
  const owner = d.meta;
  const table: AnyTable = new TableBase(name, owner.schema, undefined, Object.freeze(definitions), (t: AnyTable) => [
    foreignKey(ownerColumns.map((c) => t.$column(c)), () => ownerKey.map((k) => owner.table.$column(k.name)), { onDelete: 'cascade' }),
    foreignKey(targetColumns.map((c) => t.$column(c)), () => targetKey.map((k) => target.table.$column(k.name)), { onDelete: 'cascade' }),
    index(undefined, ...targetColumns.map((c) => t.$column(c))),
  ]);
  return Object.freeze({ table, ownerColumns: Object.freeze([...ownerColumns]), targetColumns: Object.freeze([...targetColumns]) });
}

function keyColumn(type: ColumnConfig['type']): ColumnConfig {
  return Object.freeze({ type, notNull: true, primaryKey: true, autoIncrement: false });
}

export function tableKey(schema: string | undefined, name: string): string {
  return schema === undefined ? name : `${schema}.${name}`;
}

function viaEntity(ctx: ConfigureContext, d: EntityDraft, r: RelationDraft, target: EntityMetadata, option: (() => unknown) | ViaOptions): JoinTableMetadata | undefined {
  const p = ctx.problems;
  const where = `${d.name}.${r.prop.name}`;
  const via: ViaOptions = typeof option === 'function' ? { entity: option as ViaOptions['entity'] } : option;
  let cls: unknown;
  try {
    cls = via.entity();
  } catch {
    cls = undefined;
  }
  const assoc = typeof cls === 'function' ? lookup(ctx, cls) : undefined;
  if (!assoc) {
    p.add(`${where}: via must return an association entity of this registry (decorated with @Entity, with a @ManyToOne to ${d.name} and one to ${target.name}); got ${typeof cls === 'function' ? cls.name : String(cls)}.`);
    return undefined;
  }
  const ad = draftOf(ctx, assoc);
  const relations: RelationProperty[] = ad ? [...ad.relations.values()].map((x) => x.prop) : [...assoc.relations];
  const toOne = relations.filter((x) => x.owner && (x.relation === 'manyToOne' || x.relation === 'oneToOne') && x.target);
  const pick = (side: string, named: string | undefined, cls: Function, exclude?: RelationProperty): RelationProperty | undefined => {
    if (named !== undefined) {
      const found = toOne.find((x) => x.name === named);
      if (!found) p.add(`${where}: via ${side} '${named}' is not a @ManyToOne of ${assoc.name} (its to-one relationships: ${toOne.map((x) => x.name).join(', ') || 'none'}).`);
      return found;
    }
    const candidates = toOne.filter((x) => x !== exclude && isSameOrSubclass(cls, x.target!.class));
    if (candidates.length === 1) return candidates[0];
    p.add(
      candidates.length === 0
        ? `${where}: the association entity ${assoc.name} has no @ManyToOne to ${cls.name}; add one.`
        : `${where}: the association entity ${assoc.name} has several @ManyToOne to ${cls.name} (${candidates.map((x) => x.name).join(', ')}); say which is which: via: { entity: () => ${assoc.name}, owner: '…', target: '…' }.`,
    );
    return undefined;
  };
  const ownerSide = pick('owner', via.owner, d.cls);
  const targetSide = pick('target', via.target, target.class, ownerSide);
  if (!ownerSide || !targetSide) return undefined;
  return Object.freeze({
    table: assoc.table,
    ownerColumns: Object.freeze(ownerSide.joinColumns.map((c) => c.name)),
    targetColumns: Object.freeze(targetSide.joinColumns.map((c) => c.name)),
    entity: assoc,
  });
}

/** The draft that declares `r` (an ancestor's, when a single-table subclass inherits it). */
function declaring(ctx: ConfigureContext, d: EntityDraft, r: RelationDraft): RelationDraft {
  let found = r;
  for (let a = d.parent ? draftOf(ctx, d.parent) : undefined; a; a = a.parent ? draftOf(ctx, a.parent) : undefined) {
    const same = a.relations.get(r.prop.name);
    if (same?.record === r.record) found = same;
  }
  return found;
}

export function configureJoinTables(ctx: ConfigureContext): void {
  const done = new Set<RelationDraft>();
  const owning = (d: EntityDraft, r: RelationDraft): void => {
    const target = r.prop.target;
    if (done.has(r) || r.record.relation !== 'manyToMany' || !r.prop.owner || !target) return;
    done.add(r);
    const o = r.record.options;
    if (o.via !== undefined && o.joinTable !== undefined) {
      ctx.problems.add(`${d.name}.${r.prop.name}: give joinTable (a generated association table) or via (an association entity), not both.`);
      return;
    }
    r.prop.joinTable = o.via !== undefined ? viaEntity(ctx, d, r, target, o.via) : generated(ctx, d, r, target);
  };
  for (const d of ctx.drafts.values()) {
    for (const r of d.relations.values()) {
      const decl = declaring(ctx, d, r);
      if (decl !== r) {
        // A single-table subclass shares the declaring class's association table.
        const declDraft = [...ctx.drafts.values()].find((x) => [...x.relations.values()].includes(decl))!;
        owning(declDraft, decl);
        done.add(r);
        r.prop.joinTable = decl.prop.joinTable;
      } else owning(d, r);
    }
  }
  for (const d of ctx.drafts.values()) {
    for (const r of d.relations.values()) {
      if (r.record.relation !== 'manyToMany' || r.prop.owner) continue;
      const o = r.record.options;
      if (o.via !== undefined || o.joinTable !== undefined) {
        ctx.problems.add(`${d.name}.${r.prop.name}: the inverse side (mappedBy) uses the owning side's association table; move joinTable/via there.`);
      }
      const owning = r.prop.inverse?.joinTable;
      if (!owning) continue;
      r.prop.joinTable = Object.freeze({ ...owning, ownerColumns: owning.targetColumns, targetColumns: owning.ownerColumns });
    }
  }
}
