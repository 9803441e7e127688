import { deleteFrom, func, insert, integer, LockTimeoutError, MetaData, select, table, UniqueViolationError, varchar } from '@athanor/core';
import type { Engine, Transaction } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';

/**
 * Transactions around Core statements on every dialect: commit, rollback on throw, savepoints
 * whose failure the outer block survives, and errors raised by the database inside them.
 */

const items = table('items', {
  id: integer().primaryKey({ autoIncrement: false }),
  name: varchar(50).notNull().unique(),
});

describeEachDialect('Core transactions', (ctx) => {
  let db: Engine;

  beforeAll(async () => {
    db = ctx.createEngine();
    await new MetaData([items]).createAll(db);
  });

  beforeEach(async () => {
    await db.execute(deleteFrom(items));
  });

  const names = async (q: Engine | Transaction = db): Promise<string[]> =>
    (await q.execute(select(items.name).from(items).orderBy(items.id))).map((r) => r.name);
  const add = (q: Engine | Transaction, id: number, name: string) => q.execute(insert(items).values({ id, name }));

  test('commit: the work is visible afterwards and the function’s value is returned', async () => {
    const result = await db.transaction(async (tx) => {
      await add(tx, 1, 'a');
      await tx.execute(insert(items).values([{ id: 2, name: 'b' }, { id: 3, name: 'c' }]));
      expect(await names(tx)).toEqual(['a', 'b', 'c']);
      return 'done';
    });
    expect(result).toBe('done');
    expect(await names()).toEqual(['a', 'b', 'c']);
  });

  test('rollback on throw: nothing is written and the error comes through unchanged', async () => {
    const boom = new Error('boom');
    await expect(
      db.transaction(async (tx) => {
        await add(tx, 1, 'a');
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await names()).toEqual([]);
  });

  test('a database error half-way rolls back the statements before it', async () => {
    await add(db, 1, 'taken');
    await expect(
      db.transaction(async (tx) => {
        await add(tx, 2, 'fresh');
        await add(tx, 3, 'taken');
      }),
    ).rejects.toThrow(UniqueViolationError);
    expect(await names()).toEqual(['taken']);
  });

  test('uncommitted rows are invisible to other connections until commit', async () => {
    const other = ctx.createEngine();
    let seenInside: string[] | undefined;
    await db.transaction(async (tx) => {
      await add(tx, 1, 'pending');
      seenInside = await names(other);
    });
    expect(seenInside).toEqual([]);
    expect(await names(other)).toEqual(['pending']);
    await other.dispose();
  });

  test('a nested block that throws rolls back to its savepoint; the outer block continues and commits', async () => {
    await db.transaction(async (tx) => {
      await add(tx, 1, 'outer-before');
      await expect(
        tx.transaction(async (inner) => {
          await add(inner, 2, 'inner');
          expect(await names(inner)).toEqual(['outer-before', 'inner']);
          throw new Error('inner fails');
        }),
      ).rejects.toThrow('inner fails');
      expect(await names(tx)).toEqual(['outer-before']);
      await add(tx, 3, 'outer-after');
    });
    expect(await names()).toEqual(['outer-before', 'outer-after']);
  });

  test('a database error inside a nested block: the outer block catches it and goes on', async () => {
    await add(db, 1, 'taken');
    await db.transaction(async (tx) => {
      await add(tx, 2, 'outer');
      const error = await tx
        .transaction(async (inner) => {
          await add(inner, 3, 'inner-ok');
          await add(inner, 4, 'taken'); // unique violation
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      // On PostgreSQL the failed statement aborted the transaction; rolling back to the
      // savepoint made it usable again.
      await add(tx, 5, 'outer-after');
    });
    expect(await names()).toEqual(['taken', 'outer', 'outer-after']);
  });

  test('a committed nested block is undone when the outer block fails', async () => {
    await expect(
      db.transaction(async (tx) => {
        await tx.transaction(async (inner) => {
          await add(inner, 1, 'inner');
        });
        expect(await names(tx)).toEqual(['inner']);
        throw new Error('outer fails');
      }),
    ).rejects.toThrow('outer fails');
    expect(await names()).toEqual([]);
  });

  test('savepoints nest several levels deep', async () => {
    await db.transaction(async (tx) => {
      await add(tx, 1, 'level0');
      await tx.transaction(async (l1) => {
        await add(l1, 2, 'level1');
        await l1
          .transaction(async (l2) => {
            await add(l2, 3, 'level2');
            throw new Error('level2 fails');
          })
          .catch(() => undefined);
        await add(l1, 4, 'level1-after');
      });
    });
    expect(await names()).toEqual(['level0', 'level1', 'level1-after']);
  });

  test('an unhandled database error in a nested block rolls back everything', async () => {
    await add(db, 1, 'taken');
    await expect(
      db.transaction(async (tx) => {
        await add(tx, 2, 'outer');
        await tx.transaction(async (inner) => {
          await add(inner, 3, 'taken');
        });
      }),
    ).rejects.toThrow(UniqueViolationError);
    expect(await names()).toEqual(['taken']);
  });

  test('row locks: FOR UPDATE in one transaction; SKIP LOCKED and NOWAIT in another', async () => {
    await db.execute(insert(items).values([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]));
    const lockOne = select(items.id).from(items).where(items.id.eq(1)).forUpdate();
    const skipLocked = select(items.id).from(items).orderBy(items.id).forUpdate({ skipLocked: true });
    if (!db.dialect.adapter.supportsRowLocks) {
      // SQLite: a write transaction holds the database lock; the clause is left out and the
      // statements run as plain selects.
      await db.transaction(async (tx) => {
        expect(await tx.execute(lockOne)).toEqual([{ id: 1 }]);
        expect(await tx.execute(skipLocked)).toEqual([{ id: 1 }, { id: 2 }]);
        expect(await tx.execute(select(items.id).from(items).forShare())).toHaveLength(2);
      });
      return;
    }
    const other = ctx.createEngine();
    try {
      await db.transaction(async (tx) => {
        expect(await tx.execute(lockOne)).toEqual([{ id: 1 }]);
        const seen = await other.transaction((otx) => otx.execute(skipLocked));
        expect(seen).toEqual([{ id: 2 }]);
        const noWait = other.transaction((otx) => otx.execute(select(items.id).from(items).where(items.id.eq(1)).forUpdate({ noWait: true })));
        await expect(noWait).rejects.toThrow(LockTimeoutError);
        expect(await other.execute(select(items.id).from(items).where(items.id.eq(2)).forShare())).toEqual([{ id: 2 }]);
      });
    } finally {
      await other.dispose();
    }
  });

  test('executeMany runs statements in one transaction: all or nothing', async () => {
    const results = await db.executeMany([insert(items).values({ id: 1, name: 'a' }), insert(items).values({ id: 2, name: 'b' })]);
    expect(results.map((r) => r.rowCount)).toEqual([1, 1]);
    await expect(db.executeMany([insert(items).values({ id: 3, name: 'c' }), insert(items).values({ id: 4, name: 'a' })])).rejects.toThrow(
      UniqueViolationError,
    );
    expect(await names()).toEqual(['a', 'b']);
  });

  test('aggregates and run() inside a transaction see the transaction’s own writes', async () => {
    await db.transaction(async (tx) => {
      const { rowCount } = await tx.run(insert(items).values([{ id: 1, name: 'a' }, { id: 2, name: 'b' }]));
      expect(rowCount).toBe(2);
      const [row] = await tx.execute(select({ n: func.count() }).from(items));
      expect(row!.n).toBe(2);
    });
  });
});
