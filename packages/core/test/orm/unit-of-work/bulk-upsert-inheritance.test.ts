import 'reflect-metadata';
import { InvalidArgumentError } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { useAnimals } from './animals-model';

/**
 * `upsert` through a single-table subclass: a conflicting row of another class (another
 * discriminator value) is never overwritten as the subclass's. The call is refused with an
 * InvalidArgumentError naming the class, the row's key and the class it belongs to, before
 * anything is written; the root class (every row is its) upserts as before.
 */

describeEachDialect('upsert through a single-table subclass', (ctx) => {
  const { db, Animal, Dog, Puppy, Cat, stored, seed } = useAnimals(ctx, 'upsert_animals');

  const writes = (): string[] => db.recorder.sql.filter((q) => !/^SELECT/i.test(q));

  test("a key of another class's row is refused, naming the class, the key and the row's class; nothing of the call is written", async () => {
    const ids = await seed();
    db.recorder.clear();
    const call = db.engine.session((s) =>
      s.upsert(Dog, [{ id: ids.rex + 1000, name: 'new dog' }, { id: ids.rex, name: 'rex', legs: 3 }, { id: ids.tom, name: 'tom', legs: 3 }], {}),
    );
    await expect(call).rejects.toThrow(InvalidArgumentError);
    await expect(call).rejects.toThrow(
      `upsert(): Dog rows conflict with rows of another class: id = ${ids.tom} is a Cat row (kind 'cat'). ` +
        "A Dog upsert never changes another class's row; upsert those rows through their own class or Animal, or give them other keys. Nothing was written.",
    );
    // Only the check ran (one SELECT for the call), no INSERT.
    expect(writes()).toEqual([]);
    expect(db.recorder.sql.filter((q) => /^SELECT/i.test(q))).toHaveLength(1);
    expect(await stored()).toEqual(['puppy:bit:4', 'dog:rex:4', 'cat:tom:4']);
  });

  test("after a refusal the session goes on: its earlier writes stay, the next upsert works", async () => {
    const ids = await seed();
    await using s = db.engine.session();
    await s.bulkInsert(Cat, [{ name: 'kit' }]);
    await expect(s.upsert(Dog, [{ id: ids.tom, name: 'tom' }], {})).rejects.toThrow(`id = ${ids.tom} is a Cat row (kind 'cat')`);
    await s.upsert(Dog, [{ id: ids.rex, name: 'rex', legs: 5 }], {});
    await s.commit();
    expect(await stored()).toEqual(['puppy:bit:4', 'cat:kit:4', 'dog:rex:5', 'cat:tom:4']);
  });

  test("a class's own rows and its subclasses' are updated (a puppy stays a puppy); new rows get the class's discriminator", async () => {
    const ids = await seed();
    db.recorder.clear();
    await db.engine.session((s) => s.upsert(Dog, [{ id: ids.rex, name: 'rex', legs: 3 }, { id: ids.bit, name: 'bit', legs: 2 }, { id: ids.rex + 1000, name: 'fido' }], {}));
    expect(writes()).toHaveLength(1);
    expect(await stored()).toEqual(['puppy:bit:2', 'dog:fido:4', 'dog:rex:3', 'cat:tom:4']);
    // A parent class's row is another class's for the subclass.
    await expect(db.engine.session((s) => s.upsert(Puppy, [{ id: ids.rex, name: 'rex' }], {}))).rejects.toThrow(`id = ${ids.rex} is a Dog row (kind 'dog')`);
  });

  test('the root class upserts any row, as before, without a check', async () => {
    const ids = await seed();
    db.recorder.clear();
    await db.engine.session((s) => s.upsert(Animal, [{ id: ids.tom, name: 'tom', legs: 3 }, { id: ids.rex, name: 'rex', legs: 2 }], {}));
    expect(db.recorder.sql.filter((q) => /^SELECT/i.test(q))).toEqual([]);
    expect(writes()).toHaveLength(1);
    expect(await stored()).toEqual(['puppy:bit:4', 'dog:rex:2', 'cat:tom:3']);
  });

  test("a conflict on a unique column: another class's row with that value is refused, the class's own is updated", async () => {
    const ids = await seed();
    await expect(db.engine.session((s) => s.upsert(Dog, [{ name: 'tom', legs: 1 }], { conflict: ['name'] }))).rejects.toThrow(
      `upsert(): Dog rows conflict with rows of another class: id = ${ids.tom}, name = 'tom' is a Cat row (kind 'cat').`,
    );
    await db.engine.session((s) => s.upsert(Dog, [{ name: 'rex', legs: 1 }, { name: 'odie' }], { conflict: ['name'] }));
    expect(await stored()).toEqual(['puppy:bit:4', 'dog:odie:4', 'dog:rex:1', 'cat:tom:4']);
  });

  test("conflicting on the name, a row whose key is another class's is refused too (MySQL would update it on any unique key)", async () => {
    const ids = await seed();
    db.recorder.clear();
    await expect(db.engine.session((s) => s.upsert(Dog, [{ id: ids.tom, name: 'felix', legs: 1 }], { conflict: ['name'] }))).rejects.toThrow(
      `id = ${ids.tom}, name = 'tom' is a Cat row (kind 'cat')`,
    );
    expect(writes()).toEqual([]);
    expect(await stored()).toEqual(['puppy:bit:4', 'dog:rex:4', 'cat:tom:4']);
  });
});
