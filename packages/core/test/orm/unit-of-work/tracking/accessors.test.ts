import 'reflect-metadata';
import { inspect } from 'node:util';
import { Column, createEngine, Entity, MappingError, PrimaryKey, Registry, stateOf, toObject } from '@athanor/core';
import type { Engine, Session } from '@athanor/core';
import { sqliteDialect } from '@athanor/sqlite';
import { hydratorFor } from '../../../../src/orm/hydration/hydrator';
import { equalityOf } from '../../../../src/orm/unit-of-work/tracking/equality';
import { valuesOf } from '../../../../src/orm/unit-of-work/tracking/storage';
import { Post, registry, Sample, User } from '../model';

/**
 * Accessors: mapped values live in per-instance storage behind accessors on the prototype;
 * writes are recorded as they happen. No database: rows are hydrated into a session directly.
 */

// users: id, name, age, version, createdAt, updatedAt — posts: id, title, views, authorId
const AT = new Date('2024-01-02T03:04:05.000Z');
const userRow = (id: number, name = `a${id}`): unknown[] => [id, name, 30, 1, AT, AT];
const postRow = (id: number, authorId: number): unknown[] => [id, `p${id}`, 0, authorId];

describe('accessors', () => {
  let engine: Engine;
  let s: Session;
  beforeAll(() => {
    engine = createEngine('sqlite::memory:', { dialect: sqliteDialect });
  });
  afterAll(() => engine.dispose());
  beforeEach(() => {
    s = engine.session();
  });
  afterEach(() => s.close());

  const load = <T>(cls: typeof User | typeof Post | typeof Sample, rows: unknown[][]): T[] => hydratorFor(registry.get(cls)).hydrate(rows, s.target) as T[];

  test('mapped values are accessors on the prototype, not own properties', () => {
    const [a] = load<User>(User, [userRow(1, 'ann')]);
    expect(a!.name).toBe('ann');
    expect(Object.keys(a!)).toEqual(['posts']);
    expect('name' in a!).toBe(true);
    expect(typeof Object.getOwnPropertyDescriptor(User.prototype, 'name')!.get).toBe('function');
    expect({ ...a }).not.toHaveProperty('name');
    expect(toObject(a!)).toEqual({ id: 1, name: 'ann', age: 30, version: 1, createdAt: AT, updatedAt: AT });
    expect(s.toObject(a!, { relations: false })).toEqual({ id: 1, name: 'ann', age: 30, version: 1, createdAt: AT, updatedAt: AT });
  });

  test('a new object with values set has no state (its state field is there, empty and invisible) until added', () => {
    const u = Object.assign(new User(), { name: 'new' });
    expect(valuesOf(registry.get(User), u)).toBeDefined();
    expect(stateOf(u)).toBeUndefined();
    expect(Object.keys(u)).toEqual(['posts']);
    expect(Object.getOwnPropertySymbols(u)).toEqual([]);
    s.add(u);
    expect(stateOf(u)!.status).toBe('pending');
    expect(u.name).toBe('new');
  });

  test('an object added before any value gets its storage with its state; one used as two entity classes is refused', () => {
    const u = s.add(new User());
    expect(stateOf(u)!.status).toBe('pending');
    expect(valuesOf(registry.get(User), u)).toBeUndefined();
    u.name = 'late';
    expect(valuesOf(registry.get(User), u)![1]).toBe('late');
    expect(stateOf(u)!.status).toBe('pending');
    // Its prototype swapped for another entity's: that class's setter cannot give it a second set of fields.
    const p = Object.setPrototypeOf(Object.assign(new User(), { name: 'x' }), Post.prototype) as Post;
    expect(() => (p.title = 't')).toThrow(MappingError);
    expect(() => (p.title = 't')).toThrow(/is used as a Post entity, but it was first used as an entity of another class/);
  });

  test('a hydrated instance’s storage is its snapshot until the first write, which copies it', () => {
    const row = userRow(2);
    const [a] = load<User>(User, [row]);
    const state = stateOf(a!)!;
    expect(valuesOf(state.meta, a!)).toBe(state.snapshot);
    a!.age = 31;
    expect(valuesOf(state.meta, a!)).not.toBe(state.snapshot);
    expect(state.snapshot).toEqual([2, 'a2', 30, 1, AT, AT]);
    expect(a!.age).toBe(31);
  });

  test('a write that changes a value records the object (held by the unit of work, dirty); an equal write records nothing', () => {
    const [a, b] = load<User>(User, [userRow(3), userRow(4)]);
    a!.name = 'a3';
    a!.age = 30;
    expect(s.dirty).toEqual([]);
    expect(s.unitOfWork.dirty.has(a!)).toBe(false);
    b!.age = 50;
    expect(s.dirty).toEqual([b]);
    expect(s.unitOfWork.dirty.has(b!)).toBe(true);
    expect(s.isModified(b!)).toBe(true);
    b!.age = 30;
    expect(s.isModified(b!)).toBe(false);
  });

  test('equality: Dates by time, bytes by content, bigints by value, JSON by serialization', () => {
    expect(equalityOf('timestamp')(new Date(5), new Date(5))).toBe(true);
    expect(equalityOf('timestamptz')(new Date(5), new Date(6))).toBe(false);
    expect(equalityOf('timestamp')(new Date(NaN), new Date(NaN))).toBe(true);
    expect(equalityOf('blob')(Buffer.from('ab'), new Uint8Array([97, 98]))).toBe(true);
    expect(equalityOf('blob')(Buffer.from('ab'), Buffer.from('ac'))).toBe(false);
    expect(equalityOf('bigint')(5n, 5n)).toBe(true);
    expect(equalityOf('bigint')(5n, 5)).toBe(true);
    expect(equalityOf('bigint')(5n, 6n)).toBe(false);
    expect(equalityOf('json')({ a: [1] }, { a: [1] })).toBe(true);
    expect(equalityOf('json')({ a: [1] }, { a: [2] })).toBe(false);
    expect(equalityOf('json')(null, undefined)).toBe(false);
    expect(equalityOf('integer')(NaN, NaN)).toBe(true);
    expect(equalityOf('varchar')('1', 1)).toBe(false);
  });

  test('JSON.stringify and util.inspect show the fields and loaded relationships, without cycles', () => {
    const [a] = load<User>(User, [userRow(5, 'eve')]);
    const posts = load<Post>(Post, [postRow(50, 5), postRow(51, 5)]);
    a!.posts.resolve(posts);
    for (const p of posts) p.author.resolve(a!);
    const json = JSON.parse(JSON.stringify(a));
    expect(json).toEqual({
      id: 5,
      name: 'eve',
      age: 30,
      version: 1,
      createdAt: AT.toISOString(),
      updatedAt: AT.toISOString(),
      posts: [
        { id: 50, title: 'p50', views: 0, author: 5 },
        { id: 51, title: 'p51', views: 0, author: 5 },
      ],
    });
    const [lone] = load<Post>(Post, [postRow(52, 9)]);
    expect(JSON.parse(JSON.stringify(lone))).toEqual({ id: 52, title: 'p52', views: 0, author: 9 });
    const shown = inspect(a, { depth: 3 });
    expect(shown).toMatch(/^User \{/);
    expect(shown).toMatch(/name: 'eve'/);
    expect(shown).toMatch(/Post \{/);
    expect(inspect(lone)).toMatch(/author: \[Ref<User>\(9\)\]/);
    expect(inspect(lone)).toMatch(/comments: \[Collection<Comment>: not loaded\]/);
  });

  test('reading a JSON property watches the object for in-place changes; other reads do not', () => {
    const [d] = load<Sample>(Sample, [registry.get(Sample).columns.map((c) => ({ id: 1, data: { n: 1 }, note: 'x' })[c.name] ?? null)]);
    expect(d!.note).toBe('x');
    expect(s.unitOfWork.json.size).toBe(0);
    d!.data!.n = 2;
    expect(s.unitOfWork.json.size).toBe(1);
    expect(s.isModified(d!)).toBe(true);
  });

  test('own data properties (useDefineForClassFields: true semantics) move into the storage when the object is added', () => {
    const reg = new Registry({ name: 'define-fields' });
    @Entity({ registry: reg, table: 'defined' })
    class Defined {
      @PrimaryKey() id!: number;
      @Column({ length: 10 }) name!: string;
      constructor() {
        // What a field declaration compiles to under useDefineForClassFields: an own data property.
        Object.defineProperty(this, 'id', { value: undefined, writable: true, enumerable: true, configurable: true });
        Object.defineProperty(this, 'name', { value: undefined, writable: true, enumerable: true, configurable: true });
      }
    }
    const d = new Defined();
    d.name = 'own';
    expect(Object.keys(d)).toEqual(['id', 'name']);
    s.add(d);
    expect(Object.keys(d)).toEqual([]);
    expect(d.name).toBe('own');
    expect(valuesOf(reg.get(Defined), d)).toEqual([undefined, 'own']);
  });

  test('a class’s own toJSON is kept; a mapped get/set accessor is refused with the fix', () => {
    const reg = new Registry({ name: 'accessor-classes' });
    @Entity({ registry: reg, table: 'with_json' })
    class WithJson {
      @PrimaryKey() id!: number;
      @Column({ length: 10 }) name!: string;
      toJSON(): unknown {
        return { custom: this.name };
      }
    }
    const w = s.add(Object.assign(new WithJson(), { name: 'w' }));
    expect(JSON.stringify(w)).toBe('{"custom":"w"}');

    @Entity({ registry: reg, table: 'with_accessor' })
    class WithAccessor {
      @PrimaryKey() id!: number;
      private inner = '';
      @Column({ length: 10 })
      get label(): string {
        return this.inner;
      }
      set label(v: string) {
        this.inner = v;
      }
    }
    expect(() => s.add(new WithAccessor())).toThrow(MappingError);
    expect(() => s.add(new WithAccessor())).toThrow(/WithAccessor\.label is a get\/set accessor/);
  });
});
