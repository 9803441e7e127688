import { InvalidArgumentError, select, table } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Bike, Car, Stock, Van, Vehicle, useModel } from './model';

/**
 * Bulk operations on single-table subclasses (the discriminator written on insert, updates and
 * deletes kept to the class's rows) and on a composite primary key.
 */

describeEachDialect('bulk operations: single-table inheritance and composite keys', (ctx) => {
  const db = useModel(ctx, Vehicle, Stock);
  const vehicles = table(Vehicle) as AnyTable;
  const stock = table(Stock) as AnyTable;

  /** kind:name:wheels per row, by name. */
  async function stored(): Promise<string[]> {
    const rows = (await db.engine.execute(select(vehicles).from(vehicles))) as Record<string, unknown>[];
    return rows.map((r) => `${String(r.kind)}:${String(r.name)}:${Number(r.wheels)}`).sort((a, b) => a.split(':')[1]!.localeCompare(b.split(':')[1]!));
  }

  /** One car, one van, one bike; their keys. */
  async function seed(): Promise<{ car: number; van: number; bike: number }> {
    return db.engine.session(async (s) => {
      const [car] = (await s.bulkInsert(Car, [{ name: 'car', wheels: 4 }], { returning: true })) as number[];
      const [van] = (await s.bulkInsert(Van, [{ name: 'van', wheels: 4 }], { returning: true })) as number[];
      const [bike] = (await s.bulkInsert(Bike, [{ name: 'bike', wheels: 2 }], { returning: true })) as number[];
      return { car: car!, van: van!, bike: bike! };
    });
  }

  test('bulkInsert writes the subclass discriminator; the abstract root refuses rows without one', async () => {
    await seed();
    expect(await stored()).toEqual(['bike:bike:2', 'car:car:4', 'van:van:4']);
    await expect(db.engine.session((s) => s.bulkInsert(Vehicle, [{ name: 'thing' }]))).rejects.toThrow(InvalidArgumentError);
    await expect(db.engine.session((s) => s.bulkInsert(Vehicle, [{ name: 'thing' }]))).rejects.toThrow(
      "bulkInsert(): row 1 of Vehicle has no kind, and Vehicle has no discriminator value of its own; insert through a concrete class (one of 'car', 'van', 'bike').",
    );
    // The entity API reads them back as their classes.
    const loaded = await db.engine.session((s) => s.find(Vehicle, { orderBy: { name: 'asc' } }));
    expect(loaded.map((v) => v.constructor.name)).toEqual(['Bike', 'Car', 'Van']);
  });

  test('bulkUpdate of a leaf class touches only its rows, in the same statements (the discriminator checked in the WHERE)', async () => {
    const ids = await seed();
    db.recorder.clear();
    await db.engine.session((s) => s.bulkUpdate(Bike, [{ id: ids.bike, wheels: 3 }, { id: ids.car, wheels: 3 }]));
    expect(db.recorder.sql.filter((q) => /^SELECT/i.test(q))).toEqual([]);
    expect(await stored()).toEqual(['bike:bike:3', 'car:car:4', 'van:van:4']);
  });

  test('bulkUpdate of a class with subclasses: its rows and its subclasses’, found by one SELECT of the keys', async () => {
    const ids = await seed();
    db.recorder.clear();
    await db.engine.session((s) => s.bulkUpdate(Car, [{ id: ids.car, wheels: 6 }, { id: ids.van, wheels: 6 }, { id: ids.bike, wheels: 6 }]));
    expect(db.recorder.sql.filter((q) => /^SELECT/i.test(q))).toHaveLength(1);
    expect(await stored()).toEqual(['bike:bike:2', 'car:car:6', 'van:van:6']);
    // The root: every row is its.
    await db.engine.session((s) => s.bulkUpdate(Vehicle, [{ id: ids.bike, wheels: 1 }]));
    expect(await stored()).toEqual(['bike:bike:1', 'car:car:6', 'van:van:6']);
  });

  test('bulkDelete of a subclass deletes only its rows (and its subclasses’)', async () => {
    await seed();
    expect(await db.engine.session((s) => s.bulkDelete(Car, {}))).toBe(2);
    expect(await stored()).toEqual(['bike:bike:2']);
    await seed();
    expect(await db.engine.session((s) => s.bulkDelete(Van, { wheels: 4 }))).toBe(1);
    expect(await stored()).toEqual(['bike:bike:2', 'bike:bike:2', 'car:car:4']);
  });

  test('upsert of a subclass writes its discriminator; the conflict defaults to the primary key', async () => {
    const ids = await seed();
    await db.engine.session((s) => s.upsert(Bike, [{ id: ids.bike, name: 'bike', wheels: 1 }, { id: ids.bike + 100, name: 'new bike', wheels: 2 }], {}));
    expect(await stored()).toEqual(['bike:bike:1', 'car:car:4', 'bike:new bike:2', 'van:van:4']);
  });

  test('composite keys: bulkUpdate by the full key, upsert on it by default', async () => {
    await db.engine.session((s) => s.bulkInsert(Stock, [{ site: 'n', sku: 1, qty: 1 }, { site: 'n', sku: 2, qty: 2 }, { site: 's', sku: 1, qty: 3 }]));
    await db.engine.session((s) => s.bulkUpdate(Stock, [{ site: 'n', sku: 1, qty: 10 }, { site: 's', sku: 1, qty: 30 }]));
    const read = async (): Promise<string[]> =>
      ((await db.engine.execute(select(stock).from(stock))) as Record<string, unknown>[]).map((r) => `${String(r.site)}${Number(r.sku)}=${Number(r.qty)}`).sort();
    expect(await read()).toEqual(['n1=10', 'n2=2', 's1=30']);
    await expect(db.engine.session((s) => s.bulkUpdate(Stock, [{ site: 'n', qty: 5 }]))).rejects.toThrow(
      "bulkUpdate(): row 1 has no sku; rows are keyed by Stock's primary key.",
    );
    await db.engine.session((s) => s.upsert(Stock, [{ site: 'n', sku: 2, qty: 20 }, { site: 's', sku: 2, qty: 40 }], {}));
    expect(await read()).toEqual(['n1=10', 'n2=20', 's1=30', 's2=40']);
    await expect(db.engine.session((s) => s.upsert(Stock, [{ site: 'n', qty: 1 }], {}))).rejects.toThrow(
      'upsert(): rows conflict on site, sku, but no row gives sku; give every conflict property in every row.',
    );
  });
});
