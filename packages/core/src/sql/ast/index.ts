import type { DdlNode } from './ddl-nodes';
import type { ExprNode, OrderItemNode } from './expression-nodes';
import type { StatementNode } from './statement-nodes';

export type * from './ddl-nodes';
export type * from './expression-nodes';
export type * from './statement-nodes';

/** Every node the compiler can be handed as a whole statement. */
export type RootNode = StatementNode | DdlNode | ExprNode | OrderItemNode;

/** Freeze a node so a shared base query can never be changed through a derived one. */
export function node<T extends object>(value: T): T {
  return Object.freeze(value);
}
