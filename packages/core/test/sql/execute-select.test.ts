import {
  alias, and, asc, caseWhen, cast, cte, desc, except, exists, func, intersect, not, notExists, or, recursiveCte, select, sql, types,
  union, unionAll, UnsupportedError, value,
} from '@athanor/core';
import type { AnyExpression, Engine } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { customers as c, orders as o, seedShop, shopMetadata } from './execute-schema';

/**
 * SELECT and everything that goes in one, executed on every dialect against the same seed:
 *
 *   customers: 1 Ann (Paris), 2 Bob (Berlin, referred by Ann), 3 Cid (Paris, inactive, no
 *   email, referred by Ann), 4 Dee (no city, referred by Bob), 5 Eve (Rome, no orders)
 *   orders: Ann 100.00 + 250.50 + 20.00, Bob 75.25 + 300.00, Cid 5.00, Dee 60.00
 *
 * The data is read-only here: seeded once per dialect.
 */

const ids = (rows: readonly { id: number }[]): number[] => rows.map((r) => r.id);

describeEachDialect('Core select executes', (ctx) => {
  let db: Engine;

  beforeAll(async () => {
    db = ctx.createEngine();
    await shopMetadata.createAll(db);
    await seedShop(db);
  });

  test('select(table) returns typed rows with property keys and decoded values', async () => {
    const rows = await db.execute(select(c).where(c.id.eq(2)));
    expect(rows).toEqual([{ id: 2, name: 'Bob', email: 'BOB@X.COM', city: 'Berlin', active: true, referrerId: 1 }]);
    const inactive = await db.execute(select(c.id, c.active).from(c).where(c.active.eq(false)));
    expect(inactive).toEqual([{ id: 3, active: false }]);
  });

  test('join + group by + having + order by an aggregate', async () => {
    const count = func.count(o.id);
    const rows = await db.execute(
      select({ name: c.name, orders: count, spent: func.sum(o.total) })
        .from(c)
        .innerJoin(o, o.customerId.eq(c.id))
        .groupBy(c.id, c.name)
        .having(count.gte(2))
        .orderBy(desc(func.sum(o.total))),
    );
    expect(rows.map((r) => ({ ...r, spent: Number(r.spent) }))).toEqual([
      { name: 'Bob', orders: 2, spent: 375.25 },
      { name: 'Ann', orders: 3, spent: 370.5 },
    ]);
    // counts are numbers on every dialect (PostgreSQL and MySQL send them as 64-bit text)
    expect(typeof rows[0]!.orders).toBe('number');
  });

  test('left join keeps customers without orders; count of the joined column is 0', async () => {
    const rows = await db.execute(
      select({ name: c.name, orders: func.count(o.id) }).from(c).leftJoin(o, o.customerId.eq(c.id)).groupBy(c.id, c.name).orderBy(c.name),
    );
    expect(rows).toEqual([
      { name: 'Ann', orders: 3 },
      { name: 'Bob', orders: 2 },
      { name: 'Cid', orders: 1 },
      { name: 'Dee', orders: 1 },
      { name: 'Eve', orders: 0 },
    ]);
  });

  test('right join where supported; full join or a clear UnsupportedError', async () => {
    const right = await db.execute(select({ order: o.id, name: c.name }).from(c).rightJoin(o, o.customerId.eq(c.id)).orderBy(o.id));
    expect(right).toHaveLength(7);
    const full = select({ name: c.name, order: o.id }).from(c).fullJoin(o, o.customerId.eq(c.id)).orderBy(c.id, o.id);
    if (db.dialect.adapter.supportsFullJoin) {
      const rows = await db.execute(full);
      expect(rows).toHaveLength(8);
      expect(rows.filter((r) => r.order === null).map((r) => r.name)).toEqual(['Eve']);
    } else {
      await expect(db.execute(full)).rejects.toThrow(UnsupportedError);
    }
  });

  test('cross join multiplies the rows', async () => {
    const [row] = await db.execute(select({ n: func.count() }).from(c).crossJoin(o));
    expect(row!.n).toBe(35);
  });

  test('self-join through an alias', async () => {
    const referrer = alias(c, 'referrer');
    const rows = await db.execute(
      select({ name: c.name, referredBy: referrer.name }).from(c).innerJoin(referrer, referrer.id.eq(c.referrerId)).orderBy(c.id),
    );
    expect(rows).toEqual([
      { name: 'Bob', referredBy: 'Ann' },
      { name: 'Cid', referredBy: 'Ann' },
      { name: 'Dee', referredBy: 'Bob' },
    ]);
  });

  test('comparison operators, in/notIn, between, null checks, like, and/or/not', async () => {
    const where = async (cond: AnyExpression<boolean>) =>
      ids(await db.execute(select(c.id).from(c).where(cond).orderBy(c.id)));
    expect(await where(c.id.ne(1))).toEqual([2, 3, 4, 5]);
    expect(await where(c.id.gt(3))).toEqual([4, 5]);
    expect(await where(c.id.gte(3))).toEqual([3, 4, 5]);
    expect(await where(c.id.lt(2))).toEqual([1]);
    expect(await where(c.id.lte(2))).toEqual([1, 2]);
    expect(await where(c.id.in([2, 4, 99]))).toEqual([2, 4]);
    expect(await where(c.id.notIn([2, 4]))).toEqual([1, 3, 5]);
    expect(await where(c.id.in([]))).toEqual([]);
    expect(await where(c.id.notIn([]))).toEqual([1, 2, 3, 4, 5]);
    expect(await where(c.id.between(2, 4))).toEqual([2, 3, 4]);
    expect(await where(c.id.notBetween(2, 4))).toEqual([1, 5]);
    expect(await where(c.email.isNull())).toEqual([3]);
    expect(await where(c.city.isNotNull())).toEqual([1, 2, 3, 5]);
    expect(await where(c.name.like('_e%'))).toEqual([4]);
    expect(await where(c.name.notLike('%e%'))).toEqual([1, 2, 3]);
    expect(await where(or(c.city.eq('Rome'), and(c.city.eq('Paris'), c.active.eq(true))))).toEqual([1, 5]);
    expect(await where(not(c.city.eq('Paris')))).toEqual([2, 5]);
    // NULL city: neither = 'Paris' nor NOT (= 'Paris'); three-valued logic holds
    expect(await where(or(c.city.eq('Paris'), not(c.city.eq('Paris'))))).toEqual([1, 2, 3, 5]);
  });

  test('arithmetic and concatenation', async () => {
    const rows = await db.execute(
      select({ id: o.id, doubled: o.total.mul('2'), plusOne: o.id.add(1), label: c.name.concat(' #').concat(cast(o.id, types.text)) })
        .from(o)
        .innerJoin(c, c.id.eq(o.customerId))
        .where(o.id.in([11, 13]))
        .orderBy(o.id),
    );
    expect(rows.map((r) => ({ ...r, doubled: Number(r.doubled) }))).toEqual([
      { id: 11, doubled: 501, plusOne: 12, label: 'Ann #11' },
      { id: 13, doubled: 150.5, plusOne: 14, label: 'Bob #13' },
    ]);
  });

  test('order by several keys, limit, limit with offset', async () => {
    const byCity = await db.execute(select(c.id, c.city).from(c).where(c.city.isNotNull()).orderBy(asc(c.city), desc(c.id)));
    expect(ids(byCity)).toEqual([2, 3, 1, 5]);
    expect(ids(await db.execute(select(c.id).from(c).orderBy(c.id).limit(2)))).toEqual([1, 2]);
    expect(ids(await db.execute(select(c.id).from(c).orderBy(c.id).limit(2).offset(1)))).toEqual([2, 3]);
    expect(ids(await db.execute(select(c.id).from(c).orderBy(c.id).limit(0)))).toEqual([]);
  });

  test('offset without a limit skips rows and returns the rest', async () => {
    expect(ids(await db.execute(select(c.id).from(c).orderBy(c.id).offset(3)))).toEqual([4, 5]);
    expect(ids(await db.execute(union(select({ id: c.id }).from(c), select({ id: o.customerId }).from(o)).orderBy('id').offset(4)))).toEqual([5]);
  });

  test('nulls first / nulls last, native or emulated', async () => {
    const first = await db.execute(select(c.id).from(c).orderBy(asc(c.email).nullsFirst(), c.id));
    expect(ids(first)[0]).toBe(3);
    const last = await db.execute(select(c.id).from(c).orderBy(desc(c.city).nullsLast(), c.id));
    expect(ids(last)).toEqual([5, 1, 3, 2, 4]);
  });

  test('distinct', async () => {
    const rows = await db.execute(select(c.city).from(c).where(c.city.isNotNull()).distinct().orderBy(c.city));
    expect(rows).toEqual([{ city: 'Berlin' }, { city: 'Paris' }, { city: 'Rome' }]);
  });

  test('scalar subquery in the select list', async () => {
    const orderCount = select({ n: func.count() }).from(o).where(o.customerId.eq(c.id)).scalar<number>();
    const rows = await db.execute(select({ id: c.id, n: orderCount }).from(c).orderBy(c.id));
    expect(rows.map((r) => [r.id, Number(r.n)])).toEqual([
      [1, 3],
      [2, 2],
      [3, 1],
      [4, 1],
      [5, 0],
    ]);
  });

  test('IN and NOT IN a subquery', async () => {
    const paid = select(o.customerId).from(o).where(o.status.eq('paid'));
    expect(ids(await db.execute(select(c.id).from(c).where(c.id.in(paid)).orderBy(c.id)))).toEqual([1, 2]);
    expect(ids(await db.execute(select(c.id).from(c).where(c.id.notIn(paid)).orderBy(c.id)))).toEqual([3, 4, 5]);
  });

  test('EXISTS and NOT EXISTS, correlated', async () => {
    const hasBigOrder = exists(select(o.id).from(o).where(and(o.customerId.eq(c.id), o.total.gt('200'))));
    expect(ids(await db.execute(select(c.id).from(c).where(hasBigOrder).orderBy(c.id)))).toEqual([1, 2]);
    const noOrders = notExists(select(o.id).from(o).where(o.customerId.eq(c.id)));
    expect(ids(await db.execute(select(c.id).from(c).where(noOrders)))).toEqual([5]);
  });

  test('a derived table joined by its typed columns', async () => {
    const totals = select({ customerId: o.customerId, spent: func.sum(o.total), n: func.count() }).from(o).groupBy(o.customerId).as('totals');
    const rows = await db.execute(
      select({ name: c.name, spent: totals.spent, n: totals.n }).from(c).innerJoin(totals, totals.customerId.eq(c.id)).where(totals.n.gt(1)).orderBy(c.name),
    );
    expect(rows.map((r) => [r.name, Number(r.spent), Number(r.n)])).toEqual([
      ['Ann', 370.5, 3],
      ['Bob', 375.25, 2],
    ]);
  });

  test('a CTE', async () => {
    const big = cte('big', select({ id: o.id, customerId: o.customerId }).from(o).where(o.total.gte('100')));
    const rows = await db.execute(select({ name: c.name, order: big.id }).from(big).innerJoin(c, c.id.eq(big.customerId)).with(big).orderBy(big.id));
    expect(rows).toEqual([
      { name: 'Ann', order: 10 },
      { name: 'Ann', order: 11 },
      { name: 'Bob', order: 14 },
    ]);
  });

  // A bound value in the first part of a recursive CTE fixes the CTE column's type; the caller
  // typed it as an integer, so PostgreSQL must see an integer, not an untyped parameter.
  test('a recursive CTE counting from 1 to 5', async () => {
    const counter = recursiveCte('counter', select({ n: value(1, types.integer) }), (self) =>
      select({ n: self.n.add(1) }).from(self).where(self.n.lt(5)),
    );
    const rows = await db.execute(select({ n: counter.n }).from(counter).with(counter).orderBy(counter.n));
    expect(rows.map((r) => Number(r.n))).toEqual([1, 2, 3, 4, 5]);
  });

  test('a recursive CTE walking a tree: everyone Ann referred, directly or not', async () => {
    const tree = recursiveCte('tree', select({ id: c.id, name: c.name }).from(c).where(c.id.eq(1)), (self) =>
      select({ id: c.id, name: c.name }).from(c).innerJoin(self, c.referrerId.eq(self.id)),
    );
    const rows = await db.execute(select({ name: tree.name }).from(tree).with(tree).orderBy(tree.name));
    expect(rows.map((r) => r.name)).toEqual(['Ann', 'Bob', 'Cid', 'Dee']);
  });

  test('union, union all, intersect, except, with order and limit on the whole', async () => {
    const paris = select({ id: c.id }).from(c).where(c.city.eq('Paris')); // 1, 3
    const ordered = select({ id: o.customerId }).from(o); // 1, 1, 1, 2, 2, 3, 4
    expect(ids(await db.execute(union(paris, ordered).orderBy('id')))).toEqual([1, 2, 3, 4]);
    expect(await db.execute(unionAll(paris, ordered))).toHaveLength(9);
    expect(ids(await db.execute(paris.unionAll(ordered).orderBy({ key: 'id', direction: 'desc' }).limit(3)))).toEqual([4, 3, 3]);
    expect(ids(await db.execute(intersect(paris, ordered).orderBy('id')))).toEqual([1, 3]);
    expect(ids(await db.execute(except(ordered, paris).orderBy('id')))).toEqual([2, 4]);
    // a part with its own ORDER BY / LIMIT
    const top = select({ id: c.id }).from(c).orderBy(desc(c.id)).limit(1); // 5
    expect(ids(await db.execute(union(top, paris).orderBy('id')))).toEqual([1, 3, 5]);
  });

  // Chained set operations apply in the order written: (paris UNION ordered) INTERSECT one.
  // Flattened into `a UNION b INTERSECT c`, PostgreSQL and MariaDB would bind INTERSECT first.
  test('chained set operations apply in the order they were chained', async () => {
    const paris = select({ id: c.id }).from(c).where(c.city.eq('Paris')); // 1, 3
    const ordered = select({ id: o.customerId }).from(o); // 1, 2, 3, 4
    const one = select({ id: c.id }).from(c).where(c.id.eq(1));
    expect(ids(await db.execute(union(paris, ordered).intersect(one).orderBy('id')))).toEqual([1]);
    expect(ids(await db.execute(intersect(paris, ordered).union(one).orderBy('id')))).toEqual([1, 3]);
    expect(ids(await db.execute(except(ordered, paris).except(select({ id: c.id }).from(c).where(c.id.eq(2))).orderBy('id')))).toEqual([4]);
    const [n] = await db.execute(select({ n: func.count() }).from(union(paris, ordered).as('u')));
    expect(n!.n).toBe(4);
  });

  test('window functions: row_number, rank and a running aggregate per partition', async () => {
    const rows = await db.execute(
      select({
        id: o.id,
        n: func.rowNumber().over({ partitionBy: [o.customerId], orderBy: [desc(o.total)] }),
        rank: func.rank().over({ orderBy: [o.status] }),
        customerTotal: func.sum(o.total).over({ partitionBy: [o.customerId] }),
      })
        .from(o)
        .orderBy(o.id),
    );
    // row_number per customer by total desc; rank over status (new: 12, 15; paid: 10, 13, 14; shipped: 11, 16)
    expect(rows.map((r) => [r.id, Number(r.n), Number(r.rank), Number(r.customerTotal)])).toEqual([
      [10, 2, 3, 370.5],
      [11, 1, 6, 370.5],
      [12, 3, 1, 370.5],
      [13, 2, 3, 375.25],
      [14, 1, 3, 375.25],
      [15, 1, 1, 5],
      [16, 1, 6, 60],
    ]);
  });

  test('case, cast, coalesce', async () => {
    const rows = await db.execute(
      select({
        id: o.id,
        size: caseWhen(o.total.gte('100'), 'big').when(o.total.gte('50'), 'medium').else('small'),
        asText: cast(o.id, types.text),
        asInt: cast(o.total, types.integer),
        note: func.coalesce(o.note, 'none'),
      })
        .from(o)
        .where(o.id.in([10, 11, 13, 15]))
        .orderBy(o.id),
    );
    expect(rows).toEqual([
      { id: 10, size: 'big', asText: '10', asInt: 100, note: 'none' },
      { id: 11, size: 'big', asText: '11', asInt: expect.any(Number), note: 'fragile' },
      { id: 13, size: 'medium', asText: '13', asInt: 75, note: 'none' },
      { id: 15, size: 'small', asText: '15', asInt: 5, note: 'none' },
    ]);
    // 250.50 cast to an integer: rounded (PostgreSQL, MySQL) or truncated (SQLite)
    expect([250, 251]).toContain(rows[1]!.asInt);
    const [noElse] = await db.execute(select({ v: caseWhen(c.id.eq(99), 'x') }).from(c).where(c.id.eq(1)));
    expect(noElse!.v).toBeNull();
  });

  // Typed values must reach PostgreSQL typed wherever it cannot infer them, not only as a bare
  // select item: `$1 + $2` fails there ("operator is not unique: unknown + unknown").
  test('typed values inside expressions in the select list', async () => {
    const [row] = await db.execute(select({ x: value(2, types.integer).add(3), y: value(10, types.integer).sub(c.id) }).from(c).where(c.id.eq(4)));
    expect(row).toEqual({ x: 5, y: 6 });
  });

  // CASE branches given as JavaScript numbers are numbers on every dialect, so the usual
  // "conditional count" works; PostgreSQL sees untyped parameters and makes them text.
  test('CASE with number branches yields numbers and can be summed', async () => {
    const paid = caseWhen(o.status.eq('paid'), 1).else(0);
    const rows = await db.execute(select({ id: o.id, paid }).from(o).where(o.id.in([10, 12])).orderBy(o.id));
    expect(rows).toEqual([
      { id: 10, paid: 1 },
      { id: 12, paid: 0 },
    ]);
    const [row] = await db.execute(select({ paid: func.sum(paid) }).from(o));
    expect(Number(row!.paid)).toBe(3);
  });

  // SQLite has no DATE type: CAST(x AS DATE) applies NUMERIC affinity and yields 2024.
  test('cast to date keeps the calendar date', async () => {
    const [row] = await db.execute(select({ d: cast(value('2024-01-02 03:04:05', types.text), types.date) }));
    expect(row).toEqual({ d: '2024-01-02' });
  });

  test('ilike matches without regard to case, natively or emulated', async () => {
    expect(ids(await db.execute(select(c.id).from(c).where(c.name.ilike('%AN%'))))).toEqual([1]);
    expect(ids(await db.execute(select(c.id).from(c).where(c.email.ilike('bob@%'))))).toEqual([2]);
    expect(ids(await db.execute(select(c.id).from(c).where(c.name.notIlike('%E%')).orderBy(c.id)))).toEqual([1, 2, 3]);
  });

  // PostgreSQL's LIKE is case-sensitive, and MySQL tables are created with a binary collation
  // so that it is there too; SQLite's built-in LIKE folds ASCII case unless told otherwise.
  test('like is case-sensitive on every dialect (ilike is the case-insensitive one)', async () => {
    expect(ids(await db.execute(select(c.id).from(c).where(c.email.like('bob@%'))))).toEqual([]);
    expect(ids(await db.execute(select(c.id).from(c).where(c.email.like('BOB@%'))))).toEqual([2]);
    expect(ids(await db.execute(select(c.id).from(c).where(c.name.notLike('a%')).orderBy(c.id)))).toEqual([1, 2, 3, 4, 5]);
  });

  test('functions: lower, upper, length, abs, round, min, max, avg, count distinct', async () => {
    const [row] = await db.execute(
      select({
        lower: func.lower(func.max(c.name)),
        upper: func.upper(func.min(c.name)),
        len: func.max(func.length(c.name)),
        cities: func.countDistinct(c.city),
        avgId: func.avg(c.id),
        rounded: func.round(func.avg(c.id), 1),
        abs: func.abs(func.min(c.id).sub(10)),
      }).from(c),
    );
    expect(row).toEqual({ lower: 'eve', upper: 'ANN', len: 3, cities: 3, avgId: 3, rounded: 3, abs: 9 });
  });

  test('the sql template: bound values, a table identifier, typed fragments', async () => {
    const city = "Paris' OR '1'='1";
    const rows = await db.execute(sql<{ n: unknown }>`SELECT count(*) AS n FROM ${c} WHERE ${c.city} = ${city}`);
    expect(Number(rows[0]!.n)).toBe(0);
    const paris = await db.execute(sql<{ n: unknown }>`SELECT count(*) AS n FROM ${c} WHERE ${c.city} = ${'Paris'}`);
    expect(Number(paris[0]!.n)).toBe(2);
    const typed = await db.execute(select({ id: c.id, big: sql`${c.id} * 1000`.as(types.integer) }).from(c).where(c.id.eq(2)));
    expect(typed).toEqual([{ id: 2, big: 2000 }]);
    const inSubquery = await db.execute(select(c.id).from(c).where(sql<boolean>`${c.id} IN (${sql.join([1, 3])})`).orderBy(c.id));
    expect(ids(inSubquery)).toEqual([1, 3]);
  });

  test('select without FROM, values typed by the caller', async () => {
    const [row] = await db.execute(select({ one: value(1, types.integer), text: value("it's", types.text) }));
    expect(row).toEqual({ one: 1, text: "it's" });
  });

  test('stream yields the same rows as execute', async () => {
    const all: number[] = [];
    for await (const row of db.stream(select(o.id).from(o).orderBy(o.id), { batchSize: 3 })) all.push(row.id);
    expect(all).toEqual([10, 11, 12, 13, 14, 15, 16]);
  });
});
