import { InvalidArgumentError, SqlCompiler } from '@athanor/core';
import type { BinaryNode, DeleteNode, DropForeignKeyNode, DropIndexNode, ExcludedNode, InsertNode, QueryNode, UpdateNode, ExprNode, LockNode, OnConflictNode, SqlType, TypeKind } from '@athanor/core';

const TYPE_NAMES: { readonly [K in TypeKind]: (type: SqlType) => string } = {
  integer: () => 'INT',
  bigint: () => 'BIGINT',
  smallint: () => 'SMALLINT',
  real: () => 'FLOAT',
  double: () => 'DOUBLE',
  numeric: (t) => `DECIMAL(${t.precision ?? 18}, ${t.scale ?? 0})`,
  boolean: () => 'BOOLEAN',
  varchar: (t) => `VARCHAR(${t.length ?? 255})`,
  // TEXT holds 64 KB; LONGTEXT holds what the other dialects' text holds.
  text: () => 'LONGTEXT',
  date: () => 'DATE',
  timestamp: () => 'DATETIME(3)',
  // Stored in UTC: the connection's time zone is set to +00:00.
  timestamptz: () => 'DATETIME(3)',
  time: () => 'TIME(3)',
  json: () => 'JSON',
  uuid: () => 'CHAR(36)',
  blob: () => 'LONGBLOB',
  enum: (t) => `ENUM(${(t.enumValues ?? []).map((v) => `'${v.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`).join(', ')})`,
};

const CAST_NAMES: Partial<Record<TypeKind, (type: SqlType) => string>> = {
  integer: () => 'SIGNED',
  bigint: () => 'SIGNED',
  smallint: () => 'SIGNED',
  boolean: () => 'SIGNED',
  real: () => 'DOUBLE',
  varchar: () => 'CHAR',
  text: () => 'CHAR',
  uuid: () => 'CHAR',
  enum: () => 'CHAR',
  json: () => 'CHAR',
  blob: () => 'BINARY',
};

const MAX_ROWS = '18446744073709551615';

/** MySQL/MariaDB: backtick quoting, `?` placeholders, ON DUPLICATE KEY UPDATE, CONCAT(). */
export class MysqlCompiler extends SqlCompiler {
  protected readonly typeNames = TYPE_NAMES;

  protected placeholder(): string {
    return '?';
  }

