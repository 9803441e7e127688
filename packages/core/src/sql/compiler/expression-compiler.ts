import { InvalidArgumentError, UnsupportedError } from '../../errors/errors';
import type * as N from '../ast';
import type { CompiledQuery, DialectAdapter, ResultColumn, SqlDialect } from '../dialect';
import type { SqlType, TypeCodec } from '../types/sql-type';

type Kind = N.RootNode['kind'];
type NodeOf<K extends Kind> = Extract<N.RootNode, { kind: K }>;
/** The visitor method for each node kind; a kind without one is a compile error. */
export type VisitorTable = { readonly [K in Kind]: `visit${Capitalize<K>}` };

export const VISITORS: VisitorTable = {
  column: 'visitColumn', param: 'visitParam', default: 'visitDefault', binary: 'visitBinary', logical: 'visitLogical',
  not: 'visitNot', isNull: 'visitIsNull', in: 'visitIn', between: 'visitBetween', func: 'visitFunc', case: 'visitCase',
  cast: 'visitCast', scalarSubquery: 'visitScalarSubquery', exists: 'visitExists', window: 'visitWindow', raw: 'visitRaw',
  identifier: 'visitIdentifier', star: 'visitStar', excluded: 'visitExcluded', orderItem: 'visitOrderItem',
  select: 'visitSelect', compound: 'visitCompound', insert: 'visitInsert', update: 'visitUpdate', delete: 'visitDelete',
  createTable: 'visitCreateTable', dropTable: 'visitDropTable', createIndex: 'visitCreateIndex', dropIndex: 'visitDropIndex',
  createSchema: 'visitCreateSchema', addForeignKey: 'visitAddForeignKey', dropForeignKey: 'visitDropForeignKey',
};

/** Nodes that need parentheses when they appear as an operand of another operator. */
const COMPOUND_OPERANDS = new Set<Kind>(['binary', 'logical', 'not', 'isNull', 'in', 'between']);

const NO_DECODE = Symbol('no decode');

/**
 * The ANSI compiler for expressions. Dialects subclass the full compiler and override only
 * what differs (placeholders, quoting, ILIKE, concatenation…). A compiler instance is reused
 * for every statement of its dialect; `compile` resets its state, and compiling is synchronous.
 */
export abstract class ExpressionCompiler {
  protected sql = '';
  protected params: unknown[] = [];
  protected resultColumns: readonly ResultColumn[] | undefined;
  /** Set by the outermost SELECT when it takes no row locks. */
  protected readOnly = false;
  /** DDL cannot carry bound parameters: defaults and checks are rendered as escaped literals. */
  protected inlineParams = false;
  private readonly decoders = new WeakMap<SqlType, ((value: unknown) => unknown) | typeof NO_DECODE>();

  constructor(readonly dialect: SqlDialect) {}

  get adapter(): DialectAdapter {
    return this.dialect.adapter;
  }

  compile(root: N.RootNode): CompiledQuery {
    this.sql = '';
    this.params = [];
    this.resultColumns = undefined;
    this.inlineParams = false;
    this.readOnly = false;
    this.visit(root);
    const out: CompiledQuery = this.resultColumns
      ? this.readOnly
        ? { sql: this.sql, params: this.params, columns: this.resultColumns, readOnly: true }
        : { sql: this.sql, params: this.params, columns: this.resultColumns }
      : { sql: this.sql, params: this.params };
    this.params = [];
    return out;
  }

  // ---- dialect facts subclasses override ----

  /** The placeholder for the parameter just pushed (1-based index). */
  protected abstract placeholder(index: number): string;

  quoteIdentifier(name: string): string {
    if (name.includes('\0')) throw new InvalidArgumentError('An identifier cannot contain a NUL character.');
    return `"${name.replace(/"/g, '""')}"`;
  }

  // ---- helpers ----

  protected visit(n: N.RootNode): void {
    (this as unknown as Record<string, (node: N.RootNode) => void>)[VISITORS[n.kind]]!(n);
  }

  protected write(text: string): void {
    this.sql += text;
  }

  protected list<T>(items: readonly T[], each: (item: T) => void, separator = ', '): void {
    items.forEach((item, i) => {
      if (i > 0) this.sql += separator;
      each(item);
    });
  }

  protected operand(n: N.ExprNode): void {
    if (COMPOUND_OPERANDS.has(n.kind)) {
      this.sql += '(';
      this.visit(n);
      this.sql += ')';
    } else {
      this.visit(n);
    }
  }

  /** Identifiers repeat across statements; quoting each once keeps compiling cheap. */
  private readonly quoted = new Map<string, string>();

