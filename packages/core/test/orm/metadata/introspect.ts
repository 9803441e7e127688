import { sql } from '@athanor/core';
import type { Engine } from '@athanor/core';

/**
 * Read a table's shape back from the database, in one form on every dialect, so schema tests
 * check what was really created: SQLite pragmas, PostgreSQL catalogs, MariaDB's
 * information_schema. Types are normalized to lower case without spaces or display widths
 * (`varchar(50)`, `numeric(10,2)`, `int`).
 */

export interface ColumnInfo {
  readonly name: string;
  readonly type: string;
  readonly nullable: boolean;
  /** The default as the database prints it, or null. */
  readonly default: string | null;
  readonly autoIncrement: boolean;
}

export interface IndexInfo {
  readonly name: string;
  readonly columns: readonly string[];
  readonly unique: boolean;
}

export interface ForeignKeyInfo {
  readonly columns: readonly string[];
  readonly refTable: string;
  readonly refColumns: readonly string[];
  /** 'cascade' | 'set null' | 'restrict' | 'no action' | 'set default' */
  readonly onDelete: string;
}

export interface TableInfo {
  readonly columns: readonly ColumnInfo[];
  readonly primaryKey: readonly string[];
  /** Every index, unique constraints included, primary key excluded. */
  readonly indexes: readonly IndexInfo[];
  readonly foreignKeys: readonly ForeignKeyInfo[];
}

type Row = Record<string, unknown>;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const squash = (t: string): string => t.toLowerCase().replace(/\s+/g, '');

async function rows(engine: Engine, query: ReturnType<typeof sql>): Promise<Row[]> {
  return (await engine.execute(query)) as Row[];
}

async function sqlite(engine: Engine, table: string): Promise<TableInfo> {
  const t = sql.identifier(table);
  const cols = await rows(engine, sql`PRAGMA table_info(${t})`);
  const pk = cols.filter((c) => Number(c.pk) > 0).sort((a, b) => Number(a.pk) - Number(b.pk)).map((c) => str(c.name));
  const columns = cols.map((c) => ({
    name: str(c.name),
    type: squash(str(c.type)),
    nullable: Number(c.notnull) === 0 && Number(c.pk) === 0,
    default: c.dflt_value === null ? null : str(c.dflt_value),
    autoIncrement: pk.length === 1 && Number(c.pk) === 1 && squash(str(c.type)) === 'integer',
  }));
  const indexes: IndexInfo[] = [];
  for (const ix of await rows(engine, sql`PRAGMA index_list(${t})`)) {
    if (str(ix.origin) === 'pk') continue;
    const info = await rows(engine, sql`PRAGMA index_info(${sql.identifier(str(ix.name))})`);
    indexes.push({ name: str(ix.name), unique: Number(ix.unique) === 1, columns: info.sort((a, b) => Number(a.seqno) - Number(b.seqno)).map((i) => str(i.name)) });
  }
  const fkRows = await rows(engine, sql`PRAGMA foreign_key_list(${t})`);
  const byId = new Map<number, Row[]>();
  for (const r of fkRows) byId.set(Number(r.id), [...(byId.get(Number(r.id)) ?? []), r]);
  const foreignKeys = [...byId.values()].map((list) => {
    const sorted = list.sort((a, b) => Number(a.seq) - Number(b.seq));
    return {
      columns: sorted.map((r) => str(r.from)),
      refTable: str(sorted[0]!.table),
      refColumns: sorted.map((r) => str(r.to)),
      onDelete: str(sorted[0]!.on_delete).toLowerCase(),
    };
  });
  return { columns, primaryKey: pk, indexes, foreignKeys };
}

function pgType(c: Row): string {
  const t = str(c.data_type);
  switch (t) {
    case 'character varying':
      return `varchar(${str(c.character_maximum_length)})`;
    case 'character':
      return `char(${str(c.character_maximum_length)})`;
    case 'numeric':
      return `numeric(${str(c.numeric_precision)},${str(c.numeric_scale)})`;
    case 'timestamp without time zone':
      return 'timestamp';
    case 'timestamp with time zone':
      return 'timestamptz';
    case 'time without time zone':
      return 'time';
    case 'double precision':
      return 'double';
    default:
      return t;
  }
}

const PG_ACTIONS: Record<string, string> = { a: 'no action', r: 'restrict', c: 'cascade', n: 'set null', d: 'set default' };

