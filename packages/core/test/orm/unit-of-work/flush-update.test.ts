import { StaleDataError, select, stateOf, table, update } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { flushFailureOf } from '../../../src/orm/unit-of-work/flush-executor';
import { changeSet, flush, inserted, make, to, updated } from './helpers';
import { Document, emptyModel, Post, useModel, User } from './model';

/** Updates: only changed columns, batched by column set, version-checked, stale rows named. */

describeEachDialect('flush: updates', (ctx) => {
  const db = useModel(ctx);

  async function users(n: number): Promise<User[]> {
    const list = Array.from({ length: n }, (_, i) => make(User, { name: `u${i}`, age: 20 }));
    await flush(db.engine, changeSet({ inserts: inserted(...list) }));
    db.recorder.clear();
    return list;
  }

  async function ages(): Promise<Map<number, number | null>> {
    const rows = await db.engine.execute(select({ id: table(User).id, age: table(User).age }).from(table(User)));
    return new Map(rows.map((r) => [r.id, r.age]));
  }

  test('only the changed columns are set, plus @Version (checked) and @UpdatedAt', async () => {
    const [ann] = await users(1);
    const now = new Date('2030-01-02T03:04:05.678Z');
    ann!.name = 'ann';
    await flush(db.engine, changeSet({ updates: [updated(ann!, 'name')] }), { now });
    expect(db.recorder.count).toBe(1);
    const text = db.recorder.sql[0]!;
    expect(text).toMatch(/^UPDATE/);
    expect(text).toMatch(/\bname\b/);
    expect(text).toMatch(/version/);
    expect(text).toMatch(/updated_at/);
    expect(text).not.toMatch(/\bage\b/);
    expect(text).not.toMatch(/created_at/);
    expect(ann).toMatchObject({ version: 2, updatedAt: now });
    expect(stateOf(ann!)!.snapshot).toContain('ann');
    const [row] = await db.engine.execute(select(table(User)).from(table(User)));
    expect(row).toMatchObject({ name: 'ann', age: 20, version: 2, updatedAt: now });
  });

  test('rows are grouped by changed column set: round trips per group', async () => {
    const list = await users(100);
    list.forEach((u, i) => (i < 60 ? (u.age = i) : (u.name = `renamed${i}`)));
    const changes = list.map((u, i) => updated(u, i < 60 ? 'age' : 'name'));
    await flush(db.engine, changeSet({ updates: changes }));
    // SQLite: UPDATE … FROM (VALUES …) of up to 100 rows; PostgreSQL: UPDATE … FROM unnest(…);
    // MariaDB: a CASE batch of up to 200 rows. One statement per group here.
    const counts: Record<string, [number, number]> = { sqlite: [2, 2], postgres: [2, 2], mysql: [2, 2] };
    expect([db.recorder.count, new Set(db.recorder.sql).size]).toEqual(counts[ctx.name]);
    const inDb = await ages();
    list.forEach((u, i) => expect(inDb.get(u.id)).toBe(i < 60 ? i : 20));
    const names = await db.engine.execute(select({ id: table(User).id, name: table(User).name }).from(table(User)));
    expect(names.filter((r) => r.name.startsWith('renamed'))).toHaveLength(40);
  });

  test('10,000 rows changing one column', async () => {
    const list = await users(10_000);
    list.forEach((u, i) => (u.age = i % 90));
    await flush(db.engine, changeSet({ updates: list.map((u) => updated(u, 'age')) }));
    // SQLite: 100 rows a statement; MariaDB: 200 rows a CASE statement.
    const counts: Record<string, [number, number]> = { sqlite: [100, 1], postgres: [1, 1], mysql: [50, 1] };
    expect([db.recorder.count, new Set(db.recorder.sql).size]).toEqual(counts[ctx.name]);
    const inDb = await ages();
    list.forEach((u, i) => expect(inDb.get(u.id)).toBe(i % 90));
    expect(list.every((u) => u.version === 2)).toBe(true);
  });

  test('a version conflict between two sessions raises StaleDataError naming the entity and key', async () => {
    const [ann] = await users(1);
    // A second "session" holds the same row, loaded at version 1.
    const other = make(User, {});
    Object.assign(other, { id: ann!.id, name: ann!.name, age: 20, version: 1, createdAt: ann!.createdAt, updatedAt: ann!.updatedAt });
    stateOf(other)!.key = ann!.id;
    stateOf(other)!.snapshot = [...stateOf(ann!)!.snapshot!];
    ann!.age = 30;
    await flush(db.engine, changeSet({ updates: [updated(ann!, 'age')] }));
    other.age = 40;
    const error = await flush(db.engine, changeSet({ updates: [updated(other, 'age')] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleDataError);
    expect((error as Error).message).toContain(`User#${ann!.id} (expected version 1)`);
    expect(flushFailureOf(error)?.step.kind).toBe('update');
    expect((await ages()).get(ann!.id)).toBe(30);
    expect(other.version).toBe(1);
  });

  test('in a batch, exactly the stale rows are named', async () => {
    const list = await users(5);
    // Another transaction moves rows 1 and 3 on.
    await db.engine.execute(update(table(User)).set({ version: 7 }).where(table(User).id.in([list[1]!.id, list[3]!.id])));
    list.forEach((u) => (u.age = 99));
    const error = await flush(db.engine, changeSet({ updates: list.map((u) => updated(u, 'age')) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleDataError);
    const message = (error as Error).message;
    expect(message).toContain(`2 User rows: User#${list[1]!.id} (expected version 1), User#${list[3]!.id} (expected version 1)`);
    expect(message).not.toContain(`User#${list[0]!.id}`);
    // Rolled back: nobody got 99.
    expect([...(await ages()).values()]).toEqual([20, 20, 20, 20, 20]);
  });

  test('a row deleted by another transaction is stale too', async () => {
    const [ann] = await users(1);
    await db.engine.execute(update(table(User)).set({ name: 'x' }).where(table(User).id.eq(ann!.id)));
    await emptyModel(db.engine);
    ann!.age = 1;
    await expect(flush(db.engine, changeSet({ updates: [updated(ann!, 'age')] }))).rejects.toThrow(new RegExp(`UPDATE of User#${ann!.id} \\(expected version 1\\) matched no row`));
  });

  test('an update that writes the value the row already has is not stale (matched rows are counted, not changed ones)', async () => {
    const doc = make(Document, { title: 'same' });
    await flush(db.engine, changeSet({ inserts: inserted(doc) }));
    await expect(flush(db.engine, changeSet({ updates: [updated(doc, 'title')] }))).resolves.toBeDefined();
  });

  test('a foreign key moved to a parent inserted in the same flush', async () => {
    const [ann] = await users(1);
    const post = make(Post, { title: 'p', author: to(ann!) });
    await flush(db.engine, changeSet({ inserts: inserted(post) }));
    const bob = make(User, { name: 'bob' });
    post.author = to(bob);
    db.recorder.clear();
    await flush(db.engine, changeSet({ inserts: inserted(bob), updates: [updated(post, 'author')] }));
    expect(db.recorder.sql.map((s) => s.slice(0, 6))).toEqual(['INSERT', 'UPDATE']);
    const [row] = await db.engine.execute(select({ authorId: table(Post).authorId }).from(table(Post)));
    expect(row!.authorId).toBe(bob.id);
    expect(post.author.id).toBe(bob.id);
  });
});
