import 'reflect-metadata';
import { insert, InvalidArgumentError } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { useAnimals } from './animals-model';
import { upsertSeams } from '../../../src/orm/unit-of-work/bulk-operations';

/**
 * The write of a single-table subclass's upsert is itself guarded: a row of another class
 * that the check before it did not see (inserted meanwhile by another connection) is left
 * alone by the statement (DO UPDATE … WHERE on PostgreSQL and SQLite, CASE per column on
 * MySQL), and the call fails with the check's error, its writes rolled back to a savepoint so
 * that the session's earlier work stays and nothing of the call does.
 */

describeEachDialect('upsert through a single-table subclass: the guarded write', (ctx) => {
  const { db, Animal, Dog, Cat, animals, stored, seed } = useAnimals(ctx, 'upsert_guard_animals');

  afterEach(() => {
    upsertSeams.skipCheck = false;
    upsertSeams.beforeWrite = undefined;
  });

  const writes = (): string[] => db.recorder.sql.filter((q) => !/^SELECT/i.test(q));
  const control = (): string[] => db.recorder.all.map((q) => q.sql).filter((q) => /^(SAVEPOINT|RELEASE|ROLLBACK TO)/i.test(q)).map((q) => q.split(' ').slice(0, -1).join(' '));

  /** The guard the write carries: a WHERE on the conflict's update, or (MySQL) a CASE per updated column. */
  function expectGuarded(sql: string, updated: string): void {
    const q = (name: string) => (ctx.name === 'mysql' ? `\`${name}\`` : `"${name}"`);
    const kind = `${q('upsert_guard_animals')}.${q('kind')} IN \\(\\S+, \\S+\\)`;
    if (ctx.name === 'mysql') {
      expect(sql).toMatch(new RegExp(`ON DUPLICATE KEY UPDATE ${q(updated)} = CASE WHEN ${kind} THEN VALUES\\(${q(updated)}\\) ELSE ${q('upsert_guard_animals')}\\.${q(updated)} END$`));
    } else {
      expect(sql).toMatch(new RegExp(`DO UPDATE SET ${q(updated)} = EXCLUDED\\.${q(updated)} WHERE ${kind}$`));
    }
  }

  test("with the check left out, the write leaves another class's row alone; the call fails as the check does and nothing of it stays", async () => {
    const ids = await seed();
    upsertSeams.skipCheck = true;
    db.recorder.clear();
    const call = db.engine.session((s) =>
      s.upsert(Dog, [{ id: ids.rex + 1000, name: 'new dog' }, { id: ids.rex, name: 'rex', legs: 3 }, { id: ids.tom, name: 'tom', legs: 3 }], { update: ['legs'] }),
    );
    await expect(call).rejects.toThrow(InvalidArgumentError);
    await expect(call).rejects.toThrow(
      `upsert(): Dog rows conflict with rows of another class: id = ${ids.tom} is a Cat row (kind 'cat'). ` +
        "A Dog upsert never changes another class's row; upsert those rows through their own class or Animal, or give them other keys. Nothing was written.",
    );
    // One guarded INSERT per call, in a savepoint rolled back; the rows it wrote (a new dog, rex's legs) are gone with it.
    expect(writes()).toHaveLength(1);
    expectGuarded(writes()[0]!, 'legs');
    expect(control().slice(0, 2)).toEqual(['SAVEPOINT', 'ROLLBACK TO SAVEPOINT']);
    expect(await stored()).toEqual(['puppy:bit:4', 'dog:rex:4', 'cat:tom:4']);
  });

  test("after the guard's refusal the session goes on: its earlier writes stay, the next upsert works", async () => {
    const ids = await seed();
    upsertSeams.skipCheck = true;
    await using s = db.engine.session();
    await s.bulkInsert(Cat, [{ name: 'kit' }]);
    await expect(s.upsert(Dog, [{ id: ids.rex, name: 'rex', legs: 1 }, { id: ids.tom, name: 'tom', legs: 1 }], {})).rejects.toThrow(`id = ${ids.tom} is a Cat row (kind 'cat')`);
    await s.upsert(Dog, [{ id: ids.rex, name: 'rex', legs: 5 }, { id: ids.bit, name: 'bit', legs: 2 }], {});
    await s.commit();
    expect(await stored()).toEqual(['puppy:bit:2', 'cat:kit:4', 'dog:rex:5', 'cat:tom:4']);
  });

  test("a conflict on a unique column: the other class's row keeps its values and class; the class's own rows are updated when none is hit", async () => {
    const ids = await seed();
    upsertSeams.skipCheck = true;
    await expect(db.engine.session((s) => s.upsert(Dog, [{ name: 'rex', legs: 1 }, { name: 'tom', legs: 1 }], { conflict: ['name'] }))).rejects.toThrow(
      `upsert(): Dog rows conflict with rows of another class: id = ${ids.tom}, name = 'tom' is a Cat row (kind 'cat').`,
    );
    expect(await stored()).toEqual(['puppy:bit:4', 'dog:rex:4', 'cat:tom:4']);
    db.recorder.clear();
    await db.engine.session((s) => s.upsert(Dog, [{ name: 'rex', legs: 1 }, { name: 'bit', legs: 3 }, { name: 'odie' }], { conflict: ['name'] }));
    expect(writes()).toHaveLength(1);
    expect(control()).toEqual(['SAVEPOINT', 'RELEASE SAVEPOINT']);
    expect(await stored()).toEqual(['puppy:bit:3', 'dog:odie:4', 'dog:rex:1', 'cat:tom:4']);
  });

  test('the discriminator itself among the updated columns: a row of the class may move within it, never one of another class', async () => {
    const ids = await seed();
    upsertSeams.skipCheck = true;
    await db.engine.session((s) => s.upsert(Dog, [{ id: ids.bit, name: 'bit', kind: 'dog', legs: 3 }], { update: ['kind', 'legs'] }));
    expect(await stored()).toEqual(['dog:bit:3', 'dog:rex:4', 'cat:tom:4']);
    await expect(db.engine.session((s) => s.upsert(Dog, [{ id: ids.tom, name: 'tom', kind: 'dog', legs: 3 }], { update: ['kind', 'legs'] }))).rejects.toThrow(
      `id = ${ids.tom} is a Cat row (kind 'cat')`,
    );
    expect(await stored()).toEqual(['dog:bit:3', 'dog:rex:4', 'cat:tom:4']);
  });

  test('DO NOTHING (update: []) changes no row, so it needs no guard nor savepoint; the root class neither', async () => {
    const ids = await seed();
    upsertSeams.skipCheck = true;
    db.recorder.clear();
    await db.engine.session((s) => s.upsert(Dog, [{ id: ids.tom, name: 'tom', legs: 1 }, { id: ids.rex + 1000, name: 'fido' }], { update: [] }));
    await db.engine.session((s) => s.upsert(Animal, [{ id: ids.tom, name: 'tom', legs: 3 }], {}));
    expect(control()).toEqual([]);
    expect(db.recorder.sql.filter((q) => /^SELECT/i.test(q))).toEqual([]);
    expect(await stored()).toEqual(['puppy:bit:4', 'dog:fido:4', 'dog:rex:4', 'cat:tom:3']);
  });

  // SQLite's write transaction holds the database's write lock from BEGIN: no other connection
  // can insert between the check and the write there.
  const racing = ctx.name === 'sqlite' ? test.skip : test;

  racing('another connection inserts a row of another class between the check and the write: the write leaves it alone and the call is refused', async () => {
    const ids = await seed();
    upsertSeams.beforeWrite = async () => {
      await db.engine.execute(insert(animals).values({ id: ids.rex + 500, name: 'felix', legs: 4, kind: 'cat' }));
    };
    db.recorder.clear();
    const call = db.engine.session((s) => s.upsert(Dog, [{ name: 'rex', legs: 2 }, { name: 'felix', legs: 2 }, { name: 'odie' }], { conflict: ['name'] }));
    await expect(call).rejects.toThrow(
      `upsert(): Dog rows conflict with rows of another class: id = ${ids.rex + 500}, name = 'felix' is a Cat row (kind 'cat'). ` +
        "A Dog upsert never changes another class's row; upsert those rows through their own class or Animal, or give them other keys. Nothing was written.",
    );
    // The check (which found nothing), the other connection's insert, the guarded write, and on MySQL the locking read that finds the row.
    const sql = db.recorder.sql;
    expect(sql[0]).toMatch(/^SELECT/);
    expect(sql[1]).toMatch(/^INSERT/);
    expectGuarded(sql[2]!, 'legs');
    if (ctx.name === 'mysql') expect(sql[3]).toMatch(/^SELECT .* LOCK IN SHARE MODE$/);
    expect(await stored()).toEqual(['puppy:bit:4', 'cat:felix:4', 'dog:rex:4', 'cat:tom:4']);
  });
});
