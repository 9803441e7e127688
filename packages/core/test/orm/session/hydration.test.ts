import 'reflect-metadata';
import { Collection, Column, Entity, IdentityMap, InvalidArgumentError, MappingError, PrimaryKey, Ref, Registry, stateOf } from '@athanor/core';
import { hydratorFor } from '../../../src/orm/hydration/hydrator';
import { Animal, Cat, Dog, Post, Puppy, registry, User } from './model';

/** Hydration without a database: rows as the engine hands them over (decoded arrays in table order). */

const target = () => ({ map: new IdentityMap(), session: { isClosed: false } });

// users: id, username, age, active, email, mentorId
const userRow = (id: number, username = `user${id}`): unknown[] => [id, username, 30, true, null, null];

describe('hydration', () => {
  test('rows become real instances of the class: instanceof holds and methods work', () => {
    const [ann] = hydratorFor(registry.get(User)).hydrate([userRow(1, 'ann')], target()) as User[];
    expect(ann).toBeInstanceOf(User);
    expect(ann!.greet()).toBe('hello ann');
    expect(ann).toMatchObject({ id: 1, username: 'ann', age: 30, active: true, email: null });
    // Column values live behind change-tracking accessors: own keys are the collections only.
    expect(Object.keys(ann!)).toEqual(['posts', 'mentees', 'loadedAs']);
    expect(ann!.mentor).toBeNull();
    // The inverse side of a one-to-one holds no key: its loader fills it.
    expect(ann!.profile).toBeUndefined();
  });

  test('the constructor and field initializers do not run', () => {
    const reg = new Registry({ name: 'ctor' });
    let constructed = 0;
    @Entity({ registry: reg, table: 'counted' })
    class Counted {
      @PrimaryKey() id!: number;
      @Column({ length: 10 }) name: string = 'default';
      constructor() {
        constructed++;
      }
    }
    const [c] = hydratorFor(reg.get(Counted)).hydrate([[7, 'seven']], target()) as Counted[];
    expect(constructed).toBe(0);
    expect(c).toBeInstanceOf(Counted);
    expect(c!.name).toBe('seven');
  });

  test('relationships get their containers: a Ref holding the foreign key, null, an unloaded Collection', () => {
    // posts: id, title, views, authorId, reviewerId
    const [p, q] = hydratorFor(registry.get(Post)).hydrate([[10, 'Hi', 3, 1, null], [11, 'Yo', 0, 2, 1]], target()) as Post[];
    expect(p!.author).toBeInstanceOf(Ref);
    expect(p!.author.id).toBe(1);
    expect(p!.author.isLoaded).toBe(false);
    expect(p!.reviewer).toBeNull();
    expect(q!.reviewer!.id).toBe(1);
    expect(p!.tags).toBeInstanceOf(Collection);
    expect(p!.tags.isLoaded).toBe(false);
    expect(() => p!.tags.getItems()).toThrow(/Post\.tags is not loaded/);
    expect(() => p!.author.get()).toThrow(/Post\.author is not loaded/);
    // Foreign keys are not instance properties: the Ref holds them.
    expect('authorId' in p!).toBe(false);
  });

  test('the loaded values are recorded in the instance state, aligned with the metadata columns', () => {
    const row = userRow(3, 'cid');
    const [cid] = hydratorFor(registry.get(User)).hydrate([row], target());
    const state = stateOf(cid!)!;
    expect(state.status).toBe('persistent');
    expect(state.key).toBe(3);
    expect(state.meta).toBe(registry.get(User));
    expect(registry.get(User).columns.map((c) => c.name)).toEqual(['id', 'username', 'age', 'active', 'email', 'mentorId']);
    expect(state.snapshot).toEqual(row);
  });

  test('a layout in another column order maps by key', () => {
    const h = hydratorFor(registry.get(User), ['email', 'id', 'mentorId', 'active', 'age', 'username']);
    const [u] = h.hydrate([['e@x', 5, 2, false, null, 'eve']], target()) as User[];
    expect(u).toMatchObject({ id: 5, username: 'eve', age: null, active: false, email: 'e@x' });
    expect(stateOf(u!)!.snapshot).toEqual([5, 'eve', null, false, 'e@x', 2]);
    expect(u!.mentor!.id).toBe(2);
  });

  test('a layout missing a column, and a row without a key, are refused with the reason', () => {
    expect(() => hydratorFor(registry.get(User), ['id', 'username'])).toThrow(InvalidArgumentError);
    expect(() => hydratorFor(registry.get(User), ['id', 'username'])).toThrow(/does not select User\.age/);
    expect(() => hydratorFor(registry.get(User)).hydrate([[null, 'x', 1, true, null, null]], target())).toThrow(/no primary key \(id is NULL\)/);
  });

  test('@AfterLoad hooks run once per new instance', () => {
    const [u] = hydratorFor(registry.get(User)).hydrate([userRow(1, 'ann')], target()) as User[];
    expect(u!.loadedAs).toBe('ANN');
  });

  test('one object per key: a row already held yields the held object, its current values kept', () => {
    const t = target();
    const h = hydratorFor(registry.get(User));
    const [first] = h.hydrate([userRow(1, 'ann')], t) as User[];
    first!.username = 'changed in memory';
    const [again, other] = h.hydrate([userRow(1, 'ann'), userRow(2)], t) as User[];
    expect(again).toBe(first);
    expect(again!.username).toBe('changed in memory');
    expect(other!.id).toBe(2);
    expect(t.map.size).toBe(2);
  });

  test('an expired object is overwritten from its row when loaded again', () => {
    const t = target();
    const h = hydratorFor(registry.get(User));
    const [u] = h.hydrate([userRow(1, 'ann')], t) as User[];
    u!.username = 'stale';
    stateOf(u!)!.expired = true;
    const [again] = h.hydrate([userRow(1, 'ann2')], t) as User[];
    expect(again).toBe(u);
    expect(u!.username).toBe('ann2');
    expect(u!.loadedAs).toBe('ANN2');
    expect(stateOf(u!)!.expired).toBe(false);
    expect(stateOf(u!)!.snapshot![1]).toBe('ann2');
  });

  test('single-table inheritance: the discriminator picks the class of each row', () => {
    // animals: id, kind, name, goodBoy, lives
    const rows = [[1, 'dog', 'Rex', true, null], [2, 'cat', 'Tom', null, 9], [3, 'puppy', 'Bit', false, null]];
    const [rex, tom, bit] = hydratorFor(registry.get(Animal)).hydrate(rows, target()) as Animal[];
    expect(rex).toBeInstanceOf(Dog);
    expect(tom).toBeInstanceOf(Cat);
    expect(bit).toBeInstanceOf(Puppy);
    expect(bit).toBeInstanceOf(Dog);
    expect(rex!.describe()).toBe('dog Rex');
    expect(tom).toEqual(Object.assign(Object.create(Cat.prototype), { id: 2, name: 'Tom', lives: 9 }));
    expect('lives' in rex!).toBe(false);
    expect(stateOf(tom!)!.meta).toBe(registry.get(Cat));
  });

  test('a discriminator value no class declares is a MappingError naming it and the fix', () => {
    const h = hydratorFor(registry.get(Animal));
    expect(() => h.hydrate([[9, 'fish', 'Nemo', null, null]], target())).toThrow(MappingError);
    expect(() => h.hydrate([[9, 'fish', 'Nemo', null, null]], target())).toThrow(/kind = "fish".*discriminatorValue: "fish"/);
  });

  test('rows with duplicate keys (joins) yield one object each time, fresh map or not', () => {
    const t = target();
    const out = hydratorFor(registry.get(User)).hydrate([userRow(1), userRow(1), userRow(2)], t);
    expect(out[0]).toBe(out[1]);
    expect(out[2]).not.toBe(out[0]);
  });

  test('the state is invisible to spreads, JSON, keys and equality', () => {
    const [u] = hydratorFor(registry.get(User)).hydrate([userRow(1, 'ann')], target()) as User[];
    const copy = { ...u };
    expect(stateOf(copy)).toBeUndefined();
    expect(Object.getOwnPropertySymbols(u!)).toEqual([]);
    expect(JSON.parse(JSON.stringify({ id: u!.id, username: u!.username }))).toEqual({ id: 1, username: 'ann' });
    expect(stateOf(u!)).toBeDefined();
  });
});