  override quoteIdentifier(name: string): string {
    if (name.includes('\0')) throw new InvalidArgumentError('An identifier cannot contain a NUL character.');
    return `\`${name.replace(/`/g, '``')}\``;
  }

  /** MySQL also treats backslash as an escape inside string literals. */
  protected override literalString(s: string): string {
    if (s.includes('\0')) throw new InvalidArgumentError('A string literal in DDL cannot contain a NUL character.');
    return `'${s.replace(/\\/g, '\\\\').replace(/'/g, "''")}'`;
  }

  protected override castTypeName(type: SqlType): string {
    return CAST_NAMES[type.kind]?.(type) ?? this.typeName(type);
  }

  protected override concat(n: BinaryNode): void {
    // `||` is logical OR in MySQL's default mode.
    this.sql += 'CONCAT(';
    this.visit(n.left);
    this.sql += ', ';
    this.visit(n.right);
    this.sql += ')';
  }

  protected override visitExcluded(n: ExcludedNode): void {
    this.sql += `VALUES(${this.q(n.column)})`;
  }

  protected override onConflictClause(c: OnConflictNode): void {
    if (c.where) this.unsupported('A conditional upsert (doUpdate with where)', 'Put the condition in the update values with caseWhen().');
    this.sql += ' ON DUPLICATE KEY UPDATE ';
    if (!c.set) {
      // A no-op assignment: unlike INSERT IGNORE, it ignores only duplicate-key conflicts.
      const column = c.target[0];
      if (!column) throw new InvalidArgumentError('onConflict().doNothing() on MySQL needs a target column: onConflict(t.id).');
      this.sql += `${this.q(column)} = ${this.q(column)}`;
      return;
    }
    this.setList(c.set);
  }

  /**
   * MariaDB has no WITH before INSERT, UPDATE or DELETE. An INSERT … SELECT takes the CTEs on
   * its SELECT instead; UPDATE and DELETE are refused.
   */
  protected override visitInsert(n: InsertNode): void {
    if (!n.with) return super.visitInsert(n);
    if (Array.isArray(n.values)) this.unsupported('INSERT … VALUES with a CTE', 'Insert from a select that reads the CTE: insert(t).fromSelect(…).with(cte).');
    const query = n.values as QueryNode;
    const ctes = [...n.with.ctes, ...(query.with?.ctes ?? [])];
    const recursive = n.with.recursive || (query.with?.recursive ?? false);
    super.visitInsert({ ...n, with: undefined, values: { ...query, with: { recursive, ctes } } });
  }

  protected override visitUpdate(n: UpdateNode): void {
    if (n.with) this.unsupported('UPDATE with a CTE', 'Use the CTE inside a subquery of the WHERE clause instead.');
    super.visitUpdate(n);
  }

  protected override visitDelete(n: DeleteNode): void {
    if (n.with) this.unsupported('DELETE with a CTE', 'Use the CTE inside a subquery of the WHERE clause instead.');
    super.visitDelete(n);
  }

  protected override emptyInsertValues(rowCount: number): void {
    this.sql += ` () VALUES ${Array.from({ length: rowCount }, () => '()').join(', ')}`;
  }

  /**
   * LIMIT/OFFSET are written as integers: the binary protocol sends JavaScript numbers as
   * DOUBLE, which MySQL rejects there. The builders only accept non-negative safe integers.
   */
  protected override limitClause(limit: ExprNode | undefined, offset: ExprNode | undefined): void {
    const count = (n: ExprNode): string => {
      const v = n.kind === 'param' ? n.value : undefined;
      if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw new InvalidArgumentError('LIMIT and OFFSET must be non-negative integers.');
      return String(v);
    };
    if (limit) this.sql += ` LIMIT ${count(limit)}`;
    if (offset) this.sql += `${limit ? '' : ` LIMIT ${MAX_ROWS}`} OFFSET ${count(offset)}`;
  }

  protected override lockClause(lock: LockNode): void {
    this.sql += lock.mode === 'UPDATE' ? ' FOR UPDATE' : ' LOCK IN SHARE MODE';
    if (lock.noWait) this.sql += ' NOWAIT';
    if (lock.skipLocked) this.sql += ' SKIP LOCKED';
  }

  protected autoIncrementClause(): string {
    return 'NOT NULL AUTO_INCREMENT';
  }

  protected override enumCheck(): void {}

  protected override tableOptions(): void {
    // utf8mb4 stores every Unicode character. A binary NO PAD collation compares like PostgreSQL:
    // case-sensitive, and 'a ' is not equal to 'a'.
    // The 'mysql' flavor must run on both servers, so it takes utf8mb4_bin (PAD SPACE on both).
    const collation = this.adapter.name === 'mariadb' ? 'utf8mb4_nopad_bin' : 'utf8mb4_bin';
    this.sql += ` ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=${collation}`;
  }

  protected override visitDropForeignKey(n: DropForeignKeyNode): void {
    // IF EXISTS here is MariaDB's (10.5+).
    const ifExists = n.ifExists ? 'IF EXISTS ' : '';
    this.sql += `ALTER TABLE ${ifExists}${this.tableName(n.table)} DROP FOREIGN KEY ${ifExists}${this.q(n.name)}`;
  }

  protected override visitDropIndex(n: DropIndexNode): void {
    this.sql += `DROP INDEX ${n.ifExists ? 'IF EXISTS ' : ''}${this.q(n.name)} ON ${this.tableName(n.table)}`;
  }
}
