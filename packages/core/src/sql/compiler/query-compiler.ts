import { InvalidArgumentError } from '../../errors/errors';
import type * as N from '../ast';
import type { ResultColumn } from '../dialect';
import type { SqlType } from '../types/sql-type';
import { ExpressionCompiler } from './expression-compiler';

type NodeOf<K extends N.RootNode['kind']> = Extract<N.RootNode, { kind: K }>;

const MAX_COLUMN_LISTS = 2000;

/** Everything about a type that its decoder depends on. */
function typeSignature(t: SqlType | undefined): string {
  return t === undefined ? '' : `${t.kind}:${t.bigintMode ?? ''}:${t.scale ?? ''}:${t.precision ?? ''}`;
}

/** SELECT, compound queries, INSERT, UPDATE and DELETE in ANSI form. */
export abstract class QueryCompiler extends ExpressionCompiler {
  /** Nesting depth: only the outermost statement's columns describe the result. */
  private depth = 0;

  protected override visit(n: N.RootNode): void {
    this.depth++;
    try {
      super.visit(n);
    } finally {
      this.depth--;
    }
  }

  private isOutermost(): boolean {
    return this.depth === 1;
  }

  /**
   * Result-column lists are shared between compilations of the same shape, so what the engine
   * caches per list (its generated row builder) is built once per shape, not once per call.
   */
  private readonly columnLists = new Map<string, readonly ResultColumn[]>();
  private readonly columnsByItems = new WeakMap<readonly N.SelectItemNode[], readonly ResultColumn[]>();

  protected setResultColumns(items: readonly N.SelectItemNode[]): void {
    if (!this.isOutermost()) return;
    const known = this.columnsByItems.get(items);
    if (known !== undefined) {
      this.resultColumns = known;
      return;
    }
    let signature = '';
    for (const item of items) signature += `${item.alias}\u0000${typeSignature(item.type)}\u0001`;
    let columns = this.columnLists.get(signature);
    if (columns === undefined) {
      columns = items.map((item) => {
        const decode = this.decoderFor(item.type);
        return decode ? { key: item.alias, decode } : { key: item.alias };
      });
      Object.freeze(columns);
      if (this.columnLists.size >= MAX_COLUMN_LISTS) this.columnLists.clear();
      this.columnLists.set(signature, columns);
    }
    if (Object.isFrozen(items)) this.columnsByItems.set(items, columns);
    this.resultColumns = columns;
  }

  protected withClause(w: N.WithNode | undefined): void {
    if (!w) return;
    this.sql += w.recursive ? 'WITH RECURSIVE ' : 'WITH ';
    this.list(w.ctes, (c) => {
      this.sql += this.q(c.name);
      if (c.columns && c.columns.length > 0) this.sql += ` (${c.columns.map((col) => this.q(col)).join(', ')})`;
      this.sql += ' AS (';
      this.visit(c.query);
      this.sql += ')';
    });
    this.sql += ' ';
  }

  protected selectItems(items: readonly N.SelectItemNode[]): void {
    this.list(items, (item) => {
      this.visit(item.expr);
      this.sql += ` AS ${this.q(item.alias)}`;
    });
  }

  protected fromItem(f: N.FromNode): void {
    switch (f.kind) {
      case 'tableRef':
        this.sql += this.tableName(f);
        if (f.alias) this.sql += ` AS ${this.q(f.alias)}`;
        return;
      case 'derivedTable':
        this.sql += '(';
        this.visit(f.query);
        this.sql += `) AS ${this.q(f.alias)}`;
        return;
      case 'cteRef':
        this.sql += this.q(f.name);
        if (f.alias) this.sql += ` AS ${this.q(f.alias)}`;
        return;
    }
  }

  protected tableName(t: N.TableRefNode): string {
    return t.schema ? `${this.q(t.schema)}.${this.q(t.name)}` : this.q(t.name);
  }

