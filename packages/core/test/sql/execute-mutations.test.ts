import {
  cte, deleteFrom, excluded, func, insert, integer, MetaData, numeric, select, sql, table, update, UnsupportedError, varchar,
} from '@athanor/core';
import type { AnyTable, Engine } from '@athanor/core';
import { mariadbDialect, mysqlDialect } from '@athanor/mysql';
import { describeEachDialect } from '@athanor/testing';
import { clearShop, customers as c, orders as o, seedShop, shopMetadata } from './execute-schema';

/** INSERT, UPDATE, DELETE, upserts and RETURNING, executed on every dialect. */

/** Rows whose keys the database generates. */
const events = table('events', {
  id: integer().primaryKey(),
  name: varchar(50).notNull(),
  state: varchar(20).notNull().serverDefault(sql`'draft'`),
  score: integer(),
});

/** Counters keyed by a unique name, for upserts. */
const counters = table('counters', {
  id: integer().primaryKey(),
  name: varchar(50).notNull().unique(),
  hits: integer().notNull(),
  label: varchar(50),
});

const archive = table('archive', {
  id: integer().primaryKey({ autoIncrement: false }),
  name: varchar(100).notNull(),
  spent: numeric(12, 2),
});

const extra = new MetaData([events, counters, archive]);

describeEachDialect('Core mutations execute', (ctx) => {
  let db: Engine;

  beforeAll(async () => {
    db = ctx.createEngine();
    await shopMetadata.createAll(db);
    await extra.createAll(db);
  });

  beforeEach(async () => {
    await clearShop(db);
    for (const t of [events, counters, archive]) await db.execute(deleteFrom(t));
  });

  const count = async (t: AnyTable): Promise<number> => {
    const [row] = await db.execute(select({ n: func.count() }).from(t));
    return Number(row!.n);
  };

  test('a multi-row insert in one statement; keys left out get their defaults', async () => {
    const result = await db.run(
      insert(events).values([
        { name: 'a', score: 1 },
        { name: 'b', state: 'live' },
        { name: 'c', score: null },
      ]),
    );
    expect(result.rowCount).toBe(3);
    const rows = await db.execute(select(events.name, events.state, events.score).from(events).orderBy(events.name));
    expect(rows).toEqual([
      { name: 'a', state: 'draft', score: 1 },
      { name: 'b', state: 'live', score: null },
      { name: 'c', state: 'draft', score: null },
    ]);
    const ids = await db.execute(select(events.id).from(events).orderBy(events.id));
    expect(new Set(ids.map((r) => r.id)).size).toBe(3);
  });

  test('client-side defaults: a value and a per-row function', async () => {
    await seedShop(db);
    await db.execute(insert(c).values([{ id: 10, name: 'New' }]));
    await db.execute(insert(o).values([{ id: 100, customerId: 10, total: '1.00' }]));
    const [row] = await db.execute(select(c.active).from(c).where(c.id.eq(10)));
    expect(row).toEqual({ active: true });
    const [order] = await db.execute(select(o.status, o.note).from(o).where(o.id.eq(100)));
    expect(order).toEqual({ status: 'new', note: null });
  });

  test('a row of nothing but defaults', async () => {
    const defaultsOnly = table('defaults_only', { id: integer().primaryKey(), state: varchar(10).serverDefault(sql`'fresh'`) });
    const md = new MetaData([defaultsOnly]);
    await md.createAll(db);
    try {
      await db.execute(insert(defaultsOnly).values({}));
      expect(await db.execute(select(defaultsOnly.state).from(defaultsOnly))).toEqual([{ state: 'fresh' }]);
    } finally {
      await md.dropAll(db);
    }
  });

  test('insert from a select', async () => {
    await seedShop(db);
    const spent = select({ id: c.id, name: c.name, spent: func.sum(o.total) }).from(c).innerJoin(o, o.customerId.eq(c.id)).groupBy(c.id, c.name);
    const result = await db.run(insert(archive).fromSelect([archive.id, archive.name, archive.spent], spent));
    expect(result.rowCount).toBe(4);
    const rows = await db.execute(select(archive).orderBy(archive.id));
    expect(rows.map((r) => [r.id, r.name, Number(r.spent)])).toEqual([
      [1, 'Ann', 370.5],
      [2, 'Bob', 375.25],
      [3, 'Cid', 5],
      [4, 'Dee', 60],
    ]);
  });

  test('insert from a select that reads a CTE', async () => {
    await seedShop(db);
    const paris = cte('paris', select({ id: c.id, name: c.name }).from(c).where(c.city.eq('Paris')));
    await db.execute(insert(archive).fromSelect([archive.id, archive.name], select({ id: paris.id, name: paris.name }).from(paris).with(paris)));
    expect(await db.execute(select(archive.name).from(archive).orderBy(archive.id))).toEqual([{ name: 'Ann' }, { name: 'Cid' }]);
  });

  test('a single-row insert reports its generated key where the database does', async () => {
    const result = await db.run(insert(events).values({ name: 'one' }));
    expect(result.rowCount).toBe(1);
    const [row] = await db.execute(select(events.id).from(events));
    if (!db.dialect.adapter.supportsInsertReturning) {
      // Without RETURNING the generated key is the only way to learn it.
      expect(result.lastInsertId).toBeDefined();
    }
    if (result.lastInsertId !== undefined) expect(Number(result.lastInsertId)).toBe(row!.id);
  });

  test('INSERT … RETURNING yields the generated keys, or raises UnsupportedError', async () => {
    const stmt = insert(events).values([{ name: 'x' }, { name: 'y' }]).returning(events.id, events.name, events.state);
    if (!db.dialect.adapter.supportsInsertReturning) {
      await expect(db.execute(stmt)).rejects.toThrow(UnsupportedError);
      expect(await count(events)).toBe(0);
      return;
    }
    const rows = await db.execute(stmt);
    expect(rows.map((r) => [r.name, r.state])).toEqual([
      ['x', 'draft'],
      ['y', 'draft'],
    ]);
    const stored = await db.execute(select(events.id, events.name).from(events).orderBy(events.name));
    expect(rows.map((r) => ({ id: r.id, name: r.name }))).toEqual(stored);
  });

  test('UPDATE … RETURNING and DELETE … RETURNING, or UnsupportedError', async () => {
    await seedShop(db);
    const upd = update(o).set({ status: 'shipped' }).where(o.customerId.eq(2)).returning(o.id, o.status);
    if (db.dialect.adapter.supportsUpdateReturning) {
      const rows = await db.execute(upd);
      expect(rows.sort((a, b) => a.id - b.id)).toEqual([
        { id: 13, status: 'shipped' },
        { id: 14, status: 'shipped' },
      ]);
    } else {
      await expect(db.execute(upd)).rejects.toThrow(UnsupportedError);
    }
    const del = deleteFrom(o).where(o.total.lt('50')).returning(o.id, o.total);
    if (db.dialect.adapter.supportsDeleteReturning) {
      const rows = await db.execute(del);
      expect(rows.sort((a, b) => a.id - b.id).map((r) => [r.id, Number(r.total)])).toEqual([
        [12, 20],
        [15, 5],
      ]);
    } else {
      await expect(db.execute(del)).rejects.toThrow(UnsupportedError);
    }
  });

  test('upsert doUpdate with a key list: one row updated, one inserted', async () => {
    await db.execute(insert(counters).values([{ name: 'a', hits: 1, label: 'first' }]));
    await db.execute(
      insert(counters)
        .values([
          { name: 'a', hits: 5, label: 'changed' },
          { name: 'b', hits: 7, label: 'new' },
        ])
        .onConflict(counters.name)
        .doUpdate(['hits', 'label']),
    );
    const rows = await db.execute(select(counters.name, counters.hits, counters.label).from(counters).orderBy(counters.name));
    expect(rows).toEqual([
      { name: 'a', hits: 5, label: 'changed' },
      { name: 'b', hits: 7, label: 'new' },
    ]);
  });

  test('upsert doUpdate with expressions: add the proposed value to the stored one', async () => {
    const bump = (n: number) =>
      insert(counters).values({ name: 'page', hits: n }).onConflict(counters.name).doUpdate({ hits: counters.hits.add(excluded(counters.hits)) });
    await db.execute(bump(1));
    await db.execute(bump(2));
    await db.execute(bump(3));
    expect(await db.execute(select(counters.name, counters.hits).from(counters))).toEqual([{ name: 'page', hits: 6 }]);
  });

  test('upsert doUpdate with a value and null', async () => {
    await db.execute(insert(counters).values({ name: 'a', hits: 1, label: 'x' }));
    await db.execute(insert(counters).values({ name: 'a', hits: 9 }).onConflict(counters.name).doUpdate({ hits: 0, label: null }));
    expect(await db.execute(select(counters.hits, counters.label).from(counters))).toEqual([{ hits: 0, label: null }]);
  });

  test('upsert doNothing keeps the stored row and inserts the others', async () => {
    await db.execute(insert(counters).values({ name: 'a', hits: 1 }));
    await db.execute(
      insert(counters)
        .values([
          { name: 'a', hits: 100 },
          { name: 'b', hits: 2 },
        ])
        .onConflict(counters.name)
        .doNothing(),
    );
    const rows = await db.execute(select(counters.name, counters.hits).from(counters).orderBy(counters.name));
    expect(rows).toEqual([
      { name: 'a', hits: 1 },
      { name: 'b', hits: 2 },
    ]);
  });

  test('a conditional upsert (doUpdate … where) updates only matching rows, or raises UnsupportedError', async () => {
    await db.execute(insert(counters).values([{ name: 'low', hits: 1 }, { name: 'high', hits: 50 }]));
    const stmt = insert(counters)
      .values([{ name: 'low', hits: 10 }, { name: 'high', hits: 10 }])
      .onConflict(counters.name)
      .doUpdate(['hits'], counters.hits.lt(excluded(counters.hits)));
    let supported = true;
    try {
      await db.execute(stmt);
    } catch (error) {
      expect(error).toBeInstanceOf(UnsupportedError);
      supported = false;
    }
    const rows = await db.execute(select(counters.name, counters.hits).from(counters).orderBy(counters.name));
    expect(rows).toEqual(supported ? [{ name: 'high', hits: 50 }, { name: 'low', hits: 10 }] : [{ name: 'high', hits: 50 }, { name: 'low', hits: 1 }]);
  });

  test('update with values, expressions, null and a where; rowCount counts changed rows', async () => {
    await seedShop(db);
    const result = await db.run(update(o).set({ total: o.total.mul('2'), note: null }).where(o.customerId.eq(1)));
    expect(result.rowCount).toBe(3);
    const rows = await db.execute(select(o.id, o.total, o.note).from(o).where(o.customerId.eq(1)).orderBy(o.id));
    expect(rows.map((r) => [r.id, Number(r.total), r.note])).toEqual([
      [10, 200, null],
      [11, 501, null],
      [12, 40, null],
    ]);
    // untouched rows stay as they were
    expect(await db.execute(select(o.note).from(o).where(o.id.eq(14)))).toEqual([{ note: 'gift' }]);
  });

  test('update with a subquery in where: deactivate customers without orders', async () => {
    await seedShop(db);
    const result = await db.run(update(c).set({ active: false }).where(c.id.notIn(select(o.customerId).from(o))));
    expect(result.rowCount).toBe(1);
    expect(await db.execute(select(c.id).from(c).where(c.active.eq(false)).orderBy(c.id))).toEqual([{ id: 3 }, { id: 5 }]);
  });

  test('update several columns from a correlated scalar subquery', async () => {
    await seedShop(db);
    await db.execute(insert(archive).values([{ id: 1, name: 'Ann' }, { id: 2, name: 'Bob' }]));
    const total = select({ s: func.sum(o.total) }).from(o).where(o.customerId.eq(archive.id)).scalar<string>();
    await db.execute(update(archive).set({ spent: total }));
    const rows = await db.execute(select(archive.id, archive.spent).from(archive).orderBy(archive.id));
    expect(rows.map((r) => [r.id, Number(r.spent)])).toEqual([
      [1, 370.5],
      [2, 375.25],
    ]);
  });

  test('delete with a where, with IN a subquery, and through ON DELETE CASCADE', async () => {
    await seedShop(db);
    expect((await db.run(deleteFrom(o).where(o.status.eq('new')))).rowCount).toBe(2);
    expect(await count(o)).toBe(5);
    const berliners = select(c.id).from(c).where(c.city.eq('Berlin'));
    expect((await db.run(deleteFrom(o).where(o.customerId.in(berliners)))).rowCount).toBe(2);
    expect(await count(o)).toBe(3);
    // Deleting Dee removes her order (16) by cascade.
    await db.execute(deleteFrom(c).where(c.id.eq(4)));
    expect(await db.execute(select(o.id).from(o).orderBy(o.id))).toEqual([{ id: 10 }, { id: 11 }]);
    expect((await db.run(deleteFrom(o))).rowCount).toBe(2);
  });

  // A WITH clause on the statement itself. MariaDB accepts WITH only inside INSERT … SELECT and
  // not before UPDATE/DELETE: there the compiler must move it or raise UnsupportedError, never
  // send SQL the server rejects as a syntax error.
  test('INSERT, UPDATE and DELETE with a CTE work, or raise UnsupportedError', async () => {
    await seedShop(db);
    const big = cte('big', select({ id: o.id, customerId: o.customerId }).from(o).where(o.total.gt('200'))); // 11 (Ann), 14 (Bob)
    const attempt = async (stmt: Parameters<Engine['run']>[0]): Promise<number | 'unsupported'> => {
      try {
        return (await db.run(stmt)).rowCount;
      } catch (error) {
        if (error instanceof UnsupportedError) return 'unsupported';
        throw error;
      }
    };
    const inserted = await attempt(
      insert(archive).fromSelect([archive.id, archive.name], select({ id: big.id, name: c.name }).from(big).innerJoin(c, c.id.eq(big.customerId))).with(big),
    );
    if (inserted !== 'unsupported') {
      expect(inserted).toBe(2);
      expect(await db.execute(select(archive.id, archive.name).from(archive).orderBy(archive.id))).toEqual([
        { id: 11, name: 'Ann' },
        { id: 14, name: 'Bob' },
      ]);
    }
    const updated = await attempt(update(o).set({ note: 'big' }).where(o.id.in(select({ id: big.id }).from(big))).with(big));
    if (updated !== 'unsupported') {
      expect(updated).toBe(2);
      expect(await db.execute(select(o.id).from(o).where(o.note.eq('big')).orderBy(o.id))).toEqual([{ id: 11 }, { id: 14 }]);
    }
    const deleted = await attempt(deleteFrom(o).where(o.id.in(select({ id: big.id }).from(big))).with(big));
    if (deleted !== 'unsupported') {
      expect(deleted).toBe(2);
      expect(await count(o)).toBe(5);
    }
  });

  test('update and delete matching nothing report zero rows', async () => {
    expect((await db.run(update(c).set({ name: 'x' }).where(c.id.eq(404)))).rowCount).toBe(0);
    expect((await db.run(deleteFrom(c).where(c.id.eq(404)))).rowCount).toBe(0);
  });
});

