import { select, table } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Item, useModel } from './model';

/** Bulk operations outside the identity map: rows in the database, statement counts, chunking. */

describeEachDialect('bulk operations', (ctx) => {
  const db = useModel(ctx, Item);
  const items = table(Item) as AnyTable;

  async function rows(): Promise<Record<string, unknown>[]> {
    return (await db.engine.execute(select(items).from(items).orderBy(items.$column('code')))) as Record<string, unknown>[];
  }
  const writes = (re: RegExp): string[] => db.recorder.sql.filter((q) => re.test(q));

  test('bulkInsert: keys returned in order, defaults applied, few statements', async () => {
    const input = Array.from({ length: 250 }, (_v, i) => ({ code: `c${String(i).padStart(4, '0')}`, qty: i }));
    const keys = await db.engine.session(async (s) => s.bulkInsert(Item, input, { returning: true }));
    expect(Array.isArray(keys) && keys.length).toBe(250);
    const stored = await rows();
    expect(stored).toHaveLength(250);
    expect(stored.map((r) => r.id)).toEqual(keys);
    expect(stored[3]).toMatchObject({ code: 'c0003', qty: 3, note: null });
    // SQLite reuses a prepared single-row INSERT; the network databases send multi-row statements.
    if (ctx.name !== 'sqlite') expect(writes(/^INSERT/i).length).toBeLessThanOrEqual(3);
    db.recorder.clear();
    const n = await db.engine.session(async (s) => s.bulkInsert(Item, [{ code: 'zz' }]));
    expect(n).toBe(1);
    expect((await rows()).at(-1)).toMatchObject({ code: 'zz', qty: 0 });
  });

  test('bulkInsert is chunked under the parameter limit', async () => {
    const input = Array.from({ length: 20_000 }, (_v, i) => ({ code: `k${i}`, qty: i, note: 'n' }));
    await db.engine.session(async (s) => {
      await s.bulkInsert(Item, input);
    });
    expect((await rows()).length).toBe(20_000);
  });

  test('bulkUpdate: only given columns, grouped by column set', async () => {
    const keys = (await db.engine.session(async (s) => s.bulkInsert(Item, [1, 2, 3, 4].map((i) => ({ code: `c${i}`, qty: i, note: 'x' })), { returning: true }))) as number[];
    db.recorder.clear();
    await db.engine.session(async (s) => {
      await s.bulkUpdate(Item, [
        { id: keys[0], qty: 10 },
        { id: keys[1], qty: 20 },
        { id: keys[2], note: 'changed' },
      ]);
    });
    expect((await rows()).map((r) => [r.code, r.qty, r.note])).toEqual([
      ['c1', 10, 'x'], ['c2', 20, 'x'], ['c3', 3, 'changed'], ['c4', 4, 'x'],
    ]);
    if (ctx.name !== 'sqlite') expect(writes(/^UPDATE/i)).toHaveLength(2);
  });

  test('bulkDelete: typed where, one statement, count returned', async () => {
    await db.engine.session(async (s) => {
      await s.bulkInsert(Item, [1, 2, 3, 4, 5].map((i) => ({ code: `c${i}`, qty: i })));
    });
    db.recorder.clear();
    const n = await db.engine.session(async (s) => s.bulkDelete(Item, { qty: { gte: 3 } }));
    expect(n).toBe(3);
    expect(writes(/^DELETE/i)).toHaveLength(1);
    expect((await rows()).map((r) => r.code)).toEqual(['c1', 'c2']);
  });

  test('upsert on a unique key: inserts new rows, updates conflicting ones', async () => {
    await db.engine.session(async (s) => {
      await s.bulkInsert(Item, [{ code: 'a', qty: 1, note: 'keep' }, { code: 'b', qty: 2 }]);
    });
    db.recorder.clear();
    await db.engine.session(async (s) => {
      await s.upsert(Item, [{ code: 'a', qty: 10 }, { code: 'c', qty: 3 }], { conflict: ['code'] });
    });
    expect((await rows()).map((r) => [r.code, r.qty, r.note])).toEqual([['a', 10, 'keep'], ['b', 2, null], ['c', 3, null]]);
    expect(writes(/^INSERT/i)).toHaveLength(1);
  });

  test('bulk writes run in the session transaction and roll back with it', async () => {
    const s = db.engine.session();
    await s.bulkInsert(Item, [{ code: 'r1' }, { code: 'r2' }]);
    await s.rollback();
    expect(await rows()).toEqual([]);
    await s.close();
  });
});
