import 'reflect-metadata';
import { Column, Entity, insert, PrimaryKey, Registry, select, table } from '@athanor/core';
import type { Engine } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';

/**
 * Entity reads leave decoding to the hydrator (one pass over the rows, not two): whatever path
 * the rows take (the engine's quiet path, the path with statement listeners, a stream in
 * batches, a `fromStatement` source the engine decodes), the entities hold decoded values,
 * NULL stays NULL, and rows of objects the session already holds follow the identity rules.
 */

const registry = new Registry({ name: 'decode-in-hydration' });

@Entity({ registry, table: 'dih_readings' })
class Reading {
  @PrimaryKey({ autoIncrement: false }) id!: number;
  @Column({ type: 'boolean', nullable: true }) flag!: boolean | null;
  @Column({ type: 'timestamp', nullable: true }) at!: Date | null;
  @Column({ type: 'bigint', nullable: true }) big!: bigint | null;
  @Column({ type: 'json', nullable: true }) data!: { tags: string[] } | null;
  @Column({ type: 'numeric', precision: 10, scale: 2, nullable: true }) price!: string | null;
  @Column({ type: 'integer' }) views!: number;
}

const ROWS = 1_200;
const AT = Date.UTC(2024, 2, 1, 12, 0, 0, 250);

/** What row `id` holds: every 7th row has NULL in each nullable column. */
function expected(id: number): Omit<Reading, never> {
  if (id % 7 === 0) return { id, flag: null, at: null, big: null, data: null, price: null, views: id * 3 };
  return {
    id,
    flag: id % 2 === 0,
    at: new Date(AT + id * 1000),
    big: 9_007_199_254_740_993n + BigInt(id),
    data: { tags: [`t${id}`, 'x'] },
    price: `${id}.25`,
    views: id * 3,
  };
}

function plain(r: Reading): Record<string, unknown> {
  return { id: r.id, flag: r.flag, at: r.at, big: r.big, data: r.data, price: r.price, views: r.views };
}

async function seed(engine: Engine): Promise<void> {
  await engine.createAll(registry);
  const rows = Array.from({ length: ROWS }, (_, i) => expected(i + 1));
  for (let i = 0; i < rows.length; i += 300) await engine.execute(insert(table(Reading)).values(rows.slice(i, i + 300)));
}

describeEachDialect('decoding during hydration', (ctx) => {
  const db = useTestEngine(ctx, { setUp: seed, setUpTimeoutMs: 60_000 });

  /** The values arrive decoded: real booleans, Dates, bigints, parsed JSON, exact decimal text. */
  function expectDecoded(readings: readonly Reading[]): void {
    expect(readings).toHaveLength(ROWS);
    expect(readings.map(plain)).toEqual(readings.map((r) => expected(r.id)));
    const full = readings.find((r) => r.id === 2)!;
    expect(typeof full.flag).toBe('boolean');
    expect(full.at).toBeInstanceOf(Date);
    expect(typeof full.big).toBe('bigint');
    expect(full.data).toEqual({ tags: ['t2', 'x'] });
    expect(typeof full.views).toBe('number');
  }

  test('find: decoded values with statement listeners (the recorded engine), in one statement', async () => {
    await using s = db.engine.session();
    expectDecoded(await s.find(Reading, { orderBy: { id: 'asc' } }));
    expect(db.recorder.count).toBe(1);
  });

  test('find: decoded values on the quiet path (no listeners)', async () => {
    const quiet = ctx.createEngine();
    try {
      await using s = quiet.session();
      expectDecoded(await s.find(Reading, { orderBy: { id: 'asc' } }));
    } finally {
      await quiet.dispose();
    }
  });

  test('stream: every batch is decoded', async () => {
    await using s = db.engine.session();
    const seen: Reading[] = [];
    for await (const r of s.stream(Reading, { orderBy: { id: 'asc' }, batchSize: 250 })) seen.push(r);
    expectDecoded(seen);
  });

  test('fromStatement: the engine decodes a Core source; the entities hold decoded values', async () => {
    await using s = db.engine.session();
    const t = table(Reading);
    const readings = await s.query(Reading).fromStatement(select(t).from(t).where(t.id.lte(20)).orderBy(t.id)).all();
    expect(readings.map(plain)).toEqual(Array.from({ length: 20 }, (_, i) => expected(i + 1)));
  });

  test('rows of held objects: a changed object keeps its value, an expired one is refreshed with decoded values', async () => {
    await using s = db.engine.session();
    const [two, three] = await s.find(Reading, { where: { id: { in: [2, 3] } }, orderBy: { id: 'asc' } });
    two!.price = '999.99';
    two!.flag = false;
    s.expire(three!);
    const again = await s.find(Reading, { orderBy: { id: 'asc' } });
    expect(again[1]).toBe(two);
    expect(again[2]).toBe(three);
    expect(two!.price).toBe('999.99');
    expect(two!.flag).toBe(false);
    expect(plain(three!)).toEqual(expected(3));
    expect(three!.at).toBeInstanceOf(Date);
    expect(again.slice(3).map(plain)).toEqual(again.slice(3).map((r) => expected(r.id)));
  });
});
