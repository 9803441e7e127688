import { InvalidArgumentError, MappingError } from '../../errors/errors';
import type { Queryable } from '../../engine/queryable';
import { MetaData } from '../../sql/schema/metadata';
import type { DdlExecutor } from '../../sql/schema/metadata';
import type { AnyTable } from '../../sql/schema/table';
import type { EntityClass, EntityMetadata } from './entity-metadata';
import { defaultRegistry, metadataOf, Registry } from './registry';

/**
 * CREATE and DROP the tables of entities, through Core's MetaData: foreign-key order,
 * indexes, and the generated many-to-many tables. On databases with transactional DDL the
 * statements run in one transaction.
 */

/** A registry (all its entities), or a list of entity classes. */
export type SchemaSource = Registry | readonly EntityClass[];

export interface CreateSchemaOptions {
  readonly ifNotExists?: boolean;
}

export interface DropSchemaOptions {
  readonly ifExists?: boolean;
}

type Executor = DdlExecutor & Partial<Pick<Queryable, 'executeMany'>>;

function entitiesOf(source: SchemaSource): readonly EntityMetadata[] {
  if (source instanceof Registry) return source.entities;
  if (!Array.isArray(source)) throw new InvalidArgumentError('createAll/dropAll take a Registry or an array of entity classes.');
  return source.map((cls) => metadataOf(cls));
}

/**
 * The Core MetaData of some entities or a registry: their tables, plus the generated join
 * tables whose two ends are among them. A listed entity whose foreign key references an
 * unlisted one is refused (the DDL would fail halfway).
 */
export function schemaOf(source: SchemaSource): MetaData {
  const entities = entitiesOf(source);
  const tables = new Set<AnyTable>(entities.map((m) => m.table));
  const missing = (m: EntityMetadata, relation: string, needed: EntityMetadata): MappingError =>
    new MappingError(
      `createAll/dropAll: ${m.name}.${relation} needs the table of ${needed.name}, which is not in the list. Add ${needed.name}, or pass the registry.`,
    );
  const joinTables: AnyTable[] = [];
  for (const m of entities) {
    for (const r of m.relations) {
      if (r.owner && r.joinColumns.length > 0 && !tables.has(r.target.table)) throw missing(m, r.name, r.target);
      // A generated association table comes along when both of its ends are listed.
      if (r.owner && r.joinTable && !r.joinTable.entity && tables.has(r.target.table)) joinTables.push(r.joinTable.table);
    }
  }
  return new MetaData([...tables, ...new Set(joinTables)]);
}

async function run(executor: Executor, statements: readonly Parameters<DdlExecutor['execute']>[0][]): Promise<void> {
  if (statements.length === 0) return;
  if (executor.dialect.adapter.transactionalDdl && typeof executor.executeMany === 'function') {
    await executor.executeMany(statements);
    return;
  }
  for (const statement of statements) await executor.execute(statement);
}

/** CREATE TABLE (and indexes) for the entities, referenced tables first. */
export async function createSchema(executor: Executor, source: SchemaSource = defaultRegistry, options: CreateSchemaOptions = {}): Promise<void> {
  await run(executor, schemaOf(source).createStatements(executor.dialect, options));
}

/** DROP TABLE for the entities, referencing tables first. */
export async function dropSchema(executor: Executor, source: SchemaSource = defaultRegistry, options: DropSchemaOptions = {}): Promise<void> {
  await run(executor, schemaOf(source).dropStatements(executor.dialect, options));
}
