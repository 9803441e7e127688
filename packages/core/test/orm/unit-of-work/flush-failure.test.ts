import { StaleDataError, stateOf, table, UniqueViolationError, update } from '@athanor/core';
import type { AnyTable, EntityClass } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { flushChanges, flushFailureOf } from '../../../src/orm/unit-of-work/flush-executor';
import { changeSet, flush, inserted, make, to, updated } from './helpers';
import { Post, rowCount, Tag, useModel, User } from './model';

/**
 * A failed flush: the transaction rolls back, the database holds none of it, and the objects are
 * as they were (pending objects still pending, no keys, no defaults), so the flush can be retried.
 */

describeEachDialect('flush: failure', (ctx) => {
  const db = useModel(ctx);

  const count = (of: EntityClass | AnyTable): Promise<number> => rowCount(db.engine, of);

  function untouched(instance: User | Tag): void {
    const state = stateOf(instance)!;
    expect(state.status).toBe('pending');
    expect(state.key).toBeUndefined();
    expect(state.snapshot).toBeUndefined();
    expect(instance.id).toBeUndefined();
  }

  test('a unique violation in the second entity’s insert: nothing stays, the objects are untouched, a retry works', async () => {
    const existing = make(Tag, { name: 'news' });
    await flush(db.engine, changeSet({ inserts: inserted(existing) }));
    const users = [make(User, { name: 'ann' }), make(User, { name: 'bob' })];
    const posts = users.map((u) => make(Post, { title: `by ${u.name}`, author: to(u) }));
    const tags = [make(Tag, { name: 'fresh' }), make(Tag, { name: 'news' })];
    const changes = changeSet({ inserts: inserted(...users, ...tags, ...posts) });
    const error = await flush(db.engine, changeSet(changes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UniqueViolationError);
    expect((error as Error).message).toMatch(/\(flush step: INSERT of 2 Tag rows: Tag#\(new\), Tag#\(new\)\)$/);
    const failure = flushFailureOf(error)!;
    expect(failure.step.kind).toBe('insert');
    expect(failure.instances).toEqual(tags);
    expect(await count(User)).toBe(0);
    expect(await count(Post)).toBe(0);
    expect(await count(Tag)).toBe(1);
    for (const o of [...users, ...tags]) untouched(o);
    expect(users[0]).not.toHaveProperty('version');
    expect(users[0]).not.toHaveProperty('createdAt');
    expect(posts[0]!.author.id).toBeUndefined();

    tags[1]!.name = 'other';
    await flush(db.engine, changes);
    expect(await count(User)).toBe(2);
    expect(await count(Post)).toBe(2);
    expect(posts.map((p) => p.author.id)).toEqual(users.map((u) => u.id));
    expect(users.every((u) => stateOf(u)!.status === 'persistent' && u.version === 1)).toBe(true);
  });

  test('a stale update after the inserts: the inserts are rolled back too', async () => {
    const [ann] = [make(User, { name: 'ann' })];
    await flush(db.engine, changeSet({ inserts: inserted(ann!) }));
    await db.engine.execute(update(table(User)).set({ version: 9 }).where(table(User).id.eq(ann!.id)));
    const bob = make(User, { name: 'bob' });
    const post = make(Post, { title: 'p', author: to(bob) });
    ann!.age = 50;
    const error = await flush(db.engine, changeSet({ inserts: inserted(bob, post), updates: [updated(ann!, 'age')] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleDataError);
    expect(flushFailureOf(error)?.description).toBe(`UPDATE of 1 User row: User#${ann!.id}`);
    expect(await count(User)).toBe(1);
    expect(await count(Post)).toBe(0);
    untouched(bob);
    expect(ann!.version).toBe(1);
  });

  test('a child pointing at a new parent that is not in the flush: a clear error, nothing written', async () => {
    const ghost = make(User, { name: 'ghost' });
    const post = make(Post, { title: 'orphan', author: to(ghost) });
    const error = await flush(db.engine, changeSet({ inserts: inserted(post) })).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Post\.author points at a User that has no key and is not inserted before it in this flush.*session\.add/);
    expect(flushFailureOf(error)?.step.kind).toBe('insert');
    expect(await count(Post)).toBe(0);
  });

  test('apply() returns an undo: keys, defaults, Ref keys, snapshots and identity keys go back', async () => {
    const ann = make(User, { name: 'ann' });
    const post = make(Post, { title: 'p', author: to(ann) });
    const outcome = await db.engine.transaction(async (tx) => {
      const result = await flushChanges(db.engine.dialect, tx, changeSet({ inserts: inserted(ann, post) }));
      await tx.rollback();
      return result;
    });
    const undo = outcome.apply();
    expect(typeof ann.id).toBe('number');
    expect(post.author.id).toBe(ann.id);
    expect(stateOf(ann)!.key).toBe(ann.id);
    undo();
    untouched(ann);
    expect(ann).not.toHaveProperty('version');
    expect(post.author.id).toBeUndefined();
    expect(post).not.toHaveProperty('views');
    expect(await count(User)).toBe(0);
  });
});
