import type { SqlType } from '../types/sql-type';
import type { ExprNode } from './expression-nodes';
import type { TableRefNode } from './statement-nodes';

/** Schema DDL AST: CREATE/DROP TABLE, indexes, schemas. Defaults and checks are inlined as literals. */

export type ReferentialAction = 'CASCADE' | 'SET NULL' | 'SET DEFAULT' | 'RESTRICT' | 'NO ACTION';

export interface ColumnDefNode {
  readonly name: string;
  readonly type: SqlType;
  readonly nullable: boolean;
  readonly autoIncrement: boolean;
  /** An SQL expression the database evaluates for rows that omit the column. */
  readonly serverDefault?: ExprNode;
}

export interface ForeignKeyDefNode {
  readonly name?: string;
  readonly columns: readonly string[];
  readonly refTable: TableRefNode;
  readonly refColumns: readonly string[];
  readonly onDelete?: ReferentialAction;
  readonly onUpdate?: ReferentialAction;
}

export interface UniqueDefNode {
  readonly name?: string;
  readonly columns: readonly string[];
}

export interface CheckDefNode {
  readonly name?: string;
  readonly expr: ExprNode;
}

export interface CreateTableNode {
  readonly kind: 'createTable';
  readonly table: TableRefNode;
  readonly columns: readonly ColumnDefNode[];
  readonly primaryKey: readonly string[];
  readonly uniques: readonly UniqueDefNode[];
  readonly checks: readonly CheckDefNode[];
  readonly foreignKeys: readonly ForeignKeyDefNode[];
  readonly ifNotExists: boolean;
}

export interface DropTableNode {
  readonly kind: 'dropTable';
  readonly table: TableRefNode;
  readonly ifExists: boolean;
}

export interface CreateIndexNode {
  readonly kind: 'createIndex';
  readonly name: string;
  readonly table: TableRefNode;
  readonly columns: readonly string[];
  readonly unique: boolean;
  readonly ifNotExists: boolean;
}

export interface DropIndexNode {
  readonly kind: 'dropIndex';
  readonly name: string;
  readonly table: TableRefNode;
  readonly ifExists: boolean;
}

export interface CreateSchemaNode {
  readonly kind: 'createSchema';
  readonly name: string;
  readonly ifNotExists: boolean;
}

/** ALTER TABLE … ADD CONSTRAINT … FOREIGN KEY: a key added after both tables exist (cycles). */
export interface AddForeignKeyNode {
  readonly kind: 'addForeignKey';
  readonly table: TableRefNode;
  readonly foreignKey: ForeignKeyDefNode;
}

export interface DropForeignKeyNode {
  readonly kind: 'dropForeignKey';
  readonly table: TableRefNode;
  readonly name: string;
  readonly ifExists: boolean;
}

export type DdlNode = CreateTableNode | DropTableNode | CreateIndexNode | DropIndexNode | CreateSchemaNode | AddForeignKeyNode | DropForeignKeyNode;
