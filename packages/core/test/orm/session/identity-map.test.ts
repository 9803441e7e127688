import { IdentityMap, InstanceState, InvalidArgumentError, stateOf } from '@athanor/core';
import { compositeKey, identityOf, keyPart, keyValues } from '../../../src/orm/identity/identity-key';
import { hydratorFor } from '../../../src/orm/hydration/hydrator';
import { collectGarbage } from './gc';
import { Membership, registry, User } from './model';

/** The identity map and identity keys on their own: no database. */

const userRows = (from: number, count: number): unknown[][] =>
  Array.from({ length: count }, (_, i) => [from + i, `user${from + i}`, 20, true, null, null]);

describe('identity keys', () => {
  test('a single key is its own Map key; Dates and bytes by value', () => {
    expect(keyPart(5)).toBe(5);
    expect(keyPart('a')).toBe('a');
    expect(keyPart(5n)).toBe(5n);
    expect(keyPart(new Date(1000))).toBe(keyPart(new Date(1000)));
    expect(keyPart(Buffer.from('ab'))).toBe(keyPart(new Uint8Array([97, 98])));
  });

  test('composite keys never collide across value boundaries or types', () => {
    const keys = [compositeKey(['a:b', 'c']), compositeKey(['a', 'b:c']), compositeKey([1, 2]), compositeKey(['1', 2]), compositeKey([12, '']), compositeKey([1, '2'])];
    expect(new Set(keys).size).toBe(keys.length);
    expect(identityOf([1, 'x'])).toBe(compositeKey([1, 'x']));
    expect(identityOf([7])).toBe(7);
  });

  test('key values from get(): the value, or an object of key properties; undefined and null refused', () => {
    const user = registry.get(User);
    const membership = registry.get(Membership);
    expect(keyValues(user, 5, 'get')).toEqual([5]);
    expect(keyValues(user, { id: 5 }, 'get')).toEqual([5]);
    expect(keyValues(membership, { member: 'ann', orgId: 1 }, 'get')).toEqual([1, 'ann']);
    expect(() => keyValues(user, undefined, 'get(User, …)')).toThrow(InvalidArgumentError);
    expect(() => keyValues(user, undefined, 'get(User, …)')).toThrow('get(User, …): the User key is undefined; pass the id value.');
    expect(() => keyValues(user, null, 'get')).toThrow(/key is null/);
    expect(() => keyValues(membership, 1, 'get')).toThrow(/composite primary key; pass an object with orgId, member/);
    expect(() => keyValues(membership, { orgId: 1 }, 'get')).toThrow(/missing member \(got undefined\)/);
  });
});

