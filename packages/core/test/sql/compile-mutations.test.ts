import {
  createTable, deleteFrom, dropTable, excluded, insert, InvalidArgumentError, MetaData, select, sql, table, integer, varchar, update,
  UnsupportedError, enumType, check, primaryKey,
} from '@athanor/core';
import { mysqlDialect } from '@athanor/mysql';
import { customers, dialects, expectSql, forms, orders } from './fixtures';

const c = customers;
const o = orders;
const EPOCH = new Date(0);

describe('insert, update, delete compile per dialect', () => {
  test('multi-row insert binds every value and applies client defaults per row', () => {
    const q = insert(c).values([{ name: 'Ann', email: 'a@x' }, { name: 'Bob', active: false }]);
    expectSql(
      q,
      {
        // SQLite has no DEFAULT in VALUES: a column without a server default gets NULL, as DEFAULT would.
        sqlite: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES (?, ?, ?, ?), (?, NULL, ?, ?)',
        postgres: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES ($1, $2, $3, $4), ($5, DEFAULT, $6, $7)',
        mysql: 'INSERT INTO `customers` (`name`, `email`, `active`, `created_at`) VALUES (?, ?, ?, ?), (?, DEFAULT, ?, ?)',
      },
      { postgres: ['Ann', 'a@x', true, '1970-01-01T00:00:00.000Z', 'Bob', false, '1970-01-01T00:00:00.000Z'] },
    );
  });

  test('a default function runs once per row, never one shared value', () => {
    let calls = 0;
    const t = table('t', { id: integer().primaryKey(), tag: varchar(10).notNull().default(() => `tag${++calls}`) });
    const out = insert(t).values([{}, {}, {}]).toSQL(dialects.postgres);
    expect(out.params).toEqual(['tag1', 'tag2', 'tag3']);
  });

  test('a row of only defaults', () => {
    const t = table('t', { id: integer().primaryKey() });
    expectSql(insert(t).values({}), { sqlite: 'INSERT INTO "t" DEFAULT VALUES', postgres: 'INSERT INTO "t" DEFAULT VALUES', mysql: 'INSERT INTO `t` () VALUES ()' });
  });

  test('insert from select', () => {
    const archive = table('archive', { id: integer().primaryKey(), name: varchar(100).notNull() });
    expectSql(insert(archive).fromSelect([archive.id, archive.name], select(c.id, c.name).from(c).where(c.active.eq(false))), forms('INSERT INTO "archive" ("id", "name") SELECT "customers"."id" AS "id", "customers"."name" AS "name" FROM "customers" WHERE "customers"."active" = ?'));
  });

  test('returning on PostgreSQL, SQLite and MariaDB inserts', () => {
    expectSql(insert(c).values({ name: 'Ann', createdAt: EPOCH }).returning(c.id), forms('INSERT INTO "customers" ("name", "active", "created_at") VALUES (?, ?, ?) RETURNING "customers"."id" AS "id"'));
  });

  test('upsert: ON CONFLICT on SQLite and PostgreSQL, ON DUPLICATE KEY UPDATE on MySQL', () => {
    const base = insert(c).values({ name: 'Ann', email: 'a@x', createdAt: EPOCH });
    expectSql(base.onConflict(c.email).doUpdate(['name']), {
      sqlite: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES (?, ?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name"',
      postgres: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES ($1, $2, $3, $4) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name"',
      mysql: 'INSERT INTO `customers` (`name`, `email`, `active`, `created_at`) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE `name` = VALUES(`name`)',
    });
    expectSql(base.onConflict(c.email).doUpdate({ name: excluded(c.name).concat('!') }), {
      sqlite: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES (?, ?, ?, ?) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name" || ?',
      postgres: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES ($1, $2, $3, $4) ON CONFLICT ("email") DO UPDATE SET "name" = EXCLUDED."name" || $5',
      mysql: 'INSERT INTO `customers` (`name`, `email`, `active`, `created_at`) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE `name` = CONCAT(VALUES(`name`), ?)',
    });
    expectSql(base.onConflict(c.email).doNothing(), {
      sqlite: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES (?, ?, ?, ?) ON CONFLICT ("email") DO NOTHING',
      postgres: 'INSERT INTO "customers" ("name", "email", "active", "created_at") VALUES ($1, $2, $3, $4) ON CONFLICT ("email") DO NOTHING',
      mysql: 'INSERT INTO `customers` (`name`, `email`, `active`, `created_at`) VALUES (?, ?, ?, ?) ON DUPLICATE KEY UPDATE `email` = `email`',
    });
  });

  test('update sets only what is given; where clauses AND together', () => {
    const q = update(o).set({ note: 'paid', total: o.total.add('1') }).where(o.id.eq(7)).where(o.customerId.eq(3));
    expectSql(q, forms('UPDATE "orders" SET "note" = ?, "total" = "orders"."total" + ? WHERE "orders"."id" = ? AND "orders"."customer_id" = ?'), ['paid', '1', 7, 3]);
    expectSql(update(o).set({ note: null }), forms('UPDATE "orders" SET "note" = ?'), [null]);
  });

  test('UPDATE … RETURNING is refused on MariaDB with a clear error', () => {
    const q = update(o).set({ note: 'x' }).returning(o.id);
    expect(q.toSQL(dialects.postgres).sql).toBe('UPDATE "orders" SET "note" = $1 RETURNING "orders"."id" AS "id"');
    expect(() => q.toSQL(dialects.mysql)).toThrow(UnsupportedError);
  });

  test('the MySQL flavor refuses every RETURNING; MariaDB takes it on INSERT and DELETE', () => {
    const q = insert(c).values({ name: 'Ann' }).returning(c.id);
    expect(() => q.toSQL(mysqlDialect)).toThrow(/INSERT … RETURNING is not supported on mysql/);
    expect(() => deleteFrom(c).returning(c.id).toSQL(mysqlDialect)).toThrow(UnsupportedError);
    expect(deleteFrom(c).returning(c.id).toSQL(dialects.mysql).sql).toBe('DELETE FROM `customers` RETURNING `customers`.`id` AS `id`');
  });

  test('delete with where and returning', () => {
    expectSql(deleteFrom(o).where(o.id.in([1, 2, 3])).returning(o.id), forms('DELETE FROM "orders" WHERE "orders"."id" IN (?, ?, ?) RETURNING "orders"."id" AS "id"'), [1, 2, 3]);
  });

  test('bad input to mutations is refused with the reason', () => {
    expect(() => insert(c).values({ nmae: 'typo' } as never)).toThrow(/has no column "nmae"/);
    expect(() => insert(c).values([])).toThrow(/got no rows/);
    expect(() => update(c).set({ name: undefined })).toThrow(/name is undefined/);
    expect(() => update(c).toSQL(dialects.sqlite)).toThrow(/nothing to set/);
    expect(() => insert(c).toSQL(dialects.sqlite)).toThrow(InvalidArgumentError);
  });
});

describe('DDL compiles per dialect', () => {
  test('create table with keys, defaults, uniques, checks, foreign keys and indexes', () => {
    const statements = createTable(o);
    expect(statements.map((s) => s.toSQL(dialects.sqlite).sql)).toEqual([
      'CREATE TABLE "orders" ("id" INTEGER PRIMARY KEY, "customer_id" INTEGER NOT NULL, "total" NUMERIC(10, 2) NOT NULL, "note" TEXT, "meta" TEXT, CONSTRAINT "fk_orders_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE)',
      'CREATE INDEX "ix_orders_customer_id" ON "orders" ("customer_id")',
    ]);
    expect(statements[0]!.toSQL(dialects.postgres).sql).toBe(
      'CREATE TABLE "orders" ("id" integer GENERATED BY DEFAULT AS IDENTITY, "customer_id" integer NOT NULL, "total" numeric(10, 2) NOT NULL, "note" text, "meta" jsonb, PRIMARY KEY ("id"), CONSTRAINT "fk_orders_customer_id" FOREIGN KEY ("customer_id") REFERENCES "customers" ("id") ON DELETE CASCADE)',
    );
    expect(statements[0]!.toSQL(dialects.mysql).sql).toBe(
      'CREATE TABLE `orders` (`id` INT NOT NULL AUTO_INCREMENT, `customer_id` INT NOT NULL, `total` DECIMAL(10, 2) NOT NULL, `note` LONGTEXT, `meta` JSON, PRIMARY KEY (`id`), CONSTRAINT `fk_orders_customer_id` FOREIGN KEY (`customer_id`) REFERENCES `customers` (`id`) ON DELETE CASCADE) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_nopad_bin',
    );
  });

  test('server defaults and checks are inlined as escaped literals', () => {
    const t = table('t', {
      id: integer().primaryKey(),
      status: enumType(['new', "it's"]).notNull().serverDefault(sql`${'new'}`),
      n: integer().check((n) => n.gt(0)),
    });
    expect(createTable(t)[0]!.toSQL(dialects.postgres)).toEqual({
      sql: `CREATE TABLE "t" ("id" integer GENERATED BY DEFAULT AS IDENTITY, "status" text NOT NULL DEFAULT 'new' CHECK ("status" IN ('new', 'it''s')), "n" integer, PRIMARY KEY ("id"), CONSTRAINT "ck_t_n" CHECK ("t"."n" > 0))`,
      params: [],
    });
    expect(createTable(t)[0]!.toSQL(dialects.mysql).sql).toContain("`status` ENUM('new', 'it''s') NOT NULL DEFAULT 'new'");
  });

  test('composite primary keys and table-level constraints', () => {
    const link = table('link', { a: integer().notNull(), b: integer().notNull(), w: integer() }, {
      constraints: (t) => [
        primaryKey(t.a, t.b),
        check('ck_w', t.w.gte(0)),
      ],
    });
    expect(createTable(link)[0]!.toSQL(dialects.sqlite).sql).toBe('CREATE TABLE "link" ("a" INTEGER NOT NULL, "b" INTEGER NOT NULL, "w" INTEGER, PRIMARY KEY ("a", "b"), CONSTRAINT "ck_w" CHECK ("link"."w" >= 0))');
  });

  test('MetaData orders creation by foreign keys and drops in reverse', () => {
    const md = new MetaData([o, c]);
    expect(md.sorted().map((t) => t.$name)).toEqual(['customers', 'orders']);
    expect(md.dropStatements(dialects.postgres, { ifExists: true }).map((s) => s.toSQL(dialects.postgres).sql)).toEqual(['DROP TABLE IF EXISTS "orders"', 'DROP TABLE IF EXISTS "customers"']);
    expect(dropTable(c).toSQL(dialects.mysql).sql).toBe('DROP TABLE `customers`');
  });
});
