import { node } from '../ast';
import type { ColumnRefNode } from '../ast';
import { Expression } from '../expression/expression';
import type { ColumnConfig } from './column-builder';
import type { TableBase } from './table';

/** A column of a table (or of an alias of one): an expression that knows its definition. */
export class Column<T, K extends string = string> extends Expression<T> {
  declare readonly node: ColumnRefNode;

  constructor(
    readonly table: TableBase<any, any>,
    /** The property name in the table definition; the row key in results. */
    readonly key: K,
    /** The column name in the database. */
    readonly name: string,
    readonly config: ColumnConfig,
  ) {
    super(node({ kind: 'column', table: table.$qualifier, name }), config.type);
  }
}

export type AnyColumn = Column<any, string>;
