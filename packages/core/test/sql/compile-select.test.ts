import {
  alias, and, asc, caseWhen, cast, cte, desc, exists, func, InvalidArgumentError, not, notExists, or, recursiveCte, select, sql, types,
  UnsupportedError, union, value,
} from '@athanor/core';
import { customers, dialects, expectSql, forms, orders } from './fixtures';

const c = customers;
const o = orders;

describe('select compiles per dialect', () => {
  test('columns, where with bound values, order, limit and offset', () => {
    const q = select(c.id, c.name).from(c).where(and(c.active.eq(true), c.name.like('A%'))).orderBy(c.name.desc()).limit(10).offset(20);
    expectSql(
      q,
      {
        sqlite: 'SELECT "customers"."id" AS "id", "customers"."name" AS "name" FROM "customers" WHERE "customers"."active" = ? AND "customers"."name" LIKE ? ORDER BY "customers"."name" DESC LIMIT ? OFFSET ?',
        postgres: 'SELECT "customers"."id" AS "id", "customers"."name" AS "name" FROM "customers" WHERE "customers"."active" = $1 AND "customers"."name" LIKE $2 ORDER BY "customers"."name" DESC LIMIT $3 OFFSET $4',
        mysql: 'SELECT `customers`.`id` AS `id`, `customers`.`name` AS `name` FROM `customers` WHERE `customers`.`active` = ? AND `customers`.`name` LIKE ? ORDER BY `customers`.`name` DESC LIMIT 10 OFFSET 20',
      },
      { sqlite: [1, 'A%', 10, 20], postgres: [true, 'A%', 10, 20], mysql: [1, 'A%'] },
    );
  });

  test('select(table).from(table) names the table once', () => {
    expect(select(c).from(c).toSQL(dialects.sqlite).sql).toBe(select(c).toSQL(dialects.sqlite).sql);
  });

  test('select(table) selects every column from it, with database names and property keys', () => {
    expectSql(select(c), forms('SELECT "customers"."id" AS "id", "customers"."name" AS "name", "customers"."email" AS "email", "customers"."active" AS "active", "customers"."created_at" AS "createdAt" FROM "customers"'));
  });

  test('join + group by + having + order by an aggregate', () => {
    const q = select({ name: c.name, orders: func.count(o.id), spent: func.sum(o.total) })
      .from(c)
      .innerJoin(o, o.customerId.eq(c.id))
      .groupBy(c.id, c.name)
      .having(func.count(o.id).gt(2))
      .orderBy(desc(func.sum(o.total)));
    expectSql(
      q,
      forms('SELECT "customers"."name" AS "name", count("orders"."id") AS "orders", sum("orders"."total") AS "spent" FROM "customers" INNER JOIN "orders" ON "orders"."customer_id" = "customers"."id" GROUP BY "customers"."id", "customers"."name" HAVING count("orders"."id") > ? ORDER BY sum("orders"."total") DESC'),
      [2],
    );
  });

  test('left, right, cross joins; full join where the dialect has it', () => {
    expectSql(select(c.id).from(c).leftJoin(o, o.customerId.eq(c.id)), forms('SELECT "customers"."id" AS "id" FROM "customers" LEFT OUTER JOIN "orders" ON "orders"."customer_id" = "customers"."id"'));
    expectSql(select(c.id).from(c).rightJoin(o, o.customerId.eq(c.id)), forms('SELECT "customers"."id" AS "id" FROM "customers" RIGHT OUTER JOIN "orders" ON "orders"."customer_id" = "customers"."id"'));
    expectSql(select(c.id).from(c).crossJoin(o), forms('SELECT "customers"."id" AS "id" FROM "customers" CROSS JOIN "orders"'));
    const full = select(c.id).from(c).fullJoin(o, o.customerId.eq(c.id));
    expect(full.toSQL(dialects.postgres).sql).toContain('FULL OUTER JOIN');
    expect(() => full.toSQL(dialects.mysql)).toThrow(UnsupportedError);
    expect(() => full.toSQL(dialects.mysql)).toThrow(/FULL OUTER JOIN is not supported on mariadb/);
  });

  test('self-join through an alias', () => {
    const referrer = alias(c, 'referrer');
    expectSql(select({ a: c.name, b: referrer.name }).from(c).innerJoin(referrer, referrer.id.eq(c.id)), forms('SELECT "customers"."name" AS "a", "referrer"."name" AS "b" FROM "customers" INNER JOIN "customers" AS "referrer" ON "referrer"."id" = "customers"."id"'));
  });

  test('every comparison operator, in/notIn, between, null checks, or/not', () => {
    const q = select(c.id).from(c).where(
      or(
        c.id.ne(1), c.id.gt(2), c.id.gte(3), c.id.lt(4), c.id.lte(5), c.id.in([6, 7]), c.id.notIn([8]),
        c.id.between(9, 10), c.email.isNull(), c.email.isNotNull(), not(c.name.notLike('x')),
      ),
    );
    expectSql(q, forms('SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."id" <> ? OR "customers"."id" > ? OR "customers"."id" >= ? OR "customers"."id" < ? OR "customers"."id" <= ? OR "customers"."id" IN (?, ?) OR "customers"."id" NOT IN (?) OR "customers"."id" BETWEEN ? AND ? OR "customers"."email" IS NULL OR "customers"."email" IS NOT NULL OR NOT ("customers"."name" NOT LIKE ?)'), [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 'x']);
  });

  test('an empty IN list is always false, an empty NOT IN always true', () => {
    expectSql(select(c.id).from(c).where(c.id.in([])), forms('SELECT "customers"."id" AS "id" FROM "customers" WHERE 1 = 0'));
    expectSql(select(c.id).from(c).where(c.id.notIn([])), forms('SELECT "customers"."id" AS "id" FROM "customers" WHERE 1 = 1'));
  });

  test('ILIKE is native on PostgreSQL and emulated with LOWER elsewhere', () => {
    expectSql(select(c.id).from(c).where(c.name.ilike('%ann%')), {
      sqlite: 'SELECT "customers"."id" AS "id" FROM "customers" WHERE LOWER("customers"."name") LIKE LOWER(?)',
      postgres: 'SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."name" ILIKE $1',
      mysql: 'SELECT `customers`.`id` AS `id` FROM `customers` WHERE LOWER(`customers`.`name`) LIKE LOWER(?)',
    });
  });

  test('nulls first/last is native where possible and emulated on MySQL', () => {
    expectSql(select(c.id).from(c).orderBy(asc(c.email).nullsLast()), {
      sqlite: 'SELECT "customers"."id" AS "id" FROM "customers" ORDER BY "customers"."email" ASC NULLS LAST',
      postgres: 'SELECT "customers"."id" AS "id" FROM "customers" ORDER BY "customers"."email" ASC NULLS LAST',
      mysql: 'SELECT `customers`.`id` AS `id` FROM `customers` ORDER BY `customers`.`email` IS NULL ASC, `customers`.`email` ASC',
    });
  });

  test('arithmetic, concatenation, case, cast, coalesce', () => {
    const q = select({
      doubled: o.total.mul('2'),
      label: c.name.concat('!'),
      size: caseWhen(o.total.gt('100'), 'big').else('small'),
      asText: cast(c.id, types.text),
      email: func.coalesce(c.email, 'none'),
    }).from(c).innerJoin(o, o.customerId.eq(c.id));
    expectSql(q, {
      sqlite: 'SELECT "orders"."total" * ? AS "doubled", "customers"."name" || ? AS "label", CASE WHEN "orders"."total" > ? THEN ? ELSE ? END AS "size", CAST("customers"."id" AS TEXT) AS "asText", coalesce("customers"."email", ?) AS "email" FROM "customers" INNER JOIN "orders" ON "orders"."customer_id" = "customers"."id"',
      // PostgreSQL cannot infer the type of a parameter in a select list: typed ones are cast.
      postgres: 'SELECT "orders"."total" * CAST($1 AS numeric) AS "doubled", "customers"."name" || CAST($2 AS text) AS "label", CASE WHEN "orders"."total" > CAST($3 AS numeric) THEN CAST($4 AS text) ELSE CAST($5 AS text) END AS "size", CAST("customers"."id" AS text) AS "asText", coalesce("customers"."email", $6) AS "email" FROM "customers" INNER JOIN "orders" ON "orders"."customer_id" = "customers"."id"',
      mysql: 'SELECT `orders`.`total` * ? AS `doubled`, CONCAT(`customers`.`name`, ?) AS `label`, CASE WHEN `orders`.`total` > ? THEN ? ELSE ? END AS `size`, CAST(`customers`.`id` AS CHAR) AS `asText`, coalesce(`customers`.`email`, ?) AS `email` FROM `customers` INNER JOIN `orders` ON `orders`.`customer_id` = `customers`.`id`',
    });
  });

  test('subqueries: scalar, IN, EXISTS, and in FROM under an alias', () => {
    const big = select(o.customerId).from(o).where(o.total.gt('100'));
    expectSql(select(c.id).from(c).where(c.id.in(big)), forms('SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."id" IN (SELECT "orders"."customer_id" AS "customerId" FROM "orders" WHERE "orders"."total" > ?)'), ['100']);
    expectSql(select(c.id).from(c).where(exists(select(o.id).from(o).where(o.customerId.eq(c.id)))), forms('SELECT "customers"."id" AS "id" FROM "customers" WHERE EXISTS (SELECT "orders"."id" AS "id" FROM "orders" WHERE "orders"."customer_id" = "customers"."id")'));
    expectSql(select(c.id).from(c).where(notExists(select(o.id).from(o))), forms('SELECT "customers"."id" AS "id" FROM "customers" WHERE NOT EXISTS (SELECT "orders"."id" AS "id" FROM "orders")'));
    const count = select({ n: func.count() }).from(o).where(o.customerId.eq(c.id)).scalar();
    expectSql(select({ id: c.id, n: count }).from(c), forms('SELECT "customers"."id" AS "id", (SELECT count(*) AS "n" FROM "orders" WHERE "orders"."customer_id" = "customers"."id") AS "n" FROM "customers"'));
    const totals = select({ customerId: o.customerId, spent: func.sum(o.total) }).from(o).groupBy(o.customerId).as('totals');
    expectSql(select({ name: c.name, spent: totals.spent }).from(c).innerJoin(totals, totals.customerId.eq(c.id)), forms('SELECT "customers"."name" AS "name", "totals"."spent" AS "spent" FROM "customers" INNER JOIN (SELECT "orders"."customer_id" AS "customerId", sum("orders"."total") AS "spent" FROM "orders" GROUP BY "orders"."customer_id") AS "totals" ON "totals"."customerId" = "customers"."id"'));
  });

  test('CTEs, plain and recursive', () => {
    const big = cte('big', select({ id: o.id, customerId: o.customerId }).from(o).where(o.total.gt('100')));
    expectSql(select({ id: big.id }).from(big).with(big), forms('WITH "big" ("id", "customerId") AS (SELECT "orders"."id" AS "id", "orders"."customer_id" AS "customerId" FROM "orders" WHERE "orders"."total" > ?) SELECT "big"."id" AS "id" FROM "big"'));
    const counter = recursiveCte('counter', select({ n: value(1) }), (self) => select({ n: self.n.add(1) }).from(self).where(self.n.lt(5)));
    const recursive = forms('WITH RECURSIVE "counter" ("n") AS (SELECT ? AS "n" UNION ALL SELECT "counter"."n" + ? AS "n" FROM "counter" WHERE "counter"."n" < ?) SELECT "counter"."n" AS "n" FROM "counter"');
    // PostgreSQL cannot infer a bare select-list parameter's type, so it is cast.
    recursive.postgres = recursive.postgres.replace('SELECT $1 AS', 'SELECT CAST($1 AS integer) AS').replace('+ $2', '+ CAST($2 AS integer)');
    expectSql(select({ n: counter.n }).from(counter).with(counter), recursive, [1, 1, 5]);
  });

  test('union, union all, intersect, except with ordering of the whole result', () => {
    const a = select({ id: c.id }).from(c).where(c.active.eq(true));
    const b = select({ id: o.customerId }).from(o);
    expectSql(union(a, b).orderBy({ key: 'id', direction: 'desc' }).limit(5), {
      sqlite: 'SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."active" = ? UNION SELECT "orders"."customer_id" AS "id" FROM "orders" ORDER BY "id" DESC LIMIT ?',
      postgres: 'SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."active" = $1 UNION SELECT "orders"."customer_id" AS "id" FROM "orders" ORDER BY "id" DESC LIMIT $2',
      mysql: 'SELECT `customers`.`id` AS `id` FROM `customers` WHERE `customers`.`active` = ? UNION SELECT `orders`.`customer_id` AS `id` FROM `orders` ORDER BY `id` DESC LIMIT 5',
    });
    expect(a.unionAll(b).toSQL(dialects.sqlite).sql).toContain(' UNION ALL ');
    expect(a.intersect(b).toSQL(dialects.postgres).sql).toContain(' INTERSECT ');
    expect(a.except(b).toSQL(dialects.mysql).sql).toContain(' EXCEPT ');
    // A part with its own LIMIT is wrapped so every dialect accepts it.
    expect(union(a.limit(1), b).toSQL(dialects.sqlite).sql).toBe('SELECT * FROM (SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."active" = ? LIMIT ?) AS "_part0" UNION SELECT "orders"."customer_id" AS "id" FROM "orders"');
  });

  test('window functions', () => {
    const q = select({ id: o.id, rank: func.rank().over({ partitionBy: [o.customerId], orderBy: [desc(o.total)] }) }).from(o);
    expectSql(q, forms('SELECT "orders"."id" AS "id", rank() OVER (PARTITION BY "orders"."customer_id" ORDER BY "orders"."total" DESC) AS "rank" FROM "orders"'));
  });

  test('distinct, offset without limit, and row locks (left out on SQLite)', () => {
    expectSql(select(c.name).from(c).distinct().offset(5), {
      sqlite: 'SELECT DISTINCT "customers"."name" AS "name" FROM "customers" LIMIT -1 OFFSET ?',
      postgres: 'SELECT DISTINCT "customers"."name" AS "name" FROM "customers" OFFSET $1',
      mysql: 'SELECT DISTINCT `customers`.`name` AS `name` FROM `customers` LIMIT 18446744073709551615 OFFSET 5',
    });
    expectSql(select(c.id).from(c).where(c.id.eq(1)).forUpdate({ skipLocked: true }), {
      sqlite: 'SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."id" = ?',
      postgres: 'SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."id" = $1 FOR UPDATE SKIP LOCKED',
      mysql: 'SELECT `customers`.`id` AS `id` FROM `customers` WHERE `customers`.`id` = ? FOR UPDATE SKIP LOCKED',
    });
    expectSql(select(c.id).from(c).forShare(), {
      sqlite: 'SELECT "customers"."id" AS "id" FROM "customers"',
      postgres: 'SELECT "customers"."id" AS "id" FROM "customers" FOR SHARE',
      mysql: 'SELECT `customers`.`id` AS `id` FROM `customers` LOCK IN SHARE MODE',
    });
  });

  test('builders are immutable: a base query can be reused', () => {
    const base = select(c.id).from(c);
    const filtered = base.where(c.id.eq(1));
    const ordered = base.orderBy(c.id);
    expect(base.toSQL(dialects.sqlite).sql).toBe('SELECT "customers"."id" AS "id" FROM "customers"');
    expect(filtered.toSQL(dialects.sqlite).sql).toBe('SELECT "customers"."id" AS "id" FROM "customers" WHERE "customers"."id" = ?');
    expect(ordered.toSQL(dialects.sqlite).sql).toBe('SELECT "customers"."id" AS "id" FROM "customers" ORDER BY "customers"."id" ASC');
    expect(Object.isFrozen(base.node)).toBe(true);
  });

  test('the sql template binds every interpolated value and quotes identifiers', () => {
    const evil = "x'; DROP TABLE customers; --";
    const q = sql`SELECT * FROM ${sql.identifier('we"ird')} WHERE ${c.name} = ${evil} AND n > ${5}`;
    expectSql(q, {
      sqlite: 'SELECT * FROM "we""ird" WHERE "customers"."name" = ? AND n > ?',
      postgres: 'SELECT * FROM "we""ird" WHERE "customers"."name" = $1 AND n > $2',
      mysql: 'SELECT * FROM `we"ird` WHERE `customers`.`name` = ? AND n > ?',
    }, [evil, 5]);
    expect(sql`${sql.identifier('a`b')}`.toSQL(dialects.mysql).sql).toBe('`a``b`');
    expect(() => (sql as unknown as (s: string) => unknown)('select 1')).toThrow(InvalidArgumentError);
    expect(() => sql`x = ${undefined}`).toThrow(/undefined/);
  });

  test('bad input gets clear errors', () => {
    expect(() => c.id.eq(undefined as unknown as number)).toThrow(/eq\(\) got undefined/);
    expect(() => c.id.eq(null as unknown as number)).toThrow(/Use isNull\(\)/);
    expect(() => select(c.id).limit(-1)).toThrow(/non-negative integer/);
    expect(() => select(c.id).limit(1.5)).toThrow(InvalidArgumentError);
    expect(() => func['drop table x; --']!()).toThrow(/plain identifier/);
  });
});

describe('read-only marking (read replicas route on it)', () => {
  test('plain selects and compound queries only read; locks, DML and raw SQL may write', () => {
    expect(select(c.id).from(c).toSQL(dialects.postgres).readOnly).toBe(true);
    expect(union(select({ id: c.id }).from(c), select({ id: o.id }).from(o)).toSQL(dialects.postgres).readOnly).toBe(true);
    expect(select(c.id).from(c).forUpdate().toSQL(dialects.postgres).readOnly).toBeUndefined();
    expect(sql`select 1`.toSQL(dialects.postgres).readOnly).toBeUndefined();
  });
});