/**
 * The two flavors of the MySQL dialect on the MySQL-family server the matrix runs. The 'mysql'
 * flavor (mysql:// URLs) is documented to use only what MySQL 8 and MariaDB share, so its
 * DDL and statements must run on either. On MariaDB 10.5+ the 'mariadb' flavor adds INSERT
 * and DELETE … RETURNING; UPDATE … RETURNING raises UnsupportedError before reaching the server.
 */
describeEachDialect(
  'MySQL and MariaDB flavors',
  (ctx) => {
    let db: Engine | undefined;

    beforeAll(async () => {
      const probe = ctx.createEngine();
      const [row] = await probe.execute(sql<{ v: string }>`SELECT VERSION() AS v`);
      const m = /^(\d+)\.(\d+).*mariadb/i.exec(String(row!.v));
      if (m && (Number(m[1]) > 10 || (Number(m[1]) === 10 && Number(m[2]) >= 5))) {
        db = ctx.createEngine({ dialect: mariadbDialect });
        await extra.createAll(db);
      }
    });

    test('the mysql flavor creates tables and runs statements on this server', async () => {
      const portable = ctx.createEngine({ dialect: mysqlDialect });
      const t = table('portable_flavor', { id: integer().primaryKey(), name: varchar(20).notNull() });
      const md = new MetaData([t]);
      await md.createAll(portable);
      try {
        await portable.execute(insert(t).values([{ name: 'a' }, { name: 'b' }]));
        expect(await portable.execute(select(t.name).from(t).orderBy(t.id))).toEqual([{ name: 'a' }, { name: 'b' }]);
      } finally {
        await md.dropAll(portable, { ifExists: true });
      }
    });

    test('INSERT and DELETE … RETURNING work; UPDATE … RETURNING raises UnsupportedError', async () => {
      if (!db) {
        console.warn('MariaDB RETURNING: the server is not MariaDB 10.5+; nothing to test.');
        return;
      }
      const inserted = await db.execute(insert(events).values([{ name: 'x' }, { name: 'y' }]).returning(events.id, events.name, events.state));
      expect(inserted.map((r) => [r.name, r.state])).toEqual([
        ['x', 'draft'],
        ['y', 'draft'],
      ]);
      expect(inserted[1]!.id).toBeGreaterThan(inserted[0]!.id);
      const upd = update(events).set({ state: 'live' }).returning(events.id);
      await expect(db.execute(upd)).rejects.toThrow(UnsupportedError);
      await expect(db.execute(upd)).rejects.toThrow(/UPDATE … RETURNING is not supported on mariadb/);
      const deleted = await db.execute(deleteFrom(events).where(events.name.eq('y')).returning(events.name));
      expect(deleted).toEqual([{ name: 'y' }]);
      expect(await db.execute(select(events.name, events.state).from(events))).toEqual([{ name: 'x', state: 'draft' }]);
    });
  },
  { only: ['mysql'] },
);
