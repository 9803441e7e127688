import { asc, select, StaleDataError, table, update } from '@athanor/core';
import type { AnyTable, EntityClass } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { withPlan } from '../../../src/orm/unit-of-work/persister/write-plan';
import { changeSet, deleted, flush, inserted, link, make, to, updated } from './helpers';
import { Category, Department, Employee, Membership, Person, Post, postTags, rowCount, Tag, useModel, User } from './model';

/** Deletes, composite keys, many-to-many rows, self-referencing trees and a cycle, on real databases. */

describeEachDialect('flush: deletes, composite keys, many-to-many, trees, cycles', (ctx) => {
  const db = useModel(ctx);

  const count = (of: EntityClass | AnyTable): Promise<number> => rowCount(db.engine, of);

  test('deletes go in IN (…) batches, children before parents', async () => {
    const ann = make(User, { name: 'ann' });
    const posts = Array.from({ length: 100 }, (_, i) => make(Post, { title: `p${i}`, author: to(ann) }));
    await flush(db.engine, changeSet({ inserts: inserted(ann, ...posts) }));
    db.recorder.clear();
    await flush(db.engine, changeSet({ deletes: deleted(ann, ...posts) }));
    expect(db.recorder.count).toBe(2);
    expect(db.recorder.sql[0]).toMatch(/^DELETE FROM .posts. WHERE .*IN \(/);
    expect(db.recorder.statements[0]!.params).toHaveLength(100);
    // @Version: the user's delete checks it.
    expect(db.recorder.sql[1]).toMatch(/^DELETE FROM .users. WHERE \(.*id.*, .*version.*\) IN \(/);
    expect(await count(Post)).toBe(0);
    expect(await count(User)).toBe(0);
  });

  test('a versioned delete of a row changed meanwhile raises StaleDataError and deletes nothing', async () => {
    const list = [make(User, { name: 'a' }), make(User, { name: 'b' })];
    await flush(db.engine, changeSet({ inserts: inserted(...list) }));
    await db.engine.execute(update(table(User)).set({ version: 5 }).where(table(User).id.eq(list[1]!.id)));
    const error = await flush(db.engine, changeSet({ deletes: deleted(...list) })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(StaleDataError);
    expect((error as Error).message).toContain(`DELETE of User#${list[1]!.id} (expected version 1) matched no row`);
    expect(await count(User)).toBe(2);
  });

  test('composite keys: insert, version-checked update and delete by (orgId, member)', async () => {
    const ms = [make(Membership, { orgId: 1, member: 'ann', role: 'owner' }), make(Membership, { orgId: 1, member: 'bob', role: 'member' }), make(Membership, { orgId: 2, member: 'ann', role: 'member' })];
    await flush(db.engine, changeSet({ inserts: inserted(...ms) }));
    db.recorder.clear();
    ms[0]!.role = 'admin';
    ms[2]!.role = 'admin';
    await flush(db.engine, changeSet({ updates: [updated(ms[0]!, 'role'), updated(ms[2]!, 'role')] }));
    expect(db.recorder.count).toBe(1);
    const roles = await db.engine.execute(select(table(Membership)).from(table(Membership)).orderBy(asc(table(Membership).orgId), asc(table(Membership).member)));
    expect(roles.map((r) => `${r.orgId}/${r.member}:${r.role}:${r.version}`)).toEqual(['1/ann:admin:2', '1/bob:member:1', '2/ann:admin:2']);
    db.recorder.clear();
    await flush(db.engine, changeSet({ deletes: deleted(ms[0]!, ms[1]!) }));
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.sql[0]).toMatch(/WHERE \(.memberships.\..org_id., .memberships.\..member., .memberships.\..version.\) IN \(\(/);
    const left = await db.engine.execute(select(table(Membership)).from(table(Membership)));
    expect(left.map((r) => `${r.orgId}/${r.member}`)).toEqual(['2/ann']);
    // Where a dialect has no row values: OR of ANDs.
    db.recorder.clear();
    const plan = withPlan(db.engine.dialect.adapter, { rowValues: false });
    await flush(db.engine, changeSet({ deletes: deleted(ms[2]!) }), { plan });
    expect(db.recorder.sql[0]).toMatch(/WHERE .memberships.\..org_id. = .* AND .memberships.\..member. = .* AND .memberships.\..version. = /);
    expect(await db.engine.execute(select(table(Membership)).from(table(Membership)))).toEqual([]);
  });

  test('many-to-many: links inserted and unlinked in batches, from either side', async () => {
    const ann = make(User, { name: 'ann' });
    const posts = [0, 1, 2].map((i) => make(Post, { title: `p${i}`, author: to(ann) }));
    const tags = ['news', 'tech', 'misc'].map((name) => make(Tag, { name }));
    const links = [link(posts[0]!, 'tags', tags[0]!), link(posts[0]!, 'tags', tags[1]!), link(posts[1]!, 'tags', tags[1]!), link(tags[2]!, 'posts', posts[2]!), link(posts[2]!, 'tags', tags[2]!)];
    await flush(db.engine, changeSet({ inserts: inserted(ann, ...posts, ...tags), associations: links }));
    const linkInserts = db.recorder.sql.filter((s) => s.includes(postTags().$name));
    expect(linkInserts).toHaveLength(1);
    const rows = async (): Promise<string[]> => {
      const jt = postTags();
      const [owner, target] = jt.$columns;
      const list = await db.engine.execute(select({ p: owner!, t: target! }).from(jt));
      const title = new Map(posts.map((p) => [p.id, p.title]));
      const name = new Map(tags.map((t) => [t.id, t.name]));
      return list.map((r) => `${title.get(r.p as number)}-${name.get(r.t as number)}`).sort();
    };
    expect(await rows()).toEqual(['p0-news', 'p0-tech', 'p1-tech', 'p2-misc']);
    db.recorder.clear();
    await flush(db.engine, changeSet({ associations: [link(posts[0]!, 'tags', tags[0]!, 'unlink'), link(tags[1]!, 'posts', posts[1]!, 'unlink'), link(posts[1]!, 'tags', tags[0]!)] }));
    expect(db.recorder.sql.map((s) => s.slice(0, 6))).toEqual(['DELETE', 'INSERT']);
    expect(await rows()).toEqual(['p0-tech', 'p1-news', 'p2-misc']);
  });

  test('a self-referencing tree: inserted level by level, deleted deepest first', async () => {
    const root = make(Category, { name: 'root', parent: null });
    const kids = ['a', 'b'].map((name) => make(Category, { name, parent: to(root) }));
    const grandkids = ['a1', 'a2', 'b1'].map((name) => make(Category, { name, parent: to(kids[name.startsWith('a') ? 0 : 1]!) }));
    const all = [...grandkids, ...kids, root];
    await flush(db.engine, changeSet({ inserts: inserted(...all) }));
    expect(db.recorder.count).toBe(3);
    const rows = await db.engine.execute(select({ id: table(Category).id, name: table(Category).name, parentId: table(Category).parentId }).from(table(Category)));
    const byId = new Map(rows.map((r) => [r.id, r]));
    const parentName = (name: string): string | undefined => {
      const row = rows.find((r) => r.name === name)!;
      return row.parentId === null ? undefined : byId.get(row.parentId)!.name;
    };
    expect(['a', 'b', 'a1', 'a2', 'b1', 'root'].map(parentName)).toEqual(['root', 'root', 'a', 'a', 'b', undefined]);
    db.recorder.clear();
    await flush(db.engine, changeSet({ deletes: deleted(root, ...kids, ...grandkids) }));
    expect(db.recorder.count).toBe(3);
    expect(db.recorder.statements.map((s) => s.params.length)).toEqual([3, 2, 1]);
    expect(await count(Category)).toBe(0);
  });

  test('two new rows pointing at each other (a self-reference): one inserted with NULL, then updated', async () => {
    const x = make(Employee, { name: 'x' });
    const y = make(Employee, { name: 'y', manager: to(x) });
    x.manager = to(y);
    await flush(db.engine, changeSet({ inserts: inserted(x, y) }));
    expect(db.recorder.sql.map((s) => s.slice(0, 6))).toEqual(['INSERT', 'INSERT', 'UPDATE']);
    const rows = await db.engine.execute(select({ id: table(Employee).id, managerId: table(Employee).managerId }).from(table(Employee)));
    expect(new Map(rows.map((r) => [r.id, r.managerId]))).toEqual(new Map([[x.id, y.id], [y.id, x.id]]));
    expect([x.manager.id, y.manager!.id]).toEqual([y.id, x.id]);
    db.recorder.clear();
    await flush(db.engine, changeSet({ deletes: deleted(x, y) }));
    // The cleared key cuts the cycle; the other reference still orders the two rows.
    expect(db.recorder.sql.map((s) => s.slice(0, 6))).toEqual(['UPDATE', 'DELETE', 'DELETE']);
    expect(await count(Employee)).toBe(0);
  });

  test('a cycle: the nullable side inserted with NULL and post-updated; deleted after clearing the key', async () => {
    const sales = make(Department, { name: 'sales' });
    const people = ['ann', 'bob'].map((name) => make(Person, { name, department: to(sales) }));
    sales.head = to(people[0]!);
    await flush(db.engine, changeSet({ inserts: inserted(...people, sales) }));
    const shape = (text: string): string => /^(INSERT INTO|UPDATE|DELETE FROM) .(\w+)/.exec(text)!.slice(1).join(' ');
    expect(db.recorder.sql.map(shape)).toEqual(['INSERT INTO departments', 'INSERT INTO people', 'UPDATE departments']);
    // The head goes in as NULL (PostgreSQL: inside its array parameter).
    expect(JSON.stringify(db.recorder.statements[0]!.params)).toContain('null');
    const [dept] = await db.engine.execute(select(table(Department)).from(table(Department)));
    expect(dept!.headId).toBe(people[0]!.id);
    expect(sales.head!.id).toBe(people[0]!.id);
    db.recorder.clear();
    await flush(db.engine, changeSet({ deletes: deleted(sales, ...people) }));
    expect(db.recorder.sql.map(shape)).toEqual(['UPDATE departments', 'DELETE FROM people', 'DELETE FROM departments']);
    expect(await count(Department)).toBe(0);
    expect(await count(Person)).toBe(0);
  });
});
