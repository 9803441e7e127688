import 'reflect-metadata';
import { Column, createEngine, Entity, PrimaryKey, Registry, sql, stateOf } from '@athanor/core';
import type { Engine } from '@athanor/core';
import { sqliteDialect } from '@athanor/sqlite';

/**
 * The exemplar of a class's new-object shape (unit-of-work/new-object-shape.ts): the first time
 * a new object of a class joins a session, its constructor is called once more, with no
 * arguments, and the object kept; never for a constructor that declares parameters, and a
 * constructor that throws is harmless.
 */

const registry = new Registry({ name: 'new-object-shape' });
let plainCalls = 0;
let argCalls = 0;
let throwingCalls = 0;

@Entity({ registry, table: 'plain_things' })
class PlainThing {
  @PrimaryKey() id!: number;
  @Column({ length: 20 }) label!: string;
  constructor() {
    plainCalls++;
  }
}

@Entity({ registry, table: 'arg_things' })
class ArgThing {
  @PrimaryKey() id!: number;
  @Column({ length: 20 }) label!: string;
  constructor(label: string) {
    argCalls++;
    this.label = label;
  }
}

@Entity({ registry, table: 'throwing_things' })
class ThrowingThing {
  @PrimaryKey() id!: number;
  @Column({ length: 20 }) label!: string;
  constructor() {
    throwingCalls++;
    if (throwingCalls > 1) throw new Error('only the application may make one');
  }
}

describe('new-object shape exemplars', () => {
  let engine: Engine;
  beforeAll(async () => {
    engine = createEngine('sqlite::memory:', { dialect: sqliteDialect });
    await engine.createAll(registry);
  });
  afterAll(() => engine.dispose());

  test('a no-argument constructor is called once more, the first time an object of the class is added, and never again', async () => {
    const first = Object.assign(new PlainThing(), { label: 'a' });
    expect(plainCalls).toBe(1);
    const s = engine.session();
    s.add(first);
    expect(plainCalls).toBe(2);
    s.add(Object.assign(new PlainThing(), { label: 'b' }));
    await s.commit();
    await s.close();
    const s2 = engine.session();
    s2.add(Object.assign(new PlainThing(), { label: 'c' }));
    await s2.commit();
    await s2.close();
    // Three made by the test, one exemplar.
    expect(plainCalls).toBe(4);
    const rows = (await engine.execute(sql`SELECT label FROM plain_things ORDER BY id`)) as { label: string }[];
    expect(rows.map((r) => r.label)).toEqual(['a', 'b', 'c']);
  });

  test('a constructor with parameters is never called by the session', async () => {
    const s = engine.session();
    const thing = new ArgThing('x');
    s.add(thing);
    await s.commit();
    expect(argCalls).toBe(1);
    expect(stateOf(thing)?.status).toBe('persistent');
    await s.close();
  });

  test('a constructor that throws when called again leaves the add and the flush unharmed', async () => {
    const s = engine.session();
    const thing = Object.assign(new ThrowingThing(), { label: 't' });
    s.add(thing);
    expect(throwingCalls).toBe(2);
    await s.commit();
    expect(typeof thing.id).toBe('number');
    await s.close();
  });
});
