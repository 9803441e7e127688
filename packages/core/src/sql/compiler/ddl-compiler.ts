import type * as N from '../ast';
import type { SqlType, TypeKind } from '../types/sql-type';
import { QueryCompiler } from './query-compiler';

type NodeOf<K extends N.RootNode['kind']> = Extract<N.RootNode, { kind: K }>;

/** CREATE/DROP TABLE, indexes and schemas, with each dialect's type names. */
export abstract class DdlCompiler extends QueryCompiler {
  /** The column type name for each kind on this dialect. */
  protected abstract readonly typeNames: { readonly [K in TypeKind]: (type: SqlType) => string };

  typeName(type: SqlType): string {
    return this.typeNames[type.kind](type);
  }

  protected castTypeName(type: SqlType): string {
    return this.typeName(type);
  }

  /** Render an expression with its values as literals: DDL takes no bound parameters. */
  protected inlined(expr: N.ExprNode): void {
    const before = this.inlineParams;
    this.inlineParams = true;
    try {
      this.visit(expr);
    } finally {
      this.inlineParams = before;
    }
  }

  /** True when the column is the table's single auto-incrementing key. */
  protected isSoleAutoKey(n: NodeOf<'createTable'>, c: N.ColumnDefNode): boolean {
    return c.autoIncrement && n.primaryKey.length === 1 && n.primaryKey[0] === c.name;
  }

  protected columnDefinition(n: NodeOf<'createTable'>, c: N.ColumnDefNode): void {
    this.sql += `${this.q(c.name)} ${this.typeName(c.type)}`;
    if (this.isSoleAutoKey(n, c)) {
      this.sql += ` ${this.autoIncrementClause(c)}`;
      return;
    }
    if (!c.nullable) this.sql += ' NOT NULL';
    if (c.serverDefault) {
      this.sql += ' DEFAULT ';
      this.defaultValue(c.serverDefault);
    }
    this.enumCheck(c);
  }

  protected defaultValue(expr: N.ExprNode): void {
    if (expr.kind === 'raw' || expr.kind === 'param') this.inlined(expr);
    else {
      this.sql += '(';
      this.inlined(expr);
      this.sql += ')';
    }
  }

  /** The clause that makes a key column generate its own values. */
  protected abstract autoIncrementClause(c: N.ColumnDefNode): string;

  /** Whether the auto key's clause already declares PRIMARY KEY (SQLite's rowid alias does). */
  protected autoKeyDeclaresPrimaryKey(): boolean {
    return false;
  }

  /** Enums without a native type are checked against their values. */
  protected enumCheck(c: N.ColumnDefNode): void {
    if (c.type.kind !== 'enum' || !c.type.enumValues) return;
    this.sql += ` CHECK (${this.q(c.name)} IN (${c.type.enumValues.map((v) => this.literalString(v)).join(', ')}))`;
  }

  protected constraintName(name: string | undefined): void {
    if (name) this.sql += `CONSTRAINT ${this.q(name)} `;
  }

  protected visitCreateTable(n: NodeOf<'createTable'>): void {
    this.sql += `CREATE TABLE ${n.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.tableName(n.table)} (`;
    this.list(n.columns, (c) => this.columnDefinition(n, c));
    const auto = n.columns.find((c) => this.isSoleAutoKey(n, c));
    if (n.primaryKey.length > 0 && !(auto && this.autoKeyDeclaresPrimaryKey())) {
      this.sql += `, PRIMARY KEY (${n.primaryKey.map((c) => this.q(c)).join(', ')})`;
    }
    for (const u of n.uniques) {
      this.sql += ', ';
      this.constraintName(u.name);
      this.sql += `UNIQUE (${u.columns.map((c) => this.q(c)).join(', ')})`;
    }
    for (const ch of n.checks) {
      this.sql += ', ';
      this.constraintName(ch.name);
      this.sql += 'CHECK (';
      this.inlined(ch.expr);
      this.sql += ')';
    }
    for (const fk of n.foreignKeys) {
      this.sql += ', ';
      this.foreignKeyClause(fk);
    }
    this.sql += ')';
    this.tableOptions();
  }

  protected foreignKeyClause(fk: N.ForeignKeyDefNode): void {
    this.constraintName(fk.name);
    this.sql += `FOREIGN KEY (${fk.columns.map((c) => this.q(c)).join(', ')}) REFERENCES ${this.tableName(fk.refTable)} (${fk.refColumns.map((c) => this.q(c)).join(', ')})`;
    if (fk.onDelete) this.sql += ` ON DELETE ${fk.onDelete}`;
    if (fk.onUpdate) this.sql += ` ON UPDATE ${fk.onUpdate}`;
  }

  protected visitAddForeignKey(n: NodeOf<'addForeignKey'>): void {
    if (!this.adapter.supportsAlterForeignKeys) this.unsupported('ALTER TABLE … ADD FOREIGN KEY', 'Declare the key in CREATE TABLE.');
    this.sql += `ALTER TABLE ${this.tableName(n.table)} ADD `;
    this.foreignKeyClause(n.foreignKey);
  }

  protected visitDropForeignKey(n: NodeOf<'dropForeignKey'>): void {
    if (!this.adapter.supportsAlterForeignKeys) this.unsupported('ALTER TABLE … DROP FOREIGN KEY', 'Drop the table instead.');
    const ifExists = n.ifExists ? 'IF EXISTS ' : '';
    this.sql += `ALTER TABLE ${ifExists}${this.tableName(n.table)} DROP CONSTRAINT ${ifExists}${this.q(n.name)}`;
  }

  /** Text after the closing parenthesis of CREATE TABLE (MySQL's engine and charset). */
  protected tableOptions(): void {}

  protected visitDropTable(n: NodeOf<'dropTable'>): void {
    this.sql += `DROP TABLE ${n.ifExists ? 'IF EXISTS ' : ''}${this.tableName(n.table)}`;
  }

  protected visitCreateIndex(n: NodeOf<'createIndex'>): void {
    this.sql += `CREATE ${n.unique ? 'UNIQUE ' : ''}INDEX ${n.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.q(n.name)} ON ${this.tableName(n.table)} (${n.columns.map((c) => this.q(c)).join(', ')})`;
  }

  protected visitDropIndex(n: NodeOf<'dropIndex'>): void {
    const name = n.table.schema ? `${this.q(n.table.schema)}.${this.q(n.name)}` : this.q(n.name);
    this.sql += `DROP INDEX ${n.ifExists ? 'IF EXISTS ' : ''}${name}`;
  }

  protected visitCreateSchema(n: NodeOf<'createSchema'>): void {
    this.sql += `CREATE SCHEMA ${n.ifNotExists ? 'IF NOT EXISTS ' : ''}${this.q(n.name)}`;
  }
}

/** The complete ANSI compiler each dialect extends. */
export abstract class SqlCompiler extends DdlCompiler {}
