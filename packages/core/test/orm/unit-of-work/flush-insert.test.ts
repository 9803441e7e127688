import { asc, select, sql, table } from '@athanor/core';
import type { Engine } from '@athanor/core';
import { mysqlDialect as mysqlFlavor } from '@athanor/mysql';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { withPlan } from '../../../src/orm/unit-of-work/persister/write-plan';
import { changeSet, flush, inserted, make, to } from './helpers';
import { Document, Post, useModel, User, Widget } from './model';

/** Inserts on the three databases: statements per dialect, keys read back and handed to children. */

/** Users u0…u(n-1), each with one post. */
function usersWithPosts(n: number): { users: User[]; posts: Post[] } {
  const users = Array.from({ length: n }, (_, i) => make(User, { name: `u${i}`, age: i % 90 }));
  const posts = users.map((u, i) => make(Post, { title: `post of u${i}`, author: to(u) }));
  return { users, posts };
}

/** Every post's author as the database has it, by title. */
async function authorsInDatabase(engine: Engine): Promise<Map<string, { userId: number; name: string }>> {
  const p = table(Post);
  const u = table(User);
  const rows = await engine.execute(select({ title: p.title, userId: u.id, name: u.name }).from(p).innerJoin(u, p.authorId.eq(u.id)));
  return new Map(rows.map((r) => [r.title, { userId: r.userId, name: r.name }]));
}

