import { SqlCompiler } from '@athanor/core';
import type { CastNode, ColumnDefNode, CreateTableNode, DefaultValueNode, ExprNode, SqlType, TypeKind } from '@athanor/core';

const TYPE_NAMES: { readonly [K in TypeKind]: (type: SqlType) => string } = {
  integer: () => 'INTEGER',
  bigint: () => 'BIGINT',
  smallint: () => 'SMALLINT',
  real: () => 'REAL',
  double: () => 'DOUBLE',
  // NUMERIC affinity keeps arithmetic and ordering numeric; values are exact to 15 significant digits.
  numeric: (t) => `NUMERIC(${t.precision ?? 18}, ${t.scale ?? 0})`,
  boolean: () => 'BOOLEAN',
  varchar: (t) => `VARCHAR(${t.length ?? 255})`,
  text: () => 'TEXT',
  date: () => 'DATE',
  timestamp: () => 'TIMESTAMP',
  timestamptz: () => 'TIMESTAMPTZ',
  time: () => 'TIME',
  // TEXT affinity so a JSON document is never coerced to a number.
  json: () => 'TEXT',
  uuid: () => 'CHAR(36)',
  blob: () => 'BLOB',
  enum: () => 'TEXT',
};

const CAST_NAMES: Partial<Record<TypeKind, string>> = {
  date: 'TEXT',
  time: 'TEXT',
  timestamp: 'TEXT',
  timestamptz: 'TEXT',
  uuid: 'TEXT',
  enum: 'TEXT',
  varchar: 'TEXT',
  json: 'TEXT',
  boolean: 'INTEGER',
  numeric: 'NUMERIC',
};

/** SQLite: `?` placeholders, no DEFAULT inside VALUES, no row locks, INTEGER PRIMARY KEY rowids. */
export class SqliteCompiler extends SqlCompiler {
  protected readonly typeNames = TYPE_NAMES;

  /** CAST follows affinity rules: DATE would make '2024-01-31' the number 2024. */
  protected override castTypeName(type: SqlType): string {
    return CAST_NAMES[type.kind] ?? this.typeName(type);
  }

  /** CAST(… AS DATE) is numeric in SQLite; date() gives the calendar date as text. */
  protected override visitCast(n: CastNode): void {
    if (n.type.kind !== 'date') return super.visitCast(n);
    this.sql += 'date(';
    this.visit(n.expr);
    this.sql += ')';
  }

  protected placeholder(): string {
    return '?';
  }

  /** SQLite has no DEFAULT keyword in VALUES: write the column's server default, or NULL. */
  protected override visitDefault(n: DefaultValueNode): void {
    if (n.fallback) this.inlined(n.fallback);
    else this.sql += 'NULL';
  }

  /** The rowid alias: an `INTEGER PRIMARY KEY` column numbers itself. */
  protected autoIncrementClause(): string {
    return 'PRIMARY KEY';
  }

  protected override autoKeyDeclaresPrimaryKey(): boolean {
    return true;
  }

  protected override columnDefinition(n: CreateTableNode, c: ColumnDefNode): void {
    if (this.isSoleAutoKey(n, c)) {
      // Only the exact type name INTEGER makes the column an alias of the rowid.
      this.sql += `${this.q(c.name)} INTEGER PRIMARY KEY`;
      return;
    }
    super.columnDefinition(n, c);
  }

  /** SQLite accepts OFFSET only after a LIMIT; -1 means no limit. */
  protected override limitClause(limit: ExprNode | undefined, offset: ExprNode | undefined): void {
    if (offset && !limit) this.sql += ' LIMIT -1';
    super.limitClause(limit, offset);
  }

  protected override literal(value: unknown): string {
    if (typeof value === 'boolean') return value ? '1' : '0';
    return super.literal(value);
  }
}
