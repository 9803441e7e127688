import 'reflect-metadata';
import { Column, Entity, Index, ManyToOne, MappingError, PrimaryKey, Registry, table, Version } from '@athanor/core';
import type { Ref } from '@athanor/core';
import { problem } from './mapping-problem';

/**
 * Column, key, table and registry mistakes: each fails when the registry configures (its first use)
 * with a MappingError naming the class, the property and the fix. Some are compile errors as
 * well (the @ts-expect-error lines): the runtime check covers plain JavaScript and `any`.
 */

class Address {
  street = '';
}

describe('column types', () => {
  test('a type that cannot be mapped', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Customer {
      @PrimaryKey() id!: number;
      // @ts-expect-error an object type needs an explicit type
      @Column() address!: Address;
    }
    expect(problem(registry)).toBe(
      "Customer.address: cannot map the type Address to a column. Give an explicit type: @Column({ type: 'json' }) for structured values, or map it as a relationship (@ManyToOne…).",
    );
    void Customer;
  });

  test('a nullable property (or a union) without an explicit type', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Customer {
      @PrimaryKey() id!: number;
      // @ts-expect-error nullable properties have no recorded type
      @Column({ nullable: true }) nickname!: string | null;
    }
    expect(problem(registry)).toBe(
      'Customer.nickname: TypeScript records no type for unions, nullable types and object types (design:type is Object). ' +
        "Give an explicit type: @Column({ type: 'varchar', nullable: true }) for a nullable string, { type: 'json' } for structured values, { enum: [...] } for a union of strings.",
    );
    void Customer;
  });

  test('bigint without an explicit type', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Counter {
      // @ts-expect-error bigint needs an explicit type
      @PrimaryKey() id!: bigint;
    }
    expect(problem(registry)).toBe("Counter.id: bigint columns need an explicit type: @PrimaryKey({ type: 'bigint' }).");
    void Counter;
  });

  test('an unknown type name, enum without values, misplaced length, bad precision, a non-integer @Version', () => {
    const registry = new Registry({ name: 'types' });
    @Entity({ registry })
    class Item {
      @PrimaryKey() id!: number;
      @Column({ type: 'string' as never }) name!: string;
      @Column({ type: 'enum' }) state!: string;
      @Column({ type: 'integer', length: 10 }) count!: number;
      @Column({ type: 'numeric', precision: 4, scale: 6 }) price!: string;
      // @ts-expect-error @Version counts with integers
      @Version({ type: 'varchar' }) version!: number;
    }
    expect(problem(registry)).toBe(
      [
        "5 mapping problems in registry 'types':",
        "  - Item.name: unknown column type 'string'; use one of integer, bigint, smallint, real, double, numeric, boolean, varchar, text, date, timestamp, timestamptz, time, json, uuid, blob, enum, or a column builder such as varchar(50).",
        "  - Item.state: type 'enum' needs its values: @Column({ enum: ['a', 'b'] }) or a TypeScript string enum.",
        "  - Item.count: `length` applies to varchar columns, not integer; remove it or use type: 'varchar'.",
        '  - Item.price: numeric needs 0 ≤ scale ≤ precision, both integers; got precision 4, scale 6.',
        '  - Item.version: a @Version column counts updates, so it must be an integer type (integer, bigint, smallint), not varchar.',
      ].join('\n'),
    );
    void Item;
  });
});

describe('keys and columns', () => {
  test('no primary key', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Note {
      @Column() text!: string;
    }
    expect(problem(registry)).toBe(
      'Note has no primary key. Add @PrimaryKey() to a property (`@PrimaryKey() id!: number` is an auto-incrementing integer), or several for a composite key.',
    );
    void Note;
  });

  test('two properties on one column', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Person {
      @PrimaryKey() id!: number;
      @Column() fullName!: string;
      @Column({ name: 'full_name' }) displayName!: string;
    }
    expect(problem(registry)).toBe(
      "Person.fullName and Person.displayName both map column full_name in table person. Rename one: @Column({ name: '…' }) (or joinColumn for a foreign key).",
    );
    void Person;
  });

  test('a column on the column of a foreign key', () => {
    const registry = new Registry();
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @Column({ name: 'author_id' }) legacyAuthor!: number;
      @ManyToOne(() => User) author!: Ref<User>;
    }
    expect(problem(registry)).toBe(
      "Post.legacyAuthor and Post.authorId (the foreign key of Post.author) both map column author_id in table post. Rename one: @Column({ name: '…' }) (or joinColumn for a foreign key).",
    );
    void Post;
  });

  test('a property named like the foreign key of a relationship', () => {
    const registry = new Registry();
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @Column() authorId!: number;
      @ManyToOne(() => User) author!: Ref<User>;
    }
    expect(problem(registry)).toBe(
      'Post.authorId: the property clashes with the foreign key of Post.author (table(Post).authorId is that column, and its value is post.author.id). Remove @Column from authorId.',
    );
    void Post;
  });

  test('a property decorated twice', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Tag {
      @PrimaryKey() @Column() id!: number;
    }
    expect(problem(registry)).toBe('Tag.id has both @Column and @PrimaryKey; keep one.');
    void Tag;
  });

  test('a class-level index naming an unknown property', () => {
    const registry = new Registry();
    @Entity({ registry })
    @Index(['name', 'nmae' as never])
    class Tag {
      @PrimaryKey() id!: number;
      @Column() name!: string;
    }
    expect(problem(registry)).toBe('Tag: @Index([name, nmae]) on the class names nmae, which is not a mapped property of Tag.');
    void Tag;
  });
});

describe('tables and registries', () => {
  test('two entities on one table', () => {
    const registry = new Registry();
    @Entity({ registry, table: 'people' })
    class Customer {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry, table: 'people' })
    class Supplier {
      @PrimaryKey() id!: number;
    }
    expect(problem(registry)).toBe(
      "Supplier and Customer both map table people. Give Supplier a table of its own (@Entity('people_2') or @Entity({ table: … })), " +
        'or, if Supplier is a kind of Customer, make it a single-table subclass (extend Customer and give @Entity({ discriminatorValue: … })).',
    );
    void [Customer, Supplier];
  });

  test('@Entity twice, and a class in two registries', () => {
    const one = new Registry({ name: 'one' });
    const two = new Registry({ name: 'two' });
    @Entity({ registry: one })
    @Entity({ registry: one })
    class Twice {
      @PrimaryKey() id!: number;
    }
    expect(problem(one)).toBe('Twice: @Entity is applied twice; keep one.');
    two.register(Twice);
    expect(problem(two)).toBe("Twice is already an entity of registry 'one'; a class belongs to one registry.");
  });

  test('a class that is not an entity', () => {
    class Plain {}
    const registry = new Registry({ name: 'mine' });
    expect(() => registry.get(Plain)).toThrow(new MappingError("Plain is not an entity: decorate it with @Entity() (with registry: the 'mine' registry)."));
    expect(() => table(Plain)).toThrow('table(Plain): the class is not a mapped entity.');
  });
});

test('a failed configure keeps nothing and fails again the same way', () => {
  const registry = new Registry();
  @Entity({ registry })
  class Broken {
    @Column() name!: string;
  }
  const first = problem(registry);
  expect(problem(registry)).toBe(first);
  expect(registry.isConfigured).toBe(false);
  expect(() => registry.get(Broken)).toThrow(first);
  expect(() => table(Broken)).toThrow(first);
});
