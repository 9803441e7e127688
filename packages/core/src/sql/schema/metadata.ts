import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { Compilable, SqlDialect } from '../dialect';
import { createTable, DdlStatement, dropTable, referencedTables } from './ddl';
import { isTable } from './table';
import type { AnyTable } from './table';

/** What createAll/dropAll need: an engine, a connection or a transaction. */
export interface DdlExecutor {
  readonly dialect: SqlDialect;
  execute(statement: Compilable<unknown>): Promise<unknown>;
}

/**
 * Order tables so every table comes after the tables its foreign keys reference
 * (Kahn's algorithm, stable in declaration order).
 */
export function sortByDependency(tables: readonly AnyTable[]): AnyTable[] {
  const inSet = new Set(tables);
  const remaining = new Map(tables.map((t) => [t, referencedTables(t).filter((r) => inSet.has(r))]));
  const out: AnyTable[] = [];
  while (remaining.size > 0) {
    const ready = [...remaining.keys()].filter((t) => remaining.get(t)!.every((dep) => !remaining.has(dep)));
    if (ready.length === 0) {
      const names = [...remaining.keys()].map((t) => t.$name).join(', ');
      throw new InvalidArgumentError(`The foreign keys of tables ${names} form a cycle; createAll cannot order them. Make one of the keys nullable and add it after creation.`);
    }
    for (const t of ready) {
      out.push(t);
      remaining.delete(t);
    }
  }
  return out;
}

/** A collection of tables, created and dropped together in foreign-key order. */
export class MetaData {
  private readonly list: AnyTable[] = [];

  constructor(tables: readonly AnyTable[] = []) {
    this.add(...tables);
  }

  add(...tables: AnyTable[]): this {
    for (const t of tables) {
      if (!isTable(t)) throw new InvalidArgumentError('MetaData.add() takes tables defined with table().');
      const clash = this.list.find((x) => x !== t && x.$name === t.$name && x.$schema === t.$schema);
      if (clash) throw new InvalidArgumentError(`MetaData already has a table named ${t.$name}.`);
      if (!this.list.includes(t)) this.list.push(t);
    }
    return this;
  }

  get tables(): readonly AnyTable[] {
    return this.list;
  }

  /** Tables in creation order: referenced tables first. */
  sorted(): AnyTable[] {
    return sortByDependency(this.list);
  }

  /** The statements createAll runs, in order. */
  createStatements(dialect: SqlDialect, options: { ifNotExists?: boolean } = {}): DdlStatement[] {
    const out: DdlStatement[] = [];
    if (dialect.adapter.supportsSchemas) {
      const schemas = new Set(this.list.map((t) => t.$schema).filter((s): s is string => !!s));
      for (const name of schemas) out.push(new DdlStatement(node({ kind: 'createSchema', name, ifNotExists: true })));
    }
    for (const t of this.sorted()) out.push(...createTable(t, options));
    return out;
  }

  dropStatements(options: { ifExists?: boolean } = {}): DdlStatement[] {
    return this.sorted().reverse().map((t) => dropTable(t, options));
  }

  async createAll(executor: DdlExecutor, options: { ifNotExists?: boolean } = {}): Promise<void> {
    for (const statement of this.createStatements(executor.dialect, options)) await executor.execute(statement);
  }

  async dropAll(executor: DdlExecutor, options: { ifExists?: boolean } = {}): Promise<void> {
    for (const statement of this.dropStatements(options)) await executor.execute(statement);
  }
}
