import { boolean, integer, json, numeric, table, text, timestamp, varchar } from '@athanor/core';
import type { SqlDialect } from '@athanor/core';
import { mariadbDialect } from '@athanor/mysql';
import { postgresDialect } from '@athanor/postgres';
import { sqliteDialect } from '@athanor/sqlite';

export const customers = table('customers', {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  email: varchar(100).unique(),
  active: boolean().notNull().default(true),
  createdAt: timestamp().notNull().default(() => new Date(0)).named('created_at'),
});

export const orders = table('orders', {
  id: integer().primaryKey(),
  customerId: integer().notNull().references(() => customers.id, { onDelete: 'cascade' }).named('customer_id').index(),
  total: numeric(10, 2).notNull(),
  note: text(),
  meta: json<{ tags: string[] }>(),
});

export const dialects: Record<'sqlite' | 'postgres' | 'mysql', SqlDialect> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  // The servers Athanor is tested on are MariaDB; the 'mysql' flavor differs only in RETURNING.
  mysql: mariadbDialect,
};

type Expected = { sqlite: string; postgres: string; mysql: string } | string;

/** Assert the SQL per dialect; a plain string is the SQLite/PostgreSQL form with "…" quoting, made per dialect. */
export function expectSql(stmt: { compile(d: SqlDialect): { sql: string; params: readonly unknown[] } }, expected: Expected, params?: Partial<Record<keyof typeof dialects, unknown[]>> | unknown[]): void {
  for (const [name, dialect] of Object.entries(dialects) as [keyof typeof dialects, SqlDialect][]) {
    const out = stmt.compile(dialect);
    const want = typeof expected === 'string' ? expected : expected[name];
    expect({ dialect: name, sql: out.sql }).toEqual({ dialect: name, sql: want });
    if (params) {
      const p = Array.isArray(params) ? params : params[name];
      if (p) expect({ dialect: name, params: out.params }).toEqual({ dialect: name, params: p });
    }
  }
}

/** The same SQL with `?` placeholders for SQLite and MySQL (backtick-quoted) and `$n` for PostgreSQL. */
export function forms(sqliteForm: string): { sqlite: string; postgres: string; mysql: string } {
  let i = 0;
  return {
    sqlite: sqliteForm,
    postgres: sqliteForm.replace(/\?/g, () => `$${++i}`),
    mysql: sqliteForm.replace(/"/g, '`'),
  };
}
