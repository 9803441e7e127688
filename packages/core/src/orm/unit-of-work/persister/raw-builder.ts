import type { ExprNode, RawNode } from '../../../sql/ast';
import { raw } from './shapes';

/**
 * Assembles a raw statement node: fixed SQL text (never a value) between nodes — identifiers,
 * casts, bound parameters. What the `sql` template builds, for statements whose length
 * depends on the column list.
 */
export class RawBuilder {
  private readonly strings: string[] = [''];
  private readonly values: ExprNode[] = [];

  text(sql: string): this {
    this.strings[this.strings.length - 1] += sql;
    return this;
  }

  add(value: ExprNode): this {
    this.values.push(value);
    this.strings.push('');
    return this;
  }

  /** Nodes separated by fixed text. */
  list(items: readonly ExprNode[], separator = ', '): this {
    items.forEach((item, i) => {
      if (i > 0) this.text(separator);
      this.add(item);
    });
    return this;
  }

  build(): RawNode {
    return raw(this.strings, this.values);
  }
}

/**
 * A driver value as the element of a `text[]` array parameter: the text PostgreSQL's input
 * function for the column type reads (`CAST(elem AS type)` in the statement).
 */
export function textElement(value: unknown): string | null {
  switch (typeof value) {
    case 'string':
      return value;
    case 'number':
    case 'bigint':
      return String(value);
    case 'boolean':
      return value ? 'true' : 'false';
    case 'undefined':
      return null;
    default:
      if (value === null) return null;
      if (value instanceof Uint8Array) return `\\x${Buffer.from(value.buffer, value.byteOffset, value.byteLength).toString('hex')}`;
      if (value instanceof Date) return value.toISOString();
      return JSON.stringify(value);
  }
}
