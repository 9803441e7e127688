import 'reflect-metadata';
import { Column, deleteFrom, Entity, PrimaryKey, Registry, select, table } from '@athanor/core';
import type { AnyTable } from '@athanor/core';
import { type DialectContext, type TestEngine, useTestEngine } from '@athanor/testing';

/**
 * A single-table hierarchy for the bulk-upsert tests: Animal (the root), Dog, Puppy (a Dog)
 * and Cat, with a unique name. Each test file gets its own table (files run side by side on
 * one database) and a block set-up that creates it and empties it before each test.
 */
export function useAnimals(ctx: DialectContext, tableName: string) {
  const registry = new Registry({ name: `${tableName}-tests` });

  @Entity({ registry, table: tableName, discriminatorColumn: 'kind', discriminatorValue: 'animal' })
  class Animal {
    @PrimaryKey() id!: number;
    @Column({ length: 30, unique: true }) name!: string;
    @Column({ type: 'integer', default: 4 }) legs!: number;
  }

  @Entity({ registry, discriminatorValue: 'dog' })
  class Dog extends Animal {}

  @Entity({ registry, discriminatorValue: 'puppy' })
  class Puppy extends Dog {}

  @Entity({ registry, discriminatorValue: 'cat' })
  class Cat extends Animal {}

  const animals = table(Animal) as AnyTable;
  const db: TestEngine = useTestEngine(ctx, {
    setUp: (engine) => engine.createAll([Animal, Dog, Puppy, Cat]),
    reset: (engine) => engine.execute(deleteFrom(animals)),
  });

  /** kind:name:legs per row, ordered by name. */
  async function stored(): Promise<string[]> {
    const rows = (await db.engine.execute(select(animals).from(animals))) as Record<string, unknown>[];
    return rows.map((r) => `${String(r.kind)}:${String(r.name)}:${Number(r.legs)}`).sort((a, b) => a.split(':')[1]!.localeCompare(b.split(':')[1]!));
  }

  /** rex the dog, tom the cat, bit the puppy; their keys. */
  async function seed(): Promise<{ rex: number; tom: number; bit: number }> {
    return db.engine.session(async (s) => {
      const [rex] = (await s.bulkInsert(Dog, [{ name: 'rex' }], { returning: true })) as number[];
      const [tom] = (await s.bulkInsert(Cat, [{ name: 'tom' }], { returning: true })) as number[];
      const [bit] = (await s.bulkInsert(Puppy, [{ name: 'bit' }], { returning: true })) as number[];
      return { rex: rex!, tom: tom!, bit: bit! };
    });
  }

  return { db, Animal, Dog, Puppy, Cat, animals, stored, seed };
}
