import { node } from '../../sql/ast';
import { select } from '../../sql/builders/select';
import type { CompiledQuery, ResultColumn, SqlDialect } from '../../sql/dialect';
import { Expression } from '../../sql/expression/expression';
import { and } from '../../sql/expression/operators';
import { resultColumnsOf } from '../hydration/result-columns';
import type { EntityMetadata } from '../metadata/entity-metadata';

/**
 * The primary-key read of an entity (`SELECT <every column> FROM t WHERE pk = ?`), compiled
 * once per entity and dialect: SQL text, where each key value goes among the parameters, and
 * each key column's encoder. A lookup then only encodes the key and builds a small object —
 * no AST, no compiler (and the driver finds the statement in its prepared-statement cache,
 * as the SQL text never changes).
 */
export class PkStatement {
  private constructor(
    readonly sql: string,
    readonly columns: readonly ResultColumn[],
    /** Parameter count, and the parameter index of each key value. */
    private readonly width: number,
    private readonly slots: readonly number[],
    private readonly encoders: readonly (((value: unknown) => unknown) | undefined)[],
  ) {}

  /** The statement for these key values (in primary-key order). */
  bind(values: readonly unknown[]): CompiledQuery {
    const params = new Array<unknown>(this.width);
    for (let i = 0; i < this.slots.length; i++) {
      const encode = this.encoders[i];
      const value = values[i];
      params[this.slots[i]!] = encode === undefined ? value : encode(value);
    }
    return { sql: this.sql, params, columns: this.columns, readOnly: true };
  }

  /** The statement for a single-column key (no array of values to build). */
  bindOne(value: unknown): CompiledQuery {
    const params = new Array<unknown>(this.width);
    const encode = this.encoders[0];
    params[this.slots[0]!] = encode === undefined ? value : encode(value);
    return { sql: this.sql, params, columns: this.columns, readOnly: true };
  }

  /** @internal */
  static build(meta: EntityMetadata, dialect: SqlDialect): PkStatement {
    const table = meta.table;
    // Untyped string markers: the compiler binds them unchanged, so they can be found again.
    // (PostgreSQL casts typed parameters in select lists only, never in WHERE.)
    const markers = meta.primaryKey.map((_, i) => `\u0000athanor:pk:${i}`);
    const conditions = meta.primaryKey.map(
      (c, i) => table.$column(c.name).eq(new Expression(node({ kind: 'param', value: markers[i] }))) as Expression<boolean>,
    );
    const compiled = select(table)
      .where(conditions.length === 1 ? conditions[0]! : and(...conditions))
      .compile(dialect);
    const slots = markers.map((m) => compiled.params.indexOf(m));
    if (slots.some((s) => s < 0) || compiled.params.length !== markers.length) {
      throw new Error(`PkStatement(${meta.name}): the compiled key lookup has unexpected parameters`);
    }
    const encoders = meta.primaryKey.map((c) => {
      const codec = dialect.codecs[c.type.kind];
      const to = codec?.toDriver;
      return to === undefined ? undefined : (value: unknown) => to.call(codec, value, c.type);
    });
    return new PkStatement(compiled.sql, resultColumnsOf(table.$columns, dialect), compiled.params.length, slots, encoders);
  }
}

const cache = new WeakMap<EntityMetadata, WeakMap<SqlDialect, PkStatement>>();

/** The cached primary-key read of `meta` (a hierarchy's root) on `dialect`. */
export function pkStatementOf(meta: EntityMetadata, dialect: SqlDialect): PkStatement {
  let byDialect = cache.get(meta);
  if (byDialect === undefined) {
    byDialect = new WeakMap();
    cache.set(meta, byDialect);
  }
  let statement = byDialect.get(dialect);
  if (statement === undefined) {
    statement = PkStatement.build(meta, dialect);
    byDialect.set(dialect, statement);
  }
  return statement;
}