  protected q(name: string): string {
    let out = this.quoted.get(name);
    if (out === undefined) {
      out = this.quoteIdentifier(name);
      if (this.quoted.size >= 10_000) this.quoted.clear();
      this.quoted.set(name, out);
    }
    return out;
  }

  protected codec(type: SqlType): TypeCodec | undefined {
    return this.dialect.codecs[type.kind];
  }

  /** The SQL type a bare JavaScript value is encoded as when no column gives one. */
  protected inferType(value: unknown): SqlType | undefined {
    switch (typeof value) {
      case 'boolean':
        return { kind: 'boolean' };
      case 'bigint':
        return { kind: 'bigint' };
      case 'object':
        if (value instanceof Date) return { kind: 'timestamptz' };
        if (Buffer.isBuffer(value) || value instanceof Uint8Array) return { kind: 'blob' };
        return { kind: 'json' };
      default:
        return undefined;
    }
  }

  /** Encode a JavaScript value for the driver. */
  encode(value: unknown, type: SqlType | undefined): unknown {
    if (value === null || value === undefined) return null;
    const t = type ?? this.inferType(value);
    const codec = t && this.codec(t);
    return codec?.toDriver ? codec.toDriver(value, t!) : value;
  }

  protected decoderFor(type: SqlType | undefined): ((value: unknown) => unknown) | undefined {
    if (!type) return undefined;
    let d = this.decoders.get(type);
    if (d === undefined) {
      const codec = this.codec(type);
      const from = codec?.fromDriver?.bind(codec);
      d = from ? (v: unknown) => (v === null || v === undefined ? null : from(v, type)) : NO_DECODE;
      this.decoders.set(type, d);
    }
    return d === NO_DECODE ? undefined : d;
  }

  protected pushParam(value: unknown): void {
    this.params.push(value);
    this.sql += this.placeholder(this.params.length);
  }

  // ---- literals (DDL only) ----

  protected literalString(s: string): string {
    if (s.includes('\0')) throw new InvalidArgumentError('A string literal in DDL cannot contain a NUL character.');
    return `'${s.replace(/'/g, "''")}'`;
  }

  protected literal(value: unknown): string {
    if (value === null || value === undefined) return 'NULL';
    switch (typeof value) {
      case 'number':
        if (!Number.isFinite(value)) throw new InvalidArgumentError(`Cannot write ${value} as an SQL literal.`);
        return String(value);
      case 'bigint':
        return value.toString();
      case 'boolean':
        return value ? 'TRUE' : 'FALSE';
      case 'string':
        return this.literalString(value);
      default:
        if (value instanceof Date) return this.literalString(value.toISOString());
        return this.literalString(JSON.stringify(value));
    }
  }

  // ---- expression visitors ----

  protected visitColumn(n: NodeOf<'column'>): void {
    this.sql += n.table ? `${this.q(n.table)}.${this.q(n.name)}` : this.q(n.name);
  }

  protected visitParam(n: NodeOf<'param'>): void {
    if (this.inlineParams) {
      this.sql += this.literal(this.encode(n.value, n.type));
      return;
    }
    this.pushParam(this.encode(n.value, n.type));
  }

  protected visitDefault(_n: NodeOf<'default'>): void {
    this.sql += 'DEFAULT';
  }

  protected visitBinary(n: NodeOf<'binary'>): void {
    if (n.op === 'ILIKE' || n.op === 'NOT ILIKE') return this.ilike(n);
    if (n.op === '||') return this.concat(n);
    this.operand(n.left);
    this.sql += ` ${n.op} `;
    this.operand(n.right);
  }

  protected ilike(n: NodeOf<'binary'>): void {
    if (this.adapter.supportsIlike) {
      this.operand(n.left);
      this.sql += ` ${n.op} `;
      this.operand(n.right);
      return;
    }
    this.sql += 'LOWER(';
    this.visit(n.left);
    this.sql += n.op === 'ILIKE' ? ') LIKE LOWER(' : ') NOT LIKE LOWER(';
    this.visit(n.right);
    this.sql += ')';
  }

  protected concat(n: NodeOf<'binary'>): void {
    this.operand(n.left);
    this.sql += ' || ';
    this.operand(n.right);
  }

  protected visitLogical(n: NodeOf<'logical'>): void {
    if (n.items.length === 0) {
      this.sql += n.op === 'AND' ? '1 = 1' : '1 = 0';
      return;
    }
    // Comparisons bind tighter than AND/OR; only a nested AND/OR needs parentheses.
    this.list(n.items, (item) => {
      if (item.kind === 'logical') {
        this.sql += '(';
        this.visit(item);
        this.sql += ')';
      } else this.visit(item);
    }, ` ${n.op} `);
  }

