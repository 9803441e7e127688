import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { Compilable, SqlDialect } from '../dialect';
import { addForeignKey, createTable, DdlStatement, dropForeignKey, dropTable, foreignKeyNodes } from './ddl';
import type { ForeignKeyDefNode, TableRefNode } from '../ast';
import { isTable } from './table';
import type { AnyTable } from './table';

/** What createAll/dropAll need: an engine, a connection or a transaction. */
export interface DdlExecutor {
  readonly dialect: SqlDialect;
  execute(statement: Compilable<unknown>): Promise<unknown>;
}

/** A creation order, and the foreign keys that must wait until every table exists (cycles). */
export interface CreationPlan {
  readonly order: readonly AnyTable[];
  readonly deferred: ReadonlyMap<AnyTable, readonly ForeignKeyDefNode[]>;
}

function sameTable(ref: TableRefNode, t: AnyTable): boolean {
  return ref.name === t.$name && ref.schema === t.$schema;
}

function nullableKey(t: AnyTable, fk: ForeignKeyDefNode): boolean {
  return fk.columns.every((name) => t.$columns.find((c) => c.name === name)?.config.notNull === false);
}

/**
 * Order tables so every table comes after the tables its foreign keys reference (Kahn's
 * algorithm, stable in declaration order). Where the keys form a cycle, one key of the cycle
 * is deferred (a nullable one when there is one) and the ordering goes on.
 */
export function creationPlan(tables: readonly AnyTable[]): CreationPlan {
  const inSet = (ref: TableRefNode): AnyTable | undefined => tables.find((t) => sameTable(ref, t));
  const pending = new Map(
    tables.map((t) => [t, foreignKeyNodes(t).filter((fk) => { const target = inSet(fk.refTable); return target !== undefined && target !== t; })]),
  );
  const deferred = new Map<AnyTable, ForeignKeyDefNode[]>();
  const order: AnyTable[] = [];
  while (pending.size > 0) {
    const ready = [...pending.keys()].filter((t) => pending.get(t)!.every((fk) => !pending.has(inSet(fk.refTable)!)));
    if (ready.length === 0) {
      const candidates = [...pending].flatMap(([t, fks]) => fks.filter((fk) => pending.has(inSet(fk.refTable)!)).map((fk) => ({ t, fk })));
      const pick = candidates.find((c) => nullableKey(c.t, c.fk)) ?? candidates[0]!;
      pending.set(pick.t, pending.get(pick.t)!.filter((fk) => fk !== pick.fk));
      deferred.set(pick.t, [...(deferred.get(pick.t) ?? []), pick.fk]);
      continue;
    }
    for (const t of ready) {
      order.push(t);
      pending.delete(t);
    }
  }
  return { order, deferred };
}

/** Tables in creation order: referenced tables first (cycles broken as `creationPlan` does). */
export function sortByDependency(tables: readonly AnyTable[]): AnyTable[] {
  return [...creationPlan(tables).order];
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

  /**
   * The statements createAll runs, in order. Foreign keys in a cycle are added by ALTER TABLE
   * once both tables exist; a database without that (SQLite) accepts them inline, since it
   * checks keys when rows are written, not when tables are created.
   */
  createStatements(dialect: SqlDialect, options: { ifNotExists?: boolean } = {}): DdlStatement[] {
    const out: DdlStatement[] = [];
    if (dialect.adapter.supportsSchemas) {
      const schemas = new Set(this.list.map((t) => t.$schema).filter((s): s is string => !!s));
      for (const name of schemas) out.push(new DdlStatement(node({ kind: 'createSchema', name, ifNotExists: true })));
    }
    const plan = creationPlan(this.list);
    const alter = dialect.adapter.supportsAlterForeignKeys;
    for (const t of plan.order) {
      const without = alter ? new Set((plan.deferred.get(t) ?? []).map((fk) => fk.name!)) : undefined;
      out.push(...createTable(t, { ...options, without }));
    }
    if (alter) for (const [t, fks] of plan.deferred) for (const fk of fks) out.push(addForeignKey(t, fk));
    return out;
  }

  /** The statements dropAll runs: keys in a cycle first, then tables, dependents first. */
  dropStatements(dialect: SqlDialect, options: { ifExists?: boolean } = {}): DdlStatement[] {
    const plan = creationPlan(this.list);
    const out: DdlStatement[] = [];
    if (dialect.adapter.supportsAlterForeignKeys) {
      for (const [t, fks] of plan.deferred) for (const fk of fks) out.push(dropForeignKey(t, fk.name!, options.ifExists));
    }
    for (const t of [...plan.order].reverse()) out.push(dropTable(t, options));
    return out;
  }

  async createAll(executor: DdlExecutor, options: { ifNotExists?: boolean } = {}): Promise<void> {
    for (const statement of this.createStatements(executor.dialect, options)) await executor.execute(statement);
  }

  async dropAll(executor: DdlExecutor, options: { ifExists?: boolean } = {}): Promise<void> {
    for (const statement of this.dropStatements(executor.dialect, options)) await executor.execute(statement);
  }
}
