import 'reflect-metadata';
import { Column, Entity, insert, PrimaryKey, recursiveCte, Registry, select, table, types, value } from '@athanor/core';
import type { Engine } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { gcNow } from './gc';

/**
 * Streaming entities: 100k rows hydrated a batch at a time (a server-side cursor on PostgreSQL
 * and MySQL, statement iteration on SQLite) without the session or the stream holding them.
 */

const registry = new Registry({ name: 'stream-tests' });

@Entity({ registry, table: 'readings' })
class Reading {
  @PrimaryKey({ autoIncrement: false }) id!: number;
  @Column() value!: number;
}

const ROWS = 100_000;
const BATCH = 1_000;

describeEachDialect('session streams', (ctx) => {
  let engine: Engine;

  beforeAll(async () => {
    engine = ctx.createEngine();
    await engine.createAll(registry);
    const r = table(Reading);
    // One INSERT … SELECT: 1,000 × 100 rows from two recursive CTEs (MariaDB allows 1,000 recursions by default).
    const counter = (name: string, to: number) =>
      recursiveCte(name, select({ i: value(1, types.integer) }), (self) => select({ i: self.i.add(1) }).from(self).where(self.i.lt(to)));
    const a = counter('a', 1000);
    const b = counter('b', ROWS / 1000);
    const id = a.i.sub(1).mul(ROWS / 1000).add(b.i);
    await engine.execute(insert(r).fromSelect([r.id, r.value], select({ id, value: id.mod(97) }).from(a).crossJoin(b).with(a, b)));
  }, 60_000);

  test(`100k entities stream in batches of ${BATCH}; live objects stay within about two batches`, async () => {
    await using s = engine.session();
    const sizes: number[] = [];
    const connection = s.connection;
    const streamArrays = connection.streamArrays.bind(connection);
    connection.streamArrays = async function* observed(compiled, batchSize) {
      for await (const batch of streamArrays(compiled, batchSize)) {
        sizes.push(batch.length);
        yield batch;
      }
    };
    let created = 0;
    // Every 50th object is watched through a WeakRef: after a collection, the ones still alive
    // estimate how many streamed objects anything still holds.
    const SAMPLE = 50;
    let samples: WeakRef<Reading>[] = [];
    let maxLive = 0;
    let maxHeld = 0;
    let sum = 0;
    let previous = 0;
    let outOfOrder = 0;
    for await (const reading of s.stream(Reading, { orderBy: { id: 'asc' }, batchSize: BATCH })) {
      if (!(reading instanceof Reading) || reading.id !== previous + 1) outOfOrder++;
      previous = reading.id;
      sum += reading.value;
      if (++created % SAMPLE === 0) samples.push(new WeakRef(reading));
      if (created % (10 * BATCH) === 0) {
        // Synchronously, inside the consumer's loop: the stream itself must let go.
        gcNow();
        samples = samples.filter((r) => r.deref() !== undefined);
        maxLive = Math.max(maxLive, samples.length * SAMPLE);
        s.identityMap.sweep();
        maxHeld = Math.max(maxHeld, s.identityMap.size);
      }
    }
    expect(created).toBe(ROWS);
    expect(outOfOrder).toBe(0);
    expect(sum).toBe(Array.from({ length: ROWS }, (_, i) => (i + 1) % 97).reduce((a, b) => a + b, 0));
    expect(sizes.length).toBe(ROWS / BATCH);
    expect(sizes.every((size) => size === BATCH)).toBe(true);
    // The session holds its 64 most recent groups of 64 strongly; beyond that, what the
    // consumer keeps: the batch being consumed and the one fetched next, at most.
    const bound = 64 * 64 + 2 * BATCH;
    expect(maxHeld).toBeLessThanOrEqual(bound);
    expect(maxLive).toBeLessThanOrEqual(bound);
    expect(maxHeld).toBeGreaterThan(0);
  }, 60_000);

  test('a stream with a filter; objects the session holds are the ones streamed', async () => {
    await using s = engine.session();
    const held = (await s.get(Reading, 194))!;
    const streamed: Reading[] = [];
    for await (const reading of s.stream(Reading, { where: { value: 0, id: { lte: 500 } }, orderBy: { id: 'asc' }, batchSize: 2 })) streamed.push(reading);
    expect(streamed.map((r) => r.id)).toEqual([97, 194, 291, 388, 485]);
    expect(streamed[1]).toBe(held);
    const viaQuery: number[] = [];
    for await (const reading of s.query(Reading).where({ id: { lt: 4 } }).orderBy({ id: 'desc' }).stream()) viaQuery.push(reading.id);
    expect(viaQuery).toEqual([3, 2, 1]);
  });

  test('leaving a stream early returns its connection to the pool', async () => {
    await using s = engine.session();
    let seen = 0;
    for await (const _ of s.stream(Reading, { batchSize: 100 })) {
      if (++seen === 150) break;
    }
    expect(seen).toBe(150);
    expect(engine.pool.status().checkedOut).toBe(0);
    expect(await s.count(Reading)).toBe(ROWS);
  });

  test('stream batch sizes are checked', async () => {
    await using s = engine.session();
    await expect(s.stream(Reading, { batchSize: 0 }).next()).rejects.toThrow('batchSize must be an integer ≥ 1 (got 0)');
    await expect(s.stream(select(table(Reading)).from(table(Reading)), { batchSize: 1.5 }).next()).rejects.toThrow(/batchSize/);
  });
});
