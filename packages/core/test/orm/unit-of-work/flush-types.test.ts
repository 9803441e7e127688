import { asc, deleteFrom, select, StaleDataError, table, update } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { type WritePlan, withPlan } from '../../../src/orm/unit-of-work/persister/write-plan';
import { changeSet, flush, inserted, make, updated } from './helpers';
import { Animal, Cat, Dog, Sample, useModel } from './model';

/** Values of every column type through each dialect's insert and update paths, read back equal. */

const AWKWARD = ['', 'NULL', 'a "quoted", {braced} \\ value', 'ünïcödé ✓ 𝄞', "it's"];

function sample(i: number): Sample {
  return make(Sample, {
    flag: i % 2 === 0,
    data: { i, list: [1, 'two', null], text: AWKWARD[i % AWKWARD.length] },
    at: new Date(Date.UTC(2024, 0, 1 + i, 12, 30, 15, 250)),
    day: `2024-02-${String(10 + i).padStart(2, '0')}`,
    clock: `0${i}:15:30`,
    big: 9_007_199_254_740_993n + BigInt(i),
    price: `${100 + i}.25`,
    bytes: Buffer.from([0, 1, 2, 255 - i, 92, 34]),
    ratio: 0.1 + i,
    note: i === 1 ? null : AWKWARD[i % AWKWARD.length]!,
    color: i % 2 === 0 ? 'red' : 'green',
    ref: i === 2 ? null : `0000000${i}-0000-4000-8000-000000000000`,
  });
}

function plain(s: Sample): Record<string, unknown> {
  const { id, flag, data, at, day, clock, big, price, bytes, ratio, note, color, ref } = s;
  return { id, flag, data, at: at!.toISOString(), day, clock: clock!.slice(0, 8), big, price, bytes: Buffer.from(bytes!).toString('hex'), ratio, note, color, ref };
}

describeEachDialect('flush: column types', (ctx) => {
  const db = useModel(ctx);

  async function stored(): Promise<Record<string, unknown>[]> {
    const rows = await db.engine.execute(select(table(Sample)).from(table(Sample)).orderBy(asc(table(Sample).id)));
    return rows.map((r) => plain(r as unknown as Sample));
  }

  /** Every strategy the dialect can run (the default plan picks one; the others serve other adapters). */
  const strategies: Record<string, Partial<WritePlan>[]> = {
    sqlite: [{}, { insert: 'row', update: 'row' }, { update: 'case' }],
    postgres: [{}, { insert: 'values', update: 'row' }, { insert: 'row' }],
    mysql: [{}, { insert: 'row', update: 'row' }, { insertKeys: 'first-id', insertReturning: false }],
  };

  test.each(strategies[ctx.name]!.map((p) => [JSON.stringify(p), p] as const))('inserted and updated values read back as written (plan %s)', async (_name, patch) => {
    const plan = withPlan(db.engine.dialect.adapter, patch);
    const samples = [0, 1, 2, 3, 4].map(sample);
    await flush(db.engine, changeSet({ inserts: inserted(...samples) }), { plan });
    expect(await stored()).toEqual(samples.map(plain));
    samples.forEach((s, i) => {
      const next = sample(i + 5);
      Object.assign(s, { flag: next.flag, data: next.data, at: next.at, day: next.day, clock: next.clock, big: next.big, price: next.price, bytes: next.bytes, ratio: next.ratio, note: i === 0 ? null : next.note, color: next.color, ref: next.ref });
    });
    const columns = ['flag', 'data', 'at', 'day', 'clock', 'big', 'price', 'bytes', 'ratio', 'note', 'color', 'ref'];
    await flush(db.engine, changeSet({ updates: samples.map((s) => updated(s, ...columns)) }), { plan });
    expect(await stored()).toEqual(samples.map(plain));
    // A row changed meanwhile: the strategy's stale check names it.
    await db.engine.execute(update(table(Sample)).set({ note: 'other' }).where(table(Sample).id.eq(samples[2]!.id)));
    await db.engine.execute(deleteFrom(table(Sample)).where(table(Sample).id.eq(samples[3]!.id)));
    samples.forEach((s) => (s.ratio = 1.5));
    const error = await flush(db.engine, changeSet({ updates: samples.map((s) => updated(s, 'ratio')) }), { plan }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleDataError);
    expect((error as Error).message).toContain(`UPDATE of Sample#${samples[3]!.id} matched no row`);
  });

  test('single-table inheritance: each class its own statement, the discriminator from the class', async () => {
    const rex = make(Dog, { name: 'rex', goodBoy: true });
    const tom = make(Cat, { name: 'tom', lives: 9 });
    const fido = make(Dog, { name: 'fido', goodBoy: null });
    await flush(db.engine, changeSet({ inserts: inserted(rex, tom, fido) }));
    const rows = await db.engine.execute(select(table(Animal) as AnyTable).from(table(Animal) as AnyTable));
    const byName = new Map(rows.map((r) => [r.name as string, r]));
    expect(byName.get('rex')).toMatchObject({ id: rex.id, kind: 'dog', goodBoy: true, lives: null });
    expect(byName.get('tom')).toMatchObject({ id: tom.id, kind: 'cat', goodBoy: null, lives: 9 });
    expect(byName.get('fido')).toMatchObject({ id: fido.id, kind: 'dog' });
    expect(new Set([rex.id, tom.id, fido.id]).size).toBe(3);
  });
});