async function postgres(engine: Engine, table: string, schema?: string): Promise<TableInfo> {
  const ns = schema ?? str((await rows(engine, sql`SELECT current_schema() AS s`))[0]!.s);
  const cols = await rows(
    engine,
    sql`SELECT column_name, data_type, character_maximum_length, numeric_precision, numeric_scale, is_nullable, column_default, is_identity
        FROM information_schema.columns WHERE table_schema = ${ns} AND table_name = ${table} ORDER BY ordinal_position`,
  );
  const columns = cols.map((c) => ({
    name: str(c.column_name),
    type: pgType(c),
    nullable: str(c.is_nullable) === 'YES',
    default: c.column_default === null ? null : str(c.column_default),
    autoIncrement: str(c.is_identity) === 'YES' || str(c.column_default).startsWith('nextval('),
  }));
  const rel = sql`(SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ${ns} AND c.relname = ${table})`;
  const colList = (arr: string, relid: string) =>
    sql`(SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(${sql.identifier(arr)}) WITH ORDINALITY k(attnum, n) JOIN pg_attribute a ON a.attrelid = ${sql.identifier(relid)} AND a.attnum = k.attnum)`;
  const ix = await rows(
    engine,
    sql`SELECT i.relname AS name, x.indisunique AS uniq, x.indisprimary AS prim,
               (SELECT string_agg(a.attname, ',' ORDER BY k.n) FROM unnest(x.indkey) WITH ORDINALITY k(attnum, n)
                JOIN pg_attribute a ON a.attrelid = x.indrelid AND a.attnum = k.attnum) AS cols
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid WHERE x.indrelid = ${rel}`,
  );
  const primaryKey = str(ix.find((r) => r.prim === true)?.cols).split(',').filter(Boolean);
  const indexes = ix.filter((r) => r.prim !== true).map((r) => ({ name: str(r.name), unique: r.uniq === true, columns: str(r.cols).split(',') }));
  const fk = await rows(
    engine,
    sql`SELECT f.confdeltype AS del, r.relname AS ref, ${colList('conkey', 'conrelid')} AS cols, ${colList('confkey', 'confrelid')} AS refcols
        FROM pg_constraint f JOIN pg_class r ON r.oid = f.confrelid WHERE f.contype = 'f' AND f.conrelid = ${rel}`,
  );
  const foreignKeys = fk.map((r) => ({
    columns: str(r.cols).split(','),
    refTable: str(r.ref),
    refColumns: str(r.refcols).split(','),
    onDelete: PG_ACTIONS[str(r.del)] ?? str(r.del),
  }));
  return { columns, primaryKey, indexes, foreignKeys };
}

function mysqlType(columnType: string): string {
  const t = squash(columnType);
  if (t === 'tinyint(1)') return 'boolean';
  return t.replace(/^(int|bigint|smallint|tinyint)\(\d+\)/, '$1');
}

async function mysql(engine: Engine, table: string): Promise<TableInfo> {
  const cols = await rows(
    engine,
    sql`SELECT column_name AS name, column_type AS type, is_nullable AS nullable, column_default AS dflt, extra
        FROM information_schema.columns WHERE table_schema = DATABASE() AND table_name = ${table} ORDER BY ordinal_position`,
  );
  const columns = cols.map((c) => ({
    name: str(c.name),
    type: mysqlType(str(c.type)),
    nullable: str(c.nullable) === 'YES',
    // MariaDB prints "no default" as the string NULL for nullable columns.
    default: c.dflt === null || str(c.dflt) === 'NULL' ? null : str(c.dflt),
    autoIncrement: str(c.extra).includes('auto_increment'),
  }));
  const stats = await rows(
    engine,
    sql`SELECT index_name AS name, non_unique AS nonu, column_name AS col, seq_in_index AS seq
        FROM information_schema.statistics WHERE table_schema = DATABASE() AND table_name = ${table} ORDER BY index_name, seq_in_index`,
  );
  const byName = new Map<string, IndexInfo>();
  for (const s of stats) {
    const name = str(s.name);
    const prev = byName.get(name);
    byName.set(name, { name, unique: Number(s.nonu) === 0, columns: [...(prev?.columns ?? []), str(s.col)] });
  }
  const primaryKey = [...(byName.get('PRIMARY')?.columns ?? [])];
  byName.delete('PRIMARY');
  const fk = await rows(
    engine,
    sql`SELECT k.constraint_name AS name, k.column_name AS col, k.referenced_table_name AS ref, k.referenced_column_name AS refcol, r.delete_rule AS del
        FROM information_schema.key_column_usage k
        JOIN information_schema.referential_constraints r ON r.constraint_schema = k.constraint_schema AND r.constraint_name = k.constraint_name
        WHERE k.table_schema = DATABASE() AND k.table_name = ${table} ORDER BY k.constraint_name, k.ordinal_position`,
  );
  const fks = new Map<string, { columns: string[]; refTable: string; refColumns: string[]; onDelete: string }>();
  for (const r of fk) {
    const entry = fks.get(str(r.name)) ?? { columns: [], refTable: str(r.ref), refColumns: [], onDelete: str(r.del).toLowerCase() };
    entry.columns.push(str(r.col));
    entry.refColumns.push(str(r.refcol));
    fks.set(str(r.name), entry);
  }
  return { columns, primaryKey, indexes: [...byName.values()], foreignKeys: [...fks.values()] };
}

export function introspect(engine: Engine, dialect: string, table: string, schema?: string): Promise<TableInfo> {
  if (dialect === 'sqlite') return sqlite(engine, table);
  if (dialect === 'postgres') return postgres(engine, table, schema);
  return mysql(engine, table);
}

export function column(info: TableInfo, name: string): ColumnInfo {
  const c = info.columns.find((x) => x.name === name);
  if (!c) throw new Error(`no column ${name}; columns: ${info.columns.map((x) => x.name).join(', ')}`);
  return c;
}

/** Whether some index (unique or not, as asked) covers exactly these columns in this order. */
export function hasIndex(info: TableInfo, columns: readonly string[], unique: boolean): boolean {
  return info.indexes.some((i) => i.unique === unique && i.columns.join() === columns.join());
}

/** SQLite and MySQL report NO ACTION for a foreign key declared without ON DELETE; PostgreSQL too. */
export function foreignKey(info: TableInfo, columns: readonly string[]): ForeignKeyInfo | undefined {
  return info.foreignKeys.find((f) => f.columns.join() === columns.join());
}

/** The table names of the current database/schema. */
export async function tableNames(engine: Engine, dialect: string): Promise<string[]> {
  const q =
    dialect === 'sqlite'
      ? sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
      : dialect === 'postgres'
        ? sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = current_schema()`
        : sql`SELECT table_name AS name FROM information_schema.tables WHERE table_schema = DATABASE()`;
  return (await rows(engine, q)).map((r) => str(r.name)).sort();
}