describe('the identity map', () => {
  const user = registry.get(User);
  const h = hydratorFor(user);

  test('looks objects up by root entity and key', () => {
    const map = new IdentityMap();
    const [a, b] = h.hydrate(userRows(1, 2), { map, session: { isClosed: false } });
    expect(map.lookup(user, 1)).toBe(a);
    expect(map.lookup(user, 2)).toBe(b);
    expect(map.lookup(user, 3)).toBeUndefined();
    expect(map.size).toBe(2);
    expect([...map.instances()].map(([o]) => o)).toEqual([a, b]);
  });

  test('remove() forgets an object (expunge); the state keeps its values', () => {
    const map = new IdentityMap();
    const [a] = h.hydrate(userRows(1, 1), { map, session: { isClosed: false } });
    const state = stateOf(a!)!;
    map.remove(a!, state);
    expect(map.lookup(user, 1)).toBeUndefined();
    expect(state.snapshot![1]).toBe('user1');
    const [again] = h.hydrate(userRows(1, 1), { map, session: { isClosed: false } });
    expect(again).not.toBe(a);
  });

  test('put() registers an object with a key (what the unit of work does after an INSERT)', () => {
    const map = new IdentityMap();
    const u = Object.assign(new User(), { id: 42, username: 'new' });
    const state = new InstanceState(user, 42, [42, 'new', null, true, null, null], 'persistent');
    map.put(u, state);
    expect(map.lookup(user, 42)).toBe(u);
    expect(stateOf(u)).toBe(state);
  });

  test('unchanged objects are held weakly: dropped objects are collected and their entries removed', async () => {
    const map = new IdentityMap({ strongGroups: 0 });
    let collected = 0;
    map.onCollect = (n) => (collected += n);
    let objects: object[] | undefined = h.hydrate(userRows(1, 1000), { map, session: { isClosed: false } });
    expect(map.size).toBe(1000);
    const kept = objects[999]!;
    objects = undefined;
    await collectGarbage();
    map.sweep();
    // Everything but the last group of 64 (held through the kept object's state) went.
    expect(map.size).toBeLessThanOrEqual(64);
    expect(map.size).toBeGreaterThan(0);
    expect(collected).toBe(1000 - map.size);
    expect(map.lookup(user, 1000)).toBe(kept);
    expect(map.lookup(user, 1)).toBeUndefined();
  });

  test('the FinalizationRegistry cleans up without sweep()', async () => {
    const map = new IdentityMap({ strongGroups: 0 });
    let collected = 0;
    map.onCollect = (n) => (collected += n);
    h.hydrate(userRows(1, 640), { map, session: { isClosed: false } });
    await collectGarbage();
    await collectGarbage();
    expect(collected).toBe(640);
    expect(map.size).toBe(0);
  });

  test('an object held elsewhere (as the unit of work holds changed ones) keeps its entry in a weak group', async () => {
    const map = new IdentityMap({ strongGroups: 0 });
    // What the unit of work's dirty map does for a changed object: a strong reference of its own.
    const held = new Set<object>(h.hydrate(userRows(1, 1), { map, session: { isClosed: false } }));
    const heldRef = new WeakRef([...held][0]!);
    h.hydrate(userRows(2, 200), { map, session: { isClosed: false } });
    await collectGarbage();
    map.sweep();
    expect(heldRef.deref()).toBeDefined();
    expect(map.lookup(user, 1)).toBe(heldRef.deref());
    // Its group (users 1 to 64) lives with it; later groups go.
    expect(map.lookup(user, 150)).toBeUndefined();
    held.clear();
    await collectGarbage();
    map.sweep();
    expect(heldRef.deref()).toBeUndefined();
    expect(map.size).toBe(0);
  });

  test('the most recent groups are held strongly, older ones weakly', async () => {
    const map = new IdentityMap({ strongGroups: 2 });
    h.hydrate(userRows(1, 1000), { map, session: { isClosed: false } });
    await collectGarbage();
    map.sweep();
    // 1000 = 15 full groups + 40: the last full group and the partial one stay.
    expect(map.size).toBe(64 + 40);
    expect(map.lookup(user, 1000)).toBeDefined();
    expect(map.lookup(user, 1000 - 104)).toBeUndefined();
    expect(() => new IdentityMap({ strongGroups: -1 })).toThrow(RangeError);
  });

  test('by default a small session never makes a weak reference: its objects live as long as the session', async () => {
    const map = new IdentityMap();
    h.hydrate(userRows(1, 300), { map, session: { isClosed: false } });
    await collectGarbage();
    expect(map.sweep()).toBe(0);
    expect(map.size).toBe(300);
  });

  test('a collected key is loaded into a new object; its old group entry does not remove the new one', async () => {
    const map = new IdentityMap({ strongGroups: 0 });
    const target = { map, session: { isClosed: false } };
    h.hydrate(userRows(1, 64), target);
    await new Promise((resolve) => setImmediate(resolve));
    const [fresh] = h.hydrate(userRows(1, 1), target);
    await collectGarbage();
    map.sweep();
    expect(map.lookup(user, 1)).toBe(fresh);
  });

  test('clear() forgets everything', () => {
    const map = new IdentityMap();
    const objects = h.hydrate(userRows(1, 3), { map, session: { isClosed: false } });
    map.clear();
    expect(map.size).toBe(0);
    expect(map.lookup(user, 1)).toBeUndefined();
    expect(objects).toHaveLength(3);
  });
});
