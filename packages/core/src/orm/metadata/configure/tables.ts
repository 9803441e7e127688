import { referentialAction } from '../../../sql/schema/column-builder';
import type { ColumnConfig } from '../../../sql/schema/column-builder';
import { foreignKey, index, namedUnique, unique } from '../../../sql/schema/constraints';
import type { TableConstraint } from '../../../sql/schema/constraints';
import { TableBase } from '../../../sql/schema/table';
import type { AnyTable } from '../../../sql/schema/table';
import type { IndexRecord } from '../decorator-records';
import type { ColumnProperty } from '../entity-metadata';
import type { ConfigureContext, EntityDraft, MutableColumn } from './drafts';
import { tableKey } from './join-tables';
import { isOwningToOne, primaryKeyOf } from './keys';

/**
 * Phase 5: one Core table per table-owning entity (a single-table root holds its subclasses'
 * columns too, nullable in the database), keyed by property names (`authorId` for the
 * foreign key of `author`), with foreign keys, indexes and unique constraints.
 */

/** An entity's column properties in table order: declared columns, foreign keys where their relationship is declared. */
function entityColumns(d: EntityDraft): MutableColumn[] {
  const out: MutableColumn[] = [];
  for (const name of d.order) {
    const column = d.columns.get(name);
    if (column) out.push(column);
    const fk = d.joinColumns.get(name);
    if (fk) out.push(...fk);
  }
  if (d.discriminator && !out.includes(d.discriminator) && !d.columns.has(d.discriminator.name)) {
    let at = 0;
    out.forEach((c, i) => (c.primary ? (at = i + 1) : undefined));
    out.splice(at, 0, d.discriminator);
  }
  return out;
}

function describe(d: EntityDraft, c: ColumnProperty): string {
  return c.foreignKeyOf !== undefined ? `${d.name}.${c.name} (the foreign key of ${d.name}.${c.foreignKeyOf})` : `${d.name}.${c.name}`;
}

function sameType(a: ColumnProperty, b: ColumnProperty): boolean {
  return JSON.stringify(a.type) === JSON.stringify(b.type) && a.column === b.column;
}

/** Resolve an index's properties to column keys; a to-one relationship stands for its foreign key. */
function indexColumns(ctx: ConfigureContext, d: EntityDraft, record: IndexRecord): string[] | undefined {
  const keys: string[] = [];
  for (const property of record.properties) {
    const column = d.columns.get(property);
    const fk = d.joinColumns.get(property);
    if (column) keys.push(column.name);
    else if (fk) keys.push(...fk.map((c) => c.name));
    else {
      const relation = d.relations.get(property);
      ctx.problems.add(
        relation
          ? `${d.name}: ${record.declaredAt} names ${property}, a relationship without a foreign-key column here; index a column or a @ManyToOne.`
          : `${d.name}: ${record.declaredAt} names ${property}, which is not a mapped property of ${d.name}.`,
      );
      return undefined;
    }
  }
  if (keys.length === 0) ctx.problems.add(`${d.name}: ${record.declaredAt} lists no properties.`);
  return keys.length > 0 ? keys : undefined;
}

