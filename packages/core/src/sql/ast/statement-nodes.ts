import type { SqlType } from '../types/sql-type';
import type { ExprNode, OrderItemNode } from './expression-nodes';

/** Statement AST: SELECT, compound queries, INSERT, UPDATE, DELETE. */

export interface TableRefNode {
  readonly kind: 'tableRef';
  readonly name: string;
  readonly schema?: string;
  readonly alias?: string;
}

export interface DerivedTableNode {
  readonly kind: 'derivedTable';
  readonly query: QueryNode;
  readonly alias: string;
}

/** A reference to a CTE by name. */
export interface CteRefNode {
  readonly kind: 'cteRef';
  readonly name: string;
  readonly alias?: string;
}

export type FromNode = TableRefNode | DerivedTableNode | CteRefNode;

export type JoinType = 'INNER' | 'LEFT' | 'RIGHT' | 'FULL' | 'CROSS';

export interface JoinNode {
  readonly type: JoinType;
  readonly target: FromNode;
  readonly on?: ExprNode;
}

export interface SelectItemNode {
  readonly expr: ExprNode;
  /** Output name; the row key the value lands under. */
  readonly alias: string;
  /** How the selected value is decoded; passed through as the driver gives it when absent. */
  readonly type?: SqlType;
}

export interface CteNode {
  readonly name: string;
  readonly columns?: readonly string[];
  readonly query: QueryNode;
}

export interface WithNode {
  readonly recursive: boolean;
  readonly ctes: readonly CteNode[];
}

export interface LockNode {
  readonly mode: 'UPDATE' | 'SHARE';
  readonly noWait?: boolean;
  readonly skipLocked?: boolean;
}

export interface SelectNode {
  readonly kind: 'select';
  readonly with?: WithNode;
  readonly distinct: boolean;
  readonly items: readonly SelectItemNode[];
  readonly from: readonly FromNode[];
  readonly joins: readonly JoinNode[];
  readonly where?: ExprNode;
  readonly groupBy: readonly ExprNode[];
  readonly having?: ExprNode;
  readonly orderBy: readonly OrderItemNode[];
  readonly limit?: ExprNode;
  readonly offset?: ExprNode;
  readonly lock?: LockNode;
}

export type SetOperator = 'UNION' | 'UNION ALL' | 'INTERSECT' | 'EXCEPT';

export interface CompoundNode {
  readonly kind: 'compound';
  readonly with?: WithNode;
  readonly first: QueryNode;
  readonly rest: readonly { readonly op: SetOperator; readonly query: QueryNode }[];
  readonly orderBy: readonly OrderItemNode[];
  readonly limit?: ExprNode;
  readonly offset?: ExprNode;
}

export type QueryNode = SelectNode | CompoundNode;

export interface ReturningNode {
  readonly items: readonly SelectItemNode[];
}

export interface OnConflictNode {
  /** Column names of the unique constraint; MySQL ignores it (any unique key conflicts). */
  readonly target: readonly string[];
  /** Absent: DO NOTHING. */
  readonly set?: readonly (readonly [string, ExprNode])[];
  readonly where?: ExprNode;
}

export interface InsertNode {
  readonly kind: 'insert';
  readonly with?: WithNode;
  readonly table: TableRefNode;
  readonly columns: readonly string[];
  /** VALUES rows (each the same length as `columns`), or a query. */
  readonly values: readonly (readonly ExprNode[])[] | QueryNode;
  readonly onConflict?: OnConflictNode;
  readonly returning?: ReturningNode;
}

export interface UpdateNode {
  readonly kind: 'update';
  readonly with?: WithNode;
  readonly table: TableRefNode;
  readonly set: readonly (readonly [string, ExprNode])[];
  readonly where?: ExprNode;
  readonly returning?: ReturningNode;
}

export interface DeleteNode {
  readonly kind: 'delete';
  readonly with?: WithNode;
  readonly table: TableRefNode;
  readonly where?: ExprNode;
  readonly returning?: ReturningNode;
}

export type StatementNode = QueryNode | InsertNode | UpdateNode | DeleteNode;