  protected visitNot(n: NodeOf<'not'>): void {
    this.sql += 'NOT ';
    this.sql += '(';
    this.visit(n.expr);
    this.sql += ')';
  }

  protected visitIsNull(n: NodeOf<'isNull'>): void {
    this.operand(n.expr);
    this.sql += n.negated ? ' IS NOT NULL' : ' IS NULL';
  }

  protected visitIn(n: NodeOf<'in'>): void {
    if (Array.isArray(n.values) && n.values.length === 0) {
      this.sql += n.negated ? '1 = 1' : '1 = 0';
      return;
    }
    this.operand(n.expr);
    this.sql += n.negated ? ' NOT IN (' : ' IN (';
    if (Array.isArray(n.values)) this.list(n.values as readonly N.ExprNode[], (v) => this.visit(v));
    else this.visit(n.values as N.QueryNode);
    this.sql += ')';
  }

  protected visitBetween(n: NodeOf<'between'>): void {
    this.operand(n.expr);
    this.sql += n.negated ? ' NOT BETWEEN ' : ' BETWEEN ';
    this.operand(n.low);
    this.sql += ' AND ';
    this.operand(n.high);
  }

  protected visitFunc(n: NodeOf<'func'>): void {
    this.sql += `${n.name}(${n.distinct ? 'DISTINCT ' : ''}`;
    this.list(n.args, (a) => this.visit(a));
    this.sql += ')';
  }

  protected visitCase(n: NodeOf<'case'>): void {
    this.sql += 'CASE';
    if (n.subject) {
      this.sql += ' ';
      this.visit(n.subject);
    }
    for (const w of n.whens) {
      this.sql += ' WHEN ';
      this.visit(w.when);
      this.sql += ' THEN ';
      this.visit(w.then);
    }
    if (n.else) {
      this.sql += ' ELSE ';
      this.visit(n.else);
    }
    this.sql += ' END';
  }

  protected visitCast(n: NodeOf<'cast'>): void {
    this.sql += 'CAST(';
    this.visit(n.expr);
    this.sql += ` AS ${this.castTypeName(n.type)})`;
  }

  /** The type name CAST accepts; most dialects accept their column type names. */
  protected abstract castTypeName(type: SqlType): string;

  protected visitScalarSubquery(n: NodeOf<'scalarSubquery'>): void {
    this.sql += '(';
    this.visit(n.query);
    this.sql += ')';
  }

  protected visitExists(n: NodeOf<'exists'>): void {
    this.sql += n.negated ? 'NOT EXISTS (' : 'EXISTS (';
    this.visit(n.query);
    this.sql += ')';
  }

  protected visitWindow(n: NodeOf<'window'>): void {
    this.visit(n.func);
    this.sql += ' OVER (';
    if (n.partitionBy.length > 0) {
      this.sql += 'PARTITION BY ';
      this.list(n.partitionBy, (e) => this.visit(e));
    }
    if (n.orderBy.length > 0) {
      if (n.partitionBy.length > 0) this.sql += ' ';
      this.sql += 'ORDER BY ';
      this.list(n.orderBy, (o) => this.visit(o));
    }
    this.sql += ')';
  }

  protected visitRaw(n: NodeOf<'raw'>): void {
    n.strings.forEach((s, i) => {
      this.sql += s;
      if (i < n.values.length) this.visit(n.values[i]!);
    });
  }

  protected visitIdentifier(n: NodeOf<'identifier'>): void {
    this.sql += n.parts.map((p) => this.q(p)).join('.');
  }

  protected visitStar(n: NodeOf<'star'>): void {
    this.sql += n.table ? `${this.q(n.table)}.*` : '*';
  }

  protected visitExcluded(n: NodeOf<'excluded'>): void {
    this.sql += `EXCLUDED.${this.q(n.column)}`;
  }

  protected visitOrderItem(n: NodeOf<'orderItem'>): void {
    if (n.nulls && !this.adapter.supportsNullsOrdering) {
      // Emulated: sort on "is null" first (true sorts after false ascending).
      this.operand(n.expr);
      this.sql += n.nulls === 'FIRST' ? ' IS NULL DESC, ' : ' IS NULL ASC, ';
      this.operand(n.expr);
      this.sql += ` ${n.direction}`;
      return;
    }
    this.operand(n.expr);
    this.sql += ` ${n.direction}`;
    if (n.nulls) this.sql += ` NULLS ${n.nulls}`;
  }

  protected unsupported(feature: string, hint: string): never {
    throw new UnsupportedError(`${feature} is not supported on ${this.adapter.name}. ${hint}`);
  }
}