export function configureTables(ctx: ConfigureContext): void {
  for (const root of ctx.drafts.values()) {
    if (root.root !== root) continue;
    const family = [root, ...root.children];
    const p = ctx.problems;
    const tableName = root.options.table ?? ctx.naming.tableName(root.name);
    const schema = root.options.schema;
    const taken = ctx.tableNames.get(tableKey(schema, tableName));
    if (taken !== undefined) {
      p.add(
        `${root.name} and ${taken} both map table ${tableName}. Give ${root.name} a table of its own (@Entity('${tableName}_2') or @Entity({ table: … })), ` +
          `or, if ${root.name} is a kind of ${taken}, make it a single-table subclass (extend ${taken} and give @Entity({ discriminatorValue: … })).`,
      );
      continue;
    }
    ctx.tableNames.set(tableKey(schema, tableName), root.name);

    // The table's columns: the root's, then what each subclass adds.
    const byKey = new Map<string, { column: MutableColumn; owner: EntityDraft; subclassOnly: boolean }>();
    const byName = new Map<string, { column: MutableColumn; owner: EntityDraft }>();
    for (const d of family) {
      d.meta.tableName = tableName;
      d.meta.schema = schema;
      d.meta.columns = entityColumns(d);
      for (const c of d.meta.columns as MutableColumn[]) {
        const seen = byKey.get(c.name);
        if (seen) {
          if (!sameType(seen.column, c)) p.add(`${describe(d, c)} and ${describe(seen.owner, seen.column)} share table ${tableName} but map it differently (column or type); make them agree or rename one.`);
          continue;
        }
        const clash = byName.get(c.column);
        if (clash) {
          p.add(`${describe(clash.owner, clash.column)} and ${describe(d, c)} both map column ${c.column} in table ${tableName}. Rename one: @Column({ name: '…' }) (or joinColumn for a foreign key).`);
          continue;
        }
        byKey.set(c.name, { column: c, owner: d, subclassOnly: d !== root });
        byName.set(c.column, { column: c, owner: d });
      }
      const key = primaryKeyOf(ctx, d.meta);
      if (key) d.meta.primaryKey = key;
      if (d !== root && key && root.primaryKey && key.map((k) => k.name).join() !== root.primaryKey.map((k) => k.name).join()) {
        p.add(`${d.name}: a single-table subclass shares ${root.name}'s primary key (${root.primaryKey.map((k) => k.name).join(', ')}); remove its own @PrimaryKey.`);
      }
      const versions = d.meta.columns.filter((c) => c.version);
      if (versions.length > 1) p.add(`${d.name} has ${versions.length} @Version columns (${versions.map((c) => c.name).join(', ')}); keep one.`);
      d.meta.version = versions[0];
    }

    // Property-level indexes become column flags; composite ones table constraints.
    const composite: { record: IndexRecord; keys: string[] }[] = [];
    const seenRecords = new Set<IndexRecord>();
    for (const d of family) {
      for (const record of d.indexes) {
        const keys = indexColumns(ctx, d, record);
        if (!keys) continue;
        if (keys.length === 1) {
          const column = d.meta.columns.find((c) => c.name === keys[0]) as MutableColumn;
          if (record.unique) {
            column.unique = record.name ?? true;
            // A unique constraint indexes the column already: drop a foreign key's default index.
            if (column.foreignKeyOf !== undefined && d.relations.get(column.foreignKeyOf)?.record.options.index === undefined) column.index = false;
          } else column.index = record.name ?? true;
        } else if (!seenRecords.has(record)) composite.push({ record, keys });
        seenRecords.add(record);
      }
    }

    const definitions: Record<string, ColumnConfig> = {};
    const fkConstraints: ((t: AnyTable) => TableConstraint)[] = [];
    for (const [key, { column: c, subclassOnly }] of byKey) {
      let references: ColumnConfig['references'];
      if (c.foreignKeyOf !== undefined) {
        const owner = family.find((d) => d.joinColumns.get(c.foreignKeyOf!)?.includes(c))!;
        const relation = owner.relations.get(c.foreignKeyOf)!;
        const target = relation.prop.target!;
        const targetKey = primaryKeyOf(ctx, target) ?? [];
        const columns = owner.joinColumns.get(c.foreignKeyOf)!;
        const onDelete = relation.record.options.onDelete;
        if (columns.length === 1) {
          references = { target: () => target.table.$column(targetKey[0]!.name), onDelete: referentialAction(onDelete, `${owner.name}.${relation.prop.name}`) };
        } else if (columns[0] === c) {
          fkConstraints.push((t) => foreignKey(columns.map((x) => t.$column(x.name)), () => targetKey.map((k) => target.table.$column(k.name)), { onDelete }));
          if (relation.record.relation === 'oneToOne' && !relation.record.options.primary) fkConstraints.push((t) => unique(...columns.map((x) => t.$column(x.name))));
          else if (isOwningToOne(relation) && relation.record.options.index !== false && !relation.record.options.primary) {
            const name = typeof relation.record.options.index === 'string' ? relation.record.options.index : undefined;
            fkConstraints.push((t) => index(name, ...columns.map((x) => t.$column(x.name))));
          }
        }
      }
      definitions[key] = Object.freeze({
        type: c.type,
        dbName: c.column,
        notNull: !c.nullable && !subclassOnly,
        primaryKey: c.primary,
        autoIncrement: c.autoIncrement,
        default: c.default,
        serverDefault: c.serverDefault,
        unique: c.unique === false ? undefined : c.unique,
        index: c.index === false ? undefined : c.index,
        references,
      });
    }
    const constraints = (t: AnyTable): TableConstraint[] => [
      ...fkConstraints.map((make) => make(t)),
      ...composite.map(({ record, keys }) => {
        const columns = keys.map((k) => t.$column(k));
        if (!record.unique) return index(record.name, ...columns);
        return record.name !== undefined ? namedUnique(record.name, ...columns) : unique(...columns);
      }),
    ];
    if (p.size > 0) continue;
    const table: AnyTable = new TableBase(tableName, schema, undefined, Object.freeze(definitions), constraints);
    for (const d of family) d.meta.table = table;
  }
}
