import { select, SessionFailedError, stateOf, table, TransactionStateError, UniqueViolationError } from '@athanor/core';
import type { AnyTable, EntityClass } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Post, rowCount, useModel, User } from '../model';

/**
 * A flush that fails half way (a unique violation in the second table it writes): the database
 * holds none of it, pending objects are still pending without keys, dirty ones still dirty,
 * the error says what failed, and the session refuses work until rollback().
 */

describeEachDialect('session: a failed flush', (ctx) => {
  const db = useModel(ctx);

  beforeEach(async () => {
    await db.engine.session(async (s) => {
      const a = s.add(Object.assign(new User(), { name: 'old', age: 50 }));
      a.posts.add(Object.assign(new Post(), { title: 'taken' }));
    });
  });

  async function names(): Promise<string[]> {
    return (await db.engine.execute(select(table(User).name).from(table(User)).orderBy(table(User).id))).map((r) => r.name);
  }
  const count = (of: EntityClass | AnyTable): Promise<number> => rowCount(db.engine, of);

  test('nothing stays in the database; objects as they were; the session refuses work until rollback()', async () => {
    const s = db.engine.session();
    const old = (await s.findOne(User, { where: { name: 'old' } }))!;
    old.age = 51;
    const zed = s.add(Object.assign(new User(), { name: 'zed' }));
    const fine = Object.assign(new Post(), { title: 'fine' });
    const clash = Object.assign(new Post(), { title: 'taken' });
    zed.posts.add(fine, clash);

    const error = await s.commit().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as Error).message).toMatch(/flush step: INSERT of 2 Post rows/);
    expect(await names()).toEqual(['old']);
    expect(await count(Post)).toBe(1);
    // Pending objects: still pending, no keys; the dirty one still dirty.
    for (const o of [zed, fine, clash]) {
      expect(stateOf(o)!.status).toBe('pending');
      expect(stateOf(o)!.key).toBeUndefined();
    }
    expect(zed.id).toBeUndefined();
    expect(zed.version).toBeUndefined();
    expect(fine.author.id).toBeUndefined();
    expect(s.new).toEqual([zed, fine, clash]);
    expect(s.dirty).toEqual([old]);
    expect(old.age).toBe(51);
    expect(old.version).toBe(1);
    // Refused, naming the failure.
    await expect(s.find(User)).rejects.toThrow(SessionFailedError);
    await expect(s.find(User)).rejects.toThrow(TransactionStateError);
    await expect(s.get(User, 1)).rejects.toThrow(/flush failed \(UniqueViolationError: .*INSERT of 2 Post rows.*\) and its transaction was rolled back; call session\.rollback\(\)/);
    await expect(s.flush()).rejects.toThrow(SessionFailedError);
    expect(() => s.add(new User())).toThrow(SessionFailedError);
    const refused = await s.commit().catch((e: unknown) => e);
    expect((refused as Error).cause).toBe(error);

    await s.rollback();
    // Back to what the database holds: the new objects left the session, the change went back.
    expect(stateOf(zed)!.status).toBe('transient');
    expect(old.age).toBe(50);
    expect(s.dirty).toEqual([]);
    expect(s.new).toEqual([]);
    expect((await s.find(User)).map((a) => a.name)).toEqual(['old']);

    // The same objects can be added again and committed.
    clash.title = 'not taken';
    s.add(zed);
    await s.commit();
    expect(await names()).toEqual(['old', 'zed']);
    expect(await count(Post)).toBe(3);
    await s.close();
  });

  test('a flush that succeeded earlier in the same transaction is taken back too', async () => {
    const s = db.engine.session();
    const first = s.add(Object.assign(new User(), { name: 'first' }));
    await s.flush();
    expect(typeof first.id).toBe('number');
    expect(stateOf(first)!.status).toBe('persistent');
    s.add(Object.assign(new Post(), { title: 'taken', author: first as never }));
    await expect(s.flush()).rejects.toThrow(UniqueViolationError);
    expect(await names()).toEqual(['old']);
    await s.rollback();
    expect(stateOf(first)!.status).toBe('transient');
    expect(first.id).toBeUndefined();
    expect(stateOf(first)!.key).toBeUndefined();
    expect(await s.get(User, 99)).toBeNull();
    await s.close();
  });

  test('the scoped form: the failure rejects engine.session(), nothing is committed', async () => {
    await expect(
      db.engine.session(async (s) => {
        s.add(Object.assign(new User(), { name: 'scoped' }));
        s.add(Object.assign(new Post(), { title: 'taken', author: (await s.findOne(User))! as never }));
      }),
    ).rejects.toThrow(UniqueViolationError);
    expect(await names()).toEqual(['old']);
    // Swallowing the error does not make the scope commit.
    await expect(
      db.engine.session(async (s) => {
        s.add(Object.assign(new Post(), { title: 'taken', author: (await s.findOne(User, { autoflush: false }))! as never }));
        await s.flush().catch(() => undefined);
      }),
    ).rejects.toThrow(SessionFailedError);
    expect(await count(Post)).toBe(1);
  });
});
