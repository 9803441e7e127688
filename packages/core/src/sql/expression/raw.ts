import { InvalidArgumentError } from '../../errors/errors';
import { node } from '../ast';
import type { ExprNode, IdentifierNode } from '../ast';
import type { Compilable, CompiledQuery, SqlDialect } from '../dialect';
import type { SqlType } from '../types/sql-type';
import { Expression, isQueryLike, param } from './expression';

/**
 * A raw SQL fragment. Interpolated values are always bound parameters; expressions, other
 * fragments and `sql.identifier(...)` are spliced in as nodes. There is no way to splice an
 * unescaped string.
 */
export class SqlFragment<T = unknown> extends Expression<T> implements Compilable<T> {
  declare readonly __row?: T;

  compile(dialect: SqlDialect): CompiledQuery {
    return dialect.compile(this.node);
  }

  /** Show the SQL and parameters this fragment compiles to. */
  toSQL(dialect: SqlDialect): CompiledQuery {
    return this.compile(dialect);
  }

  /** Declare the type the fragment's value decodes as when selected. */
  as<U>(type: SqlType<U>): SqlFragment<U> {
    return new SqlFragment<U>(this.node, type);
  }
}

function interpolate(value: unknown): ExprNode {
  if (value instanceof Expression) return value.node;
  if (isQueryLike(value)) return node({ kind: 'scalarSubquery', query: value.queryNode });
  if (value !== null && typeof value === 'object' && typeof (value as { $ref?: unknown }).$ref === 'function') {
    const t = (value as { $ref(): { name: string; schema?: string } }).$ref();
    return identifierNode(t.schema ? [t.schema, t.name] : [t.name]);
  }
  if (value === undefined) {
    throw new InvalidArgumentError('sql``: an interpolated value is undefined. Pass null for SQL NULL.');
  }
  return param(value);
}

function identifierNode(parts: readonly string[]): IdentifierNode {
  for (const part of parts) {
    if (typeof part !== 'string' || part.length === 0) {
      throw new InvalidArgumentError('sql.identifier(): each part must be a non-empty string.');
    }
    if (part.includes('\0')) throw new InvalidArgumentError('sql.identifier(): an identifier cannot contain a NUL character.');
  }
  return node({ kind: 'identifier', parts: Object.freeze([...parts]) });
}

interface SqlTag {
  <T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment<T>;
  /** A quoted identifier; several parts make a dotted name (`schema.table`), each quoted. */
  identifier(...parts: string[]): SqlFragment<never>;
  /** Join fragments or values with a separator fragment (default `, `). */
  join(items: readonly unknown[], separator?: SqlFragment<unknown>): SqlFragment<unknown>;
}

function tag<T = unknown>(strings: TemplateStringsArray, ...values: unknown[]): SqlFragment<T> {
  if (!Array.isArray(strings) || !('raw' in strings)) {
    throw new InvalidArgumentError('sql must be used as a tagged template: sql`select ${value}`, never called with a string.');
  }
  return new SqlFragment<T>(node({ kind: 'raw', strings: Object.freeze([...strings]), values: Object.freeze(values.map(interpolate)) }));
}

const COMMA = new SqlFragment(node({ kind: 'raw', strings: [', '], values: [] }));

/** Raw SQL as a tagged template: sql`select * from t where id = ${id}` binds `id`. */
export const sql: SqlTag = Object.assign(tag, {
  identifier: (...parts: string[]) => new SqlFragment<never>(identifierNode(parts)),
  join(items: readonly unknown[], separator: SqlFragment<unknown> = COMMA): SqlFragment<unknown> {
    const strings: string[] = [''];
    const values: ExprNode[] = [];
    items.forEach((item, i) => {
      if (i > 0) {
        values.push(separator.node);
        strings.push('');
      }
      values.push(interpolate(item));
      strings.push('');
    });
    return new SqlFragment(node({ kind: 'raw', strings, values }));
  },
});
