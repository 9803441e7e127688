import 'reflect-metadata';
import { Column, deleteFrom, Entity, InvalidArgumentError, PrimaryKey, Registry, select, table } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';

/**
 * `upsert` through a single-table subclass: a conflicting row of another class (another
 * discriminator value) is never overwritten as the subclass's. The call is refused with an
 * InvalidArgumentError naming the class, the row's key and the class it belongs to, before
 * anything is written; the root class (every row is its) upserts as before.
 */

const registry = new Registry({ name: 'bulk-upsert-inheritance-tests' });

@Entity({ registry, table: 'upsert_animals', discriminatorColumn: 'kind', discriminatorValue: 'animal' })
class Animal {
  @PrimaryKey() id!: number;
  @Column({ length: 30, unique: true }) name!: string;
  @Column({ type: 'integer', default: 4 }) legs!: number;
}

@Entity({ registry, discriminatorValue: 'dog' })
class Dog extends Animal {}

@Entity({ registry, discriminatorValue: 'puppy' })
class Puppy extends Dog {}

@Entity({ registry, discriminatorValue: 'cat' })
class Cat extends Animal {}

const animals = table(Animal) as AnyTable;

describeEachDialect('upsert through a single-table subclass', (ctx) => {
  const db = useTestEngine(ctx, {
    setUp: (engine) => engine.createAll([Animal, Dog, Puppy, Cat]),
    reset: (engine) => engine.execute(deleteFrom(animals)),
  });

  /** kind:name:legs per row, ordered by name. */
  async function stored(): Promise<string[]> {
    const rows = (await db.engine.execute(select(animals).from(animals))) as Record<string, unknown>[];
    return rows.map((r) => `${String(r.kind)}:${String(r.name)}:${Number(r.legs)}`).sort((a, b) => a.split(':')[1]!.localeCompare(b.split(':')[1]!));
  }

  /** rex the dog, tom the cat, bit the puppy; their keys. */
  async function seed(): Promise<{ rex: number; tom: number; bit: number }> {
    return db.engine.session(async (s) => {
      const [rex] = (await s.bulkInsert(Dog, [{ name: 'rex' }], { returning: true })) as number[];
      const [tom] = (await s.bulkInsert(Cat, [{ name: 'tom' }], { returning: true })) as number[];
      const [bit] = (await s.bulkInsert(Puppy, [{ name: 'bit' }], { returning: true })) as number[];
      return { rex: rex!, tom: tom!, bit: bit! };
    });
  }

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
