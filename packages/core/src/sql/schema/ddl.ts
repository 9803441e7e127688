import { createHash } from 'node:crypto';
import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { CheckDefNode, CreateIndexNode, CreateTableNode, DdlNode, ForeignKeyDefNode, TableRefNode, UniqueDefNode } from '../ast';
import type { Compilable, CompiledQuery, SqlDialect } from '../dialect';
import type { AnyColumn } from './column';
import type { AnyTable } from './table';

/** A DDL statement ready to execute. */
export class DdlStatement implements Compilable<never> {
  declare readonly __row?: never;
  constructor(readonly node: DdlNode) {}
  compile(dialect: SqlDialect): CompiledQuery {
    return dialect.compile(this.node);
  }
  toSQL(dialect: SqlDialect): CompiledQuery {
    return this.compile(dialect);
  }
}

const MAX_NAME = 60;
const NONE: ReadonlySet<string> = new Set();

/** A deterministic constraint name that fits every dialect's identifier limit (PostgreSQL: 63). */
export function constraintName(prefix: string, table: string, columns: readonly string[]): string {
  const full = `${prefix}_${table}_${columns.join('_')}`;
  if (full.length <= MAX_NAME) return full;
  const hash = createHash('sha1').update(full).digest('hex').slice(0, 8);
  return `${full.slice(0, MAX_NAME - 9)}_${hash}`;
}

function plainRef(t: AnyTable): TableRefNode {
  return node({ kind: 'tableRef', name: t.$name, schema: t.$schema });
}

/** The table's foreign keys as DDL nodes, named. */
export function foreignKeyNodes(t: AnyTable): ForeignKeyDefNode[] {
  const out: ForeignKeyDefNode[] = [];
  for (const c of t.$columns) {
    const ref = c.config.references;
    if (!ref) continue;
    const target = ref.target() as AnyColumn;
    out.push(node({
      name: ref.name ?? constraintName('fk', t.$name, [c.name]),
      columns: [c.name],
      refTable: plainRef(target.table as AnyTable),
      refColumns: [target.name],
      onDelete: ref.onDelete,
      onUpdate: ref.onUpdate,
    }));
  }
  for (const k of t.$constraints) {
    if (k.kind !== 'foreignKey') continue;
    const targets = k.references();
    if (targets.length !== k.columns.length) {
      throw new InvalidArgumentError(`table ${t.$name}: foreignKey() has ${k.columns.length} columns but references ${targets.length}.`);
    }
    out.push(node({
      name: k.name ?? constraintName('fk', t.$name, k.columns.map((c) => c.name)),
      columns: k.columns.map((c) => c.name),
      refTable: plainRef(targets[0]!.table as AnyTable),
      refColumns: targets.map((c) => c.name),
      onDelete: k.onDelete,
      onUpdate: k.onUpdate,
    }));
  }
  return out;
}

/** CREATE TABLE for `t`; foreign keys named in `without` are left for an ALTER TABLE later. */
export function createTableNode(t: AnyTable, ifNotExists = false, without: ReadonlySet<string> = NONE): CreateTableNode {
  const uniques: UniqueDefNode[] = [];
  const checks: CheckDefNode[] = [];
  for (const c of t.$columns) {
    if (c.config.unique) uniques.push(node({ name: c.config.unique === true ? constraintName('uq', t.$name, [c.name]) : c.config.unique, columns: [c.name] }));
    if (c.config.check) checks.push(node({ name: c.config.check.name ?? constraintName('ck', t.$name, [c.name]), expr: c.config.check.build(c).node }));
  }
  for (const k of t.$constraints) {
    if (k.kind === 'unique') uniques.push(node({ name: k.name ?? constraintName('uq', t.$name, k.columns.map((c) => c.name)), columns: k.columns.map((c) => c.name) }));
    if (k.kind === 'check') checks.push(node({ name: k.name, expr: k.expr.node }));
  }
  const pk = t.$primaryKey;
  const compositePk = t.$constraints.some((k) => k.kind === 'primaryKey');
  return node({
    kind: 'createTable',
    table: plainRef(t),
    columns: t.$columns.map((c) =>
      node({
        name: c.name,
        type: c.config.type,
        nullable: !c.config.notNull && !pk.includes(c),
        autoIncrement: c.config.autoIncrement && !compositePk,
        serverDefault: c.config.serverDefault,
      }),
    ),
    primaryKey: pk.map((c) => c.name),
    uniques,
    checks,
    foreignKeys: foreignKeyNodes(t).filter((fk) => !without.has(fk.name!)),
    ifNotExists,
  });
}

export function createIndexNodes(t: AnyTable, ifNotExists = false): CreateIndexNode[] {
  const out: CreateIndexNode[] = [];
  for (const c of t.$columns) {
    if (!c.config.index) continue;
    const name = c.config.index === true ? constraintName('ix', t.$name, [c.name]) : c.config.index;
    out.push(node({ kind: 'createIndex', name, table: plainRef(t), columns: [c.name], unique: false, ifNotExists }));
  }
  for (const k of t.$constraints) {
    if (k.kind !== 'index') continue;
    const columns = k.columns.map((c) => c.name);
    const name = k.name ?? constraintName(k.unique ? 'uq' : 'ix', t.$name, columns);
    out.push(node({ kind: 'createIndex', name, table: plainRef(t), columns, unique: k.unique, ifNotExists }));
  }
  return out;
}

export function createTable(t: AnyTable, options: { ifNotExists?: boolean; without?: ReadonlySet<string> } = {}): DdlStatement[] {
  return [
    new DdlStatement(createTableNode(t, options.ifNotExists, options.without)),
    ...createIndexNodes(t, options.ifNotExists).map((n) => new DdlStatement(n)),
  ];
}

export function addForeignKey(t: AnyTable, foreignKey: ForeignKeyDefNode): DdlStatement {
  return new DdlStatement(node({ kind: 'addForeignKey', table: plainRef(t), foreignKey }));
}

export function dropForeignKey(t: AnyTable, name: string, ifExists = false): DdlStatement {
  return new DdlStatement(node({ kind: 'dropForeignKey', table: plainRef(t), name, ifExists }));
}

export function dropTable(t: AnyTable, options: { ifExists?: boolean } = {}): DdlStatement {
  return new DdlStatement(node({ kind: 'dropTable', table: plainRef(t), ifExists: options.ifExists ?? false }));
}