describeEachDialect('flush: inserts', (ctx) => {
  const db = useModel(ctx);

  /** [statements, distinct SQL texts] a flush of n users with a post each sends. */
  const expected: Record<string, (n: number) => [number, number]> = {
    // Multi-row INSERTs of 100 rows (one text per table, a second for a shorter last chunk).
    sqlite: (n) => [2 * Math.ceil(n / 100), 2],
    // One unnest() INSERT per table.
    postgres: () => [2, 2],
    // Multi-row INSERTs of 2,000 rows.
    mysql: (n) => [2 * Math.ceil(n / 2_000), 2],
  };

  test.each([1, 100, 10_000])('%i users with a post each: statements per table, keys assigned to parents and children', async (n) => {
    const { users, posts } = usersWithPosts(n);
    const outcome = await flush(db.engine, changeSet({ inserts: inserted(...posts, ...users) }));
    const [count, distinct] = expected[ctx.name]!(n);
    expect(db.recorder.count).toBe(count);
    expect(new Set(db.recorder.sql).size).toBe(distinct);
    expect(outcome.statements).toBe(count);
    expect(db.recorder.sql[0]).toMatch(/^INSERT INTO .users./);
    expect(db.recorder.sql[db.recorder.count - 1]).toMatch(/^INSERT INTO .posts./);
    // Keys: on the instances, distinct, and what the database holds; every post points at its user.
    expect(new Set(users.map((u) => u.id)).size).toBe(n);
    const inDb = await authorsInDatabase(db.engine);
    expect(inDb.size).toBe(n);
    posts.forEach((p, i) => {
      expect(p.author.id).toBe(users[i]!.id);
      expect(inDb.get(p.title)).toEqual({ userId: users[i]!.id, name: `u${i}` });
    });
    const byId = await db.engine.execute(select({ id: table(User).id, name: table(User).name }).from(table(User)));
    expect(new Map(byId.map((r) => [r.id, r.name]))).toEqual(new Map(users.map((u) => [u.id, u.name])));
  });

  test('chunks under the parameter limit (a plan with 1,000 parameters) and the array-row limit', async () => {
    const { users, posts } = usersWithPosts(2_500);
    const plan = withPlan(db.engine.dialect.adapter, { maxParameters: 1_000, arrayRows: 1_000 });
    await flush(db.engine, changeSet({ inserts: inserted(...users, ...posts) }), { plan });
    // MariaDB: users have 5 columns → 200 rows a statement; posts 3 → 333 rows. SQLite: 100 rows
    // a statement anyway. PostgreSQL: 1,000 rows an array statement.
    const counts: Record<string, number> = { sqlite: 25 + 25, postgres: 3 + 3, mysql: 13 + 8 };
    expect(db.recorder.count).toBe(counts[ctx.name]);
    const inDb = await authorsInDatabase(db.engine);
    posts.forEach((p, i) => expect(inDb.get(p.title)?.userId).toBe(users[i]!.id));
  });

  test('new rows get their defaults: @Version 1, @CreatedAt/@UpdatedAt the flush time, client defaults', async () => {
    const now = new Date('2024-05-06T07:08:09.123Z');
    const ann = make(User, { name: 'ann', age: null });
    const p = make(Post, { title: 'hello', author: to(ann) });
    await flush(db.engine, changeSet({ inserts: inserted(ann, p) }), { now });
    expect(ann).toMatchObject({ version: 1, createdAt: now, updatedAt: now });
    expect(ann.createdAt).not.toBe(ann.updatedAt); // each its own Date
    expect(p.views).toBe(0);
    const [row] = await db.engine.execute(select(table(User)).from(table(User)));
    expect(row).toMatchObject({ id: ann.id, name: 'ann', age: null, version: 1, createdAt: now, updatedAt: now });
  });

  test('client-generated keys (uuid) are kept; a server default is read back where RETURNING allows', async () => {
    const docs = [make(Document, { title: 'a' }), make(Document, { title: 'b' }), make(Document, { title: 'c', score: 7 })];
    await flush(db.engine, changeSet({ inserts: inserted(...docs) }));
    expect(docs.every((d) => /^[0-9a-f-]{36}$/.test(d.id))).toBe(true);
    // Two column sets: with and without the server-defaulted score.
    expect(db.recorder.sql.filter((s) => /documents/.test(s))).toHaveLength(2);
    expect(docs.map((d) => d.score)).toEqual([42, 42, 7]);
    const rows = await db.engine.execute(select(table(Document)).from(table(Document)).orderBy(asc(table(Document).title)));
    expect(rows.map((r) => [r.id, r.score])).toEqual(docs.map((d) => [d.id, d.score]));
  });

  test('a generated key and a server default read back together, in row order', async () => {
    const widgets = Array.from({ length: 150 }, (_, i) => make(Widget, { name: `w${i}`, ...(i % 3 === 0 ? { size: i } : {}) }));
    await flush(db.engine, changeSet({ inserts: inserted(...widgets) }));
    expect(widgets.map((w) => w.size)).toEqual(widgets.map((_w, i) => (i % 3 === 0 ? i : 7)));
    const rows = await db.engine.execute(select(table(Widget)).from(table(Widget)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    widgets.forEach((w) => expect(byId.get(w.id)).toEqual({ id: w.id, name: w.name, size: w.size }));
  });

  test('rows with an explicit key and rows with a generated one go in separate statements', async () => {
    const explicit = make(User, { id: 50_000, name: 'fixed' });
    const generated = [make(User, { name: 'g1' }), make(User, { name: 'g2' })];
    const posts = [make(Post, { title: 'of fixed', author: to(explicit) }), make(Post, { title: 'of g2', author: to(generated[1]!) })];
    await flush(db.engine, changeSet({ inserts: inserted(generated[0]!, explicit, generated[1]!, ...posts) }));
    expect(explicit.id).toBe(50_000);
    const userInserts = db.recorder.sql.filter((s) => /^INSERT INTO .users/.test(s));
    expect(new Set(userInserts).size).toBe(2);
    const inDb = await authorsInDatabase(db.engine);
    expect(inDb.get('of fixed')).toEqual({ userId: 50_000, name: 'fixed' });
    expect(inDb.get('of g2')).toEqual({ userId: generated[1]!.id, name: 'g2' });
  });

  if (ctx.name === 'mysql') {
    describe('MySQL without RETURNING: keys from LAST_INSERT_ID()', () => {
      const mysql = useTestEngine(ctx, { engineOptions: { dialect: mysqlFlavor, pool: { size: 1 } } });

      test('a multi-row INSERT gets consecutive keys; @@auto_increment_increment is read once per connection', async () => {
        const first = usersWithPosts(300);
        await flush(mysql.engine, changeSet({ inserts: inserted(...first.users, ...first.posts) }));
        expect(mysql.recorder.sql.filter((s) => /RETURNING/.test(s))).toEqual([]);
        expect(mysql.recorder.sql.filter((s) => /@@auto_increment_increment/.test(s))).toHaveLength(1);
        expect(mysql.recorder.count).toBe(3);
        const ids = first.users.map((u) => u.id);
        expect(ids).toEqual(ids.map((_, i) => ids[0]! + i));
        const inDb = await authorsInDatabase(mysql.engine);
        first.posts.forEach((p, i) => expect(inDb.get(p.title)?.userId).toBe(first.users[i]!.id));
        mysql.recorder.clear();
        const second = usersWithPosts(2);
        second.users.forEach((u, i) => (u.name = `second${i}`));
        second.posts.forEach((p, i) => (p.title = `second post ${i}`));
        await flush(mysql.engine, changeSet({ inserts: inserted(...second.users, ...second.posts) }));
        expect(mysql.recorder.count).toBe(2);
      });

      test('with auto_increment_increment = 3 the keys are 3 apart, and still right', async () => {
        const fresh = ctx.createEngine({ dialect: mysqlFlavor, pool: { size: 1 } });
        const { users, posts } = usersWithPosts(20);
        users.forEach((u, i) => (u.name = `step${i}`));
        posts.forEach((p, i) => (p.title = `step post ${i}`));
        const { flushChanges } = await import('../../../src/orm/unit-of-work/flush-executor');
        const outcome = await fresh.transaction(async (tx) => {
          await tx.execute(sql`SET SESSION auto_increment_increment = 3`);
          return flushChanges(fresh.dialect, tx, changeSet({ inserts: inserted(...users, ...posts) }));
        });
        outcome.apply();
        const ids = users.map((u) => u.id);
        expect(ids.slice(1).map((id, i) => id - ids[i]!)).toEqual(Array(19).fill(3));
        const inDb = await authorsInDatabase(fresh);
        posts.forEach((p, i) => expect(inDb.get(p.title)).toEqual({ userId: users[i]!.id, name: `step${i}` }));
      });
    });
  }
});