  protected joinClause(j: N.JoinNode): void {
    if (j.type === 'FULL' && !this.adapter.supportsFullJoin) {
      this.unsupported('FULL OUTER JOIN', 'Combine a LEFT JOIN and a RIGHT JOIN with union().');
    }
    if (j.type === 'RIGHT' && !this.adapter.supportsRightJoin) {
      this.unsupported('RIGHT JOIN', 'Swap the tables and use leftJoin().');
    }
    this.sql += j.type === 'CROSS' ? ' CROSS JOIN ' : j.type === 'INNER' ? ' INNER JOIN ' : ` ${j.type} OUTER JOIN `;
    this.fromItem(j.target);
    if (j.on) {
      this.sql += ' ON ';
      this.visit(j.on);
    }
  }

  protected orderByClause(items: readonly N.OrderItemNode[]): void {
    if (items.length === 0) return;
    this.sql += ' ORDER BY ';
    this.list(items, (o) => this.visit(o));
  }

  protected limitClause(limit: N.ExprNode | undefined, offset: N.ExprNode | undefined): void {
    if (limit) {
      this.sql += ' LIMIT ';
      this.visit(limit);
    }
    if (offset) {
      this.sql += ' OFFSET ';
      this.visit(offset);
    }
  }

  protected lockClause(lock: N.LockNode): void {
    if (!this.adapter.supportsRowLocks) return;
    this.sql += lock.mode === 'UPDATE' ? ' FOR UPDATE' : ' FOR SHARE';
    if (lock.noWait) this.sql += ' NOWAIT';
    if (lock.skipLocked) this.sql += ' SKIP LOCKED';
  }

  protected visitSelect(n: NodeOf<'select'>): void {
    if (this.isOutermost()) this.readOnly = !n.lock;
    this.setResultColumns(n.items);
    this.withClause(n.with);
    this.sql += n.distinct ? 'SELECT DISTINCT ' : 'SELECT ';
    this.selectItems(n.items);
    if (n.from.length > 0) {
      this.sql += ' FROM ';
      this.list(n.from, (f) => this.fromItem(f));
    } else if (n.joins.length > 0) {
      throw new InvalidArgumentError('A select with joins needs a from() table to join to.');
    }
    for (const j of n.joins) this.joinClause(j);
    if (n.where) {
      this.sql += ' WHERE ';
      this.visit(n.where);
    }
    if (n.groupBy.length > 0) {
      this.sql += ' GROUP BY ';
      this.list(n.groupBy, (e) => this.visit(e));
    }
    if (n.having) {
      this.sql += ' HAVING ';
      this.visit(n.having);
    }
    this.orderByClause(n.orderBy);
    this.limitClause(n.limit, n.offset);
    if (n.lock) this.lockClause(n.lock);
  }

  /** A part of a compound query; parts with their own ORDER BY/LIMIT are wrapped as subqueries. */
  protected compoundPart(q: N.QueryNode, index: number): void {
    const needsWrap = q.kind === 'compound' || q.orderBy.length > 0 || q.limit !== undefined || q.offset !== undefined || q.with !== undefined;
    if (!needsWrap) {
      this.visit(q);
      return;
    }
    this.sql += 'SELECT * FROM (';
    this.visit(q);
    this.sql += `) AS ${this.q(`_part${index}`)}`;
  }

  protected visitCompound(n: NodeOf<'compound'>): void {
    let first: N.QueryNode = n.first;
    while (first.kind === 'compound') first = first.first;
    if (this.isOutermost()) this.readOnly = true;
    this.setResultColumns(first.items);
    this.withClause(n.with);
    this.compoundPart(n.first, 0);
    n.rest.forEach((part, i) => {
      if ((part.op === 'INTERSECT' || part.op === 'EXCEPT') && !this.adapter.supportsIntersectExcept) {
        this.unsupported(part.op, 'Rewrite it with EXISTS / NOT EXISTS.');
      }
      this.sql += ` ${part.op} `;
      this.compoundPart(part.query, i + 1);
    });
    this.orderByClause(n.orderBy);
    this.limitClause(n.limit, n.offset);
  }

