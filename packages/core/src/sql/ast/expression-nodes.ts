import type { SqlType } from '../types/sql-type';
import type { QueryNode } from './statement-nodes';

/** Expression AST: small frozen objects with a `kind`. Builders make them; compilers walk them. */

export interface ColumnRefNode {
  readonly kind: 'column';
  /** Table name or alias that qualifies the column; absent for unqualified references. */
  readonly table?: string;
  readonly name: string;
}

export interface ParamNode {
  readonly kind: 'param';
  readonly value: unknown;
  /** The SQL type the value is encoded with; inferred from the JavaScript value when absent. */
  readonly type?: SqlType;
}

/** SQL's DEFAULT keyword inside a VALUES row. */
export interface DefaultValueNode {
  readonly kind: 'default';
  readonly column: string;
  /** The column's server default, for databases without DEFAULT in VALUES (SQLite); NULL when absent. */
  readonly fallback?: ExprNode;
}

export type BinaryOperator =
  | '=' | '<>' | '<' | '<=' | '>' | '>='
  | '+' | '-' | '*' | '/' | '%' | '||'
  | 'LIKE' | 'NOT LIKE' | 'ILIKE' | 'NOT ILIKE';

export interface BinaryNode {
  readonly kind: 'binary';
  readonly op: BinaryOperator;
  readonly left: ExprNode;
  readonly right: ExprNode;
}

export interface LogicalNode {
  readonly kind: 'logical';
  readonly op: 'AND' | 'OR';
  readonly items: readonly ExprNode[];
}

export interface NotNode {
  readonly kind: 'not';
  readonly expr: ExprNode;
}

export interface IsNullNode {
  readonly kind: 'isNull';
  readonly expr: ExprNode;
  readonly negated: boolean;
}

export interface InNode {
  readonly kind: 'in';
  readonly expr: ExprNode;
  /** A list of values, or a subquery. An empty list is compiled as always-false (or true when negated). */
  readonly values: readonly ExprNode[] | QueryNode;
  readonly negated: boolean;
}

export interface BetweenNode {
  readonly kind: 'between';
  readonly expr: ExprNode;
  readonly low: ExprNode;
  readonly high: ExprNode;
  readonly negated: boolean;
}

export interface FuncNode {
  readonly kind: 'func';
  /** Validated as a plain identifier when built: function names are never user text. */
  readonly name: string;
  readonly args: readonly ExprNode[];
  readonly distinct?: boolean;
}

export interface CaseNode {
  readonly kind: 'case';
  readonly subject?: ExprNode;
  readonly whens: readonly { readonly when: ExprNode; readonly then: ExprNode }[];
  readonly else?: ExprNode;
}

export interface CastNode {
  readonly kind: 'cast';
  readonly expr: ExprNode;
  readonly type: SqlType;
}

export interface ScalarSubqueryNode {
  readonly kind: 'scalarSubquery';
  readonly query: QueryNode;
}

export interface ExistsNode {
  readonly kind: 'exists';
  readonly query: QueryNode;
  readonly negated: boolean;
}

export interface OrderItemNode {
  readonly kind: 'orderItem';
  readonly expr: ExprNode;
  readonly direction: 'ASC' | 'DESC';
  readonly nulls?: 'FIRST' | 'LAST';
}

export interface WindowNode {
  readonly kind: 'window';
  readonly func: ExprNode;
  readonly partitionBy: readonly ExprNode[];
  readonly orderBy: readonly OrderItemNode[];
}

/** A raw SQL fragment from the `sql` template: literal text between bound values or nodes. */
export interface RawNode {
  readonly kind: 'raw';
  readonly strings: readonly string[];
  readonly values: readonly ExprNode[];
}

/** A quoted identifier, possibly dotted (schema.table.column): each part quoted separately. */
export interface IdentifierNode {
  readonly kind: 'identifier';
  readonly parts: readonly string[];
}

export interface StarNode {
  readonly kind: 'star';
  readonly table?: string;
}

/** The row proposed for insertion, inside an upsert's update clause. */
export interface ExcludedNode {
  readonly kind: 'excluded';
  readonly column: string;
}

export type ExprNode =
  | ColumnRefNode
  | ParamNode
  | DefaultValueNode
  | BinaryNode
  | LogicalNode
  | NotNode
  | IsNullNode
  | InNode
  | BetweenNode
  | FuncNode
  | CaseNode
  | CastNode
  | ScalarSubqueryNode
  | ExistsNode
  | WindowNode
  | RawNode
  | IdentifierNode
  | StarNode
  | ExcludedNode;
