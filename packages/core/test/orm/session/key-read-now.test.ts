import { InvalidArgumentError, SessionClosedError, stateOf } from '@athanor/core';
import type { Engine } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Animal, Cat, Dog, Membership, Puppy, seed, User } from './model';

/**
 * Key reads on an engine nobody listens to: on SQLite the row is read and hydrated in the
 * same tick as the call (see Engine.executeArraysNow), elsewhere asynchronously; the
 * behaviour is the same. No statement recorder here (a listener would turn the same-tick
 * path off): statements are counted with the engine's stats.
 */
describeEachDialect('key reads without listeners', (ctx) => {
  let engine: Engine;
  const statements = (): number => engine.stats().statements;

  beforeAll(async () => {
    engine = ctx.createEngine();
    await seed(engine);
  });

  test('one statement per key not held; AfterLoad ran; the same object on a second read', async () => {
    await using s = engine.session();
    const before = statements();
    const ann = await s.get(User, 1);
    expect(ann).toBeInstanceOf(User);
    expect([ann!.username, ann!.email, ann!.loadedAs]).toEqual(['ann', 'ann@example.com', 'ANN']);
    expect(await s.get(User, 1)).toBe(ann);
    expect(await s.get(User, 99)).toBeNull();
    expect(statements() - before).toBe(2);
  });

  test('concurrent reads of one key give one object', async () => {
    await using s = engine.session();
    const [a, b, c] = await Promise.all([s.get(User, 2), s.get(User, 2), s.get(User, { id: 2 })]);
    expect(a).toBeInstanceOf(User);
    expect(b).toBe(a);
    expect(c).toBe(a);
  });

  test('single-table inheritance: the row decides the class; a subclass answers only for its rows', async () => {
    await using s = engine.session();
    expect(await s.get(Animal, 3)).toBeInstanceOf(Puppy);
    await using t = engine.session();
    expect(await t.get(Cat, 1)).toBeNull();
    expect(await t.get(Dog, 3)).toBeInstanceOf(Puppy);
    expect(await t.get(Dog, 1)).toBeInstanceOf(Dog);
  });

  test('composite keys', async () => {
    await using s = engine.session();
    const m = await s.get(Membership, { orgId: 1, member: 'bob' });
    expect(m?.role).toBe('member');
    expect(await s.get(Membership, { orgId: 2, member: 'bob' })).toBeNull();
  });

  test('an expired object is reloaded in place; loading never overwrites unflushed changes otherwise', async () => {
    await using s = engine.session({ autoflush: false });
    const bob = (await s.get(User, 2))!;
    bob.age = 99;
    expect((await s.get(User, 2))!.age).toBe(99);
    s.expire(bob);
    expect(await s.get(User, 2)).toBe(bob);
    expect(bob.age).toBe(25);
  });

  test('pending changes are flushed before the read (autoflush)', async () => {
    await using s = engine.session();
    // An explicit key: the seed's explicit ids left PostgreSQL's identity sequence at 1.
    const fay = s.add(Object.assign(new User(), { id: 50, username: 'fay', age: 20, active: true, email: null, mentor: null }));
    const read = await s.get(User, { id: 5 });
    expect(read?.username).toBe('eve');
    expect(stateOf(fay)?.status).toBe('persistent');
    // Flushed: the read finds the row's object without a statement.
    const before = statements();
    expect(await s.get(User, 50)).toBe(fay);
    expect(statements()).toBe(before);
    await s.rollback();
  });

  test('errors reject, never throw: a closed session, a bad key', async () => {
    const s = engine.session();
    const bad = s.get(User, undefined as never);
    expect(bad).toBeInstanceOf(Promise);
    await expect(bad).rejects.toThrow(InvalidArgumentError);
    await s.close();
    const closed = s.get(User, 1);
    expect(closed).toBeInstanceOf(Promise);
    await expect(closed).rejects.toThrow(SessionClosedError);
  });
});