  protected returningClause(r: N.ReturningNode | undefined, statement: 'INSERT' | 'UPDATE' | 'DELETE'): void {
    if (!r) return;
    if (!this.supportsReturning(statement)) {
      this.unsupported(`${statement} … RETURNING`, 'Select the rows again after the statement, or use the engine’s generated-key result.');
    }
    this.setResultColumns(r.items);
    this.sql += ' RETURNING ';
    this.selectItems(r.items);
  }

  protected supportsReturning(statement: 'INSERT' | 'UPDATE' | 'DELETE'): boolean {
    const a = this.adapter;
    return statement === 'INSERT' ? a.supportsInsertReturning : statement === 'UPDATE' ? a.supportsUpdateReturning : a.supportsDeleteReturning;
  }

  protected visitInsert(n: NodeOf<'insert'>): void {
    this.withClause(n.with);
    this.sql += `INSERT INTO ${this.tableName(n.table)}`;
    if (Array.isArray(n.values)) {
      const rows = n.values as readonly (readonly N.ExprNode[])[];
      if (rows.length === 0) throw new InvalidArgumentError(`insert(${n.table.name}) has no values(): give it rows or fromSelect().`);
      if (n.columns.length === 0) this.emptyInsertValues(rows.length);
      else {
        this.sql += ` (${n.columns.map((c) => this.q(c)).join(', ')}) VALUES `;
        this.list(rows, (row) => {
          this.sql += '(';
          this.list(row, (v) => this.visit(v));
          this.sql += ')';
        });
      }
    } else {
      this.sql += ` (${n.columns.map((c) => this.q(c)).join(', ')}) `;
      this.visit(n.values as N.QueryNode);
    }
    if (n.onConflict) this.onConflictClause(n.onConflict);
    this.returningClause(n.returning, 'INSERT');
  }

  /** A row of nothing but defaults. */
  protected emptyInsertValues(rowCount: number): void {
    if (rowCount !== 1) throw new InvalidArgumentError('Several rows of only default values cannot go in one INSERT; insert them one by one.');
    this.sql += ' DEFAULT VALUES';
  }

  protected onConflictClause(c: N.OnConflictNode): void {
    this.sql += ' ON CONFLICT';
    if (c.target.length > 0) this.sql += ` (${c.target.map((t) => this.q(t)).join(', ')})`;
    if (!c.set) {
      this.sql += ' DO NOTHING';
      return;
    }
    if (c.target.length === 0) throw new InvalidArgumentError('onConflict(...).doUpdate() needs the conflicting unique columns: onConflict(t.email).');
    this.sql += ' DO UPDATE SET ';
    this.setList(c.set);
    if (c.where) {
      this.sql += ' WHERE ';
      this.visit(c.where);
    }
  }

  protected setList(set: readonly (readonly [string, N.ExprNode])[]): void {
    this.list(set, ([column, value]) => {
      this.sql += `${this.q(column)} = `;
      this.visit(value);
    });
  }

  protected visitUpdate(n: NodeOf<'update'>): void {
    if (n.set.length === 0) throw new InvalidArgumentError(`update(${n.table.name}) has nothing to set: call set({ … }).`);
    this.withClause(n.with);
    this.sql += `UPDATE ${this.tableName(n.table)} SET `;
    this.setList(n.set);
    if (n.where) {
      this.sql += ' WHERE ';
      this.visit(n.where);
    }
    this.returningClause(n.returning, 'UPDATE');
  }

  protected visitDelete(n: NodeOf<'delete'>): void {
    this.withClause(n.with);
    this.sql += `DELETE FROM ${this.tableName(n.table)}`;
    if (n.where) {
      this.sql += ' WHERE ';
      this.visit(n.where);
    }
    this.returningClause(n.returning, 'DELETE');
  }
}
