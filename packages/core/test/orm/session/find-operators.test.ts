import { InvalidArgumentError, NotFoundError, or, table } from '@athanor/core';
import type { Where } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { ids, idsWhere, seed, User } from './model';

/**
 * `find` conditions on columns: every operator, combinators, Core expressions, ordering,
 * limits, and the errors for undefined values. Users (model.ts):
 *   1 ann 31 active ann@example.com · 2 bob 25 active – · 3 cid – inactive cid@example.com
 *   4 dee 44 active DEE@example.com · 5 eve 19 inactive –
 */

describeEachDialect('find: column conditions', (ctx) => {
  const db = useTestEngine(ctx, { setUp: seed });
  const found = (where: Where<User>): Promise<number[]> => idsWhere(db.engine, User, where);

  test('a value means equality; null means IS NULL', async () => {
    expect(await found({ username: 'bob' })).toEqual([2]);
    expect(await found({ age: null })).toEqual([3]);
    expect(await found({ active: false })).toEqual([3, 5]);
    expect(await found({ active: true, email: null })).toEqual([2]);
    expect(db.recorder.sql.at(-1)).toMatch(/IS NULL/);
  });

  test('eq and ne, with null', async () => {
    expect(await found({ age: { eq: 25 } })).toEqual([2]);
    expect(await found({ email: { eq: null } })).toEqual([2, 5]);
    // SQL's <>: rows where the column is NULL do not match
    expect(await found({ age: { ne: 25 } })).toEqual([1, 4, 5]);
    expect(await found({ email: { ne: null } })).toEqual([1, 3, 4]);
  });

  test('gt, gte, lt, lte, between, several operators ANDed', async () => {
    expect(await found({ age: { gt: 25 } })).toEqual([1, 4]);
    expect(await found({ age: { gte: 25 } })).toEqual([1, 2, 4]);
    expect(await found({ age: { lt: 25 } })).toEqual([5]);
    expect(await found({ age: { lte: 25 } })).toEqual([2, 5]);
    expect(await found({ age: { between: [19, 31] } })).toEqual([1, 2, 5]);
    expect(await found({ age: { gte: 20, lt: 40 } })).toEqual([1, 2]);
    expect(await found({ username: { gt: 'cid' } })).toEqual([4, 5]);
  });

  test('in and notIn, empty lists included', async () => {
    expect(await found({ id: { in: [1, 3, 99] } })).toEqual([1, 3]);
    expect(await found({ id: { in: [] } })).toEqual([]);
    expect(await found({ id: { notIn: [1, 2] } })).toEqual([3, 4, 5]);
    expect(await found({ id: { notIn: [] } })).toEqual([1, 2, 3, 4, 5]);
    expect(await found({ username: { in: ['eve', 'ann'] } })).toEqual([1, 5]);
  });

  test('like is case-sensitive on every database; ilike is not', async () => {
    expect(await found({ username: { like: 'b%' } })).toEqual([2]);
    expect(await found({ username: { like: 'A%' } })).toEqual([]);
    expect(await found({ username: { ilike: 'A%' } })).toEqual([1]);
    expect(await found({ email: { like: 'd%' } })).toEqual([]);
    expect(await found({ email: { ilike: 'd%' } })).toEqual([4]);
    expect(await found({ email: { like: '%@example.com' } })).toEqual([1, 3, 4]);
  });

  test('isNull', async () => {
    expect(await found({ email: { isNull: true } })).toEqual([2, 5]);
    expect(await found({ email: { isNull: false } })).toEqual([1, 3, 4]);
  });

  test('and, or, not', async () => {
    expect(await found({ or: [{ username: 'ann' }, { age: { gt: 40 } }] })).toEqual([1, 4]);
    expect(await found({ and: [{ active: true }, { age: { lt: 30 } }] })).toEqual([2]);
    expect(await found({ not: { active: true } })).toEqual([3, 5]);
    expect(await found({ active: true, or: [{ age: { lt: 30 } }, { email: { like: 'D%' } }] })).toEqual([2, 4]);
    expect(await found({ or: [] })).toEqual([]);
    expect(await found({ and: [] })).toEqual([1, 2, 3, 4, 5]);
    expect(await found({ not: { or: [{ id: 1 }, { id: 2 }] } })).toEqual([3, 4, 5]);
  });

  test('a Core expression is the escape hatch, alone, as a function of the table, or in a list', async () => {
    const u = table(User);
    expect(await found(u.age.gt(30))).toEqual([1, 4]);
    expect(await found((t) => t.username.in(['ann', 'eve']))).toEqual([1, 5]);
    expect(await found({ or: [u.id.eq(2), { username: 'cid' }] })).toEqual([2, 3]);
    expect(await found(or(u.id.eq(5), u.id.eq(4)))).toEqual([4, 5]);
  });

  test('ordering by properties in key order, and by Core order items', async () => {
    await using s = db.engine.session();
    const byAge = await s.find(User, { where: { age: { isNull: false } }, orderBy: { age: 'desc' } });
    expect(ids(byAge)).toEqual([4, 1, 2, 5]);
    const mixed = await s.find(User, { orderBy: { active: 'asc', username: 'desc' } });
    expect(ids(mixed)).toEqual([5, 3, 4, 2, 1]);
    const fn = await s.query(User).orderBy((t) => t.username.desc()).all();
    expect(ids(fn)).toEqual([5, 4, 3, 2, 1]);
  });

  test('limit and offset', async () => {
    await using s = db.engine.session();
    expect(ids(await s.find(User, { orderBy: { id: 'asc' }, limit: 2 }))).toEqual([1, 2]);
    expect(ids(await s.find(User, { orderBy: { id: 'asc' }, limit: 2, offset: 1 }))).toEqual([2, 3]);
    expect(ids(await s.find(User, { orderBy: { id: 'asc' }, offset: 3 }))).toEqual([4, 5]);
    await expect(s.find(User, { limit: -1 })).rejects.toThrow(InvalidArgumentError);
  });

  test('findOne, findOneOrFail, count, exists', async () => {
    await using s = db.engine.session();
    expect((await s.findOne(User, { where: { age: { gt: 30 } }, orderBy: { age: 'asc' } }))!.id).toBe(1);
    expect(await s.findOne(User, { where: { username: 'zed' } })).toBeNull();
    expect(db.recorder.sql.at(-1)).toMatch(/LIMIT/i);
    expect((await s.findOneOrFail(User, { where: { username: 'dee' } })).id).toBe(4);
    expect(await s.count(User)).toBe(5);
    expect(await s.count(User, { active: true })).toBe(3);
    expect(await s.count(User, { age: { gt: 100 } })).toBe(0);
    expect(await s.exists(User, { username: 'eve' })).toBe(true);
    expect(await s.exists(User, { username: 'zed' })).toBe(false);
  });

  test('findOneOrFail raises NotFoundError naming the entity and the filter', async () => {
    await using s = db.engine.session();
    const failure = s.findOneOrFail(User, { where: { username: 'zed', age: { gt: 18 } } });
    await expect(failure).rejects.toThrow(NotFoundError);
    await expect(s.findOneOrFail(User, { where: { username: 'zed', age: { gt: 18 } } })).rejects.toMatchObject({
      code: 'NOT_FOUND',
      message: "No User matches where { username: 'zed', age: { gt: 18 } }.",
    });
    await expect(s.query(User).firstOrFail()).resolves.toBeInstanceOf(User);
  });

  test('undefined anywhere in a filter is an error naming the property, and no statement runs', async () => {
    await using s = db.engine.session();
    const cases: [Where<User>, string][] = [
      [{ age: undefined }, 'User.age is undefined in a filter'],
      [{ age: { gt: undefined } }, 'User.age.gt is undefined in a filter'],
      [{ id: { in: [1, undefined as unknown as number] } }, 'User.id.in[1] is undefined in a filter'],
      [{ or: [{ username: 'ann' }, { email: undefined }] }, 'User.email is undefined in a filter'],
      [{ not: undefined }, 'User.not is undefined in a filter'],
      [{ posts: { title: undefined } }, 'User.posts.title is undefined in a filter'],
    ];
    for (const [where, message] of cases) {
      await expect(s.find(User, { where })).rejects.toThrow(InvalidArgumentError);
      await expect(s.find(User, { where })).rejects.toThrow(message);
      await expect(s.count(User, where)).rejects.toThrow(message);
    }
    expect(() => s.query(User).where(undefined as unknown as Where<User>)).toThrow(/undefined condition would match every row/);
    await expect(s.find(User, { where: undefined })).rejects.toThrow('find(User): where is undefined; an undefined condition would match every row.');
    await expect(s.find(User, { orderBy: { age: undefined } })).rejects.toThrow('orderBy User.age is undefined');
    expect(db.recorder.count).toBe(0);
  });

  test('unknown properties and operators are refused at run time too (for JavaScript callers)', async () => {
    await using s = db.engine.session();
    await expect(s.find(User, { where: { usrname: 'x' } as Where<User> })).rejects.toThrow(
      'User has no property "usrname" to filter on; its properties are id, username, age, active, email, posts, mentor, mentees, profile.',
    );
    await expect(s.find(User, { where: { age: { greater: 1 } } as Where<User> })).rejects.toThrow(/unknown operator "greater"; the operators are eq, ne/);
    await expect(s.find(User, { where: { age: [1, 2] } as unknown as Where<User> })).rejects.toThrow(/for a list of values write \{ in: \[\.\.\.\] \}/);
    await expect(s.find(User, { where: { age: { between: [1] } } as unknown as Where<User> })).rejects.toThrow(/takes \[low, high\]/);
    await expect(s.find(User, { wher: {} } as never)).rejects.toThrow(/unknown option "wher"/);
    expect(db.recorder.count).toBe(0);
  });
});
