import 'reflect-metadata';
import {
  Collection, Column, CreatedAt, createSchema, dropSchema, Entity, insert, ManyToMany, ManyToOne, MappingError, OneToMany, OneToOne,
  PrimaryKey, Registry, select, table,
} from '@athanor/core';
import type { Engine, Ref } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { column, foreignKey, hasIndex, introspect, tableNames } from './introspect';

/** Relationship decorators, single-table inheritance and createAll/dropAll, on each dialect. */

const registry = new Registry({ name: 'relations' });

@Entity({ registry, table: 'authors' })
class Author {
  @PrimaryKey() id!: number;
  @Column({ length: 100 }) name!: string;
  @OneToMany(() => Book, 'author') books = new Collection<Book>(this);
  @OneToOne(() => Biography, { mappedBy: 'author' }) biography!: Ref<Biography> | null;
  @ManyToOne(() => Author, { nullable: true, onDelete: 'set null' }) mentor!: Ref<Author> | null;
  @OneToMany(() => Author, (a) => a.mentor) mentees = new Collection<Author>(this);
  @ManyToMany(() => Author) friends = new Collection<Author>(this);
}

@Entity({ registry, table: 'books' })
class Book {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @ManyToOne(() => Author, { onDelete: 'cascade' }) author!: Ref<Author>;
  @ManyToOne(() => Author, { nullable: true, index: false, joinColumn: 'editor_ref' }) editor!: Ref<Author> | null;
  @ManyToMany(() => Genre, { joinTable: { name: 'book_genres', ownerColumn: 'book', targetColumn: 'genre' } }) genres = new Collection<Genre>(this);
  @ManyToMany(() => Label, { via: () => BookLabel }) labels = new Collection<Label>(this);
}

@Entity({ registry })
class Genre {
  @PrimaryKey({ length: 20 }) code!: string;
  @ManyToMany(() => Book, { mappedBy: 'genres' }) books = new Collection<Book>(this);
}

@Entity({ registry })
class Biography {
  @PrimaryKey() id!: number;
  @OneToOne(() => Author, { onDelete: 'cascade' }) author!: Ref<Author>;
  @Column({ type: 'text' }) text!: string;
}

@Entity({ registry })
class Label {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
}

@Entity({ registry })
class BookLabel {
  @ManyToOne(() => Book, { primary: true, onDelete: 'cascade' }) book!: Ref<Book>;
  @ManyToOne(() => Label, { primary: true }) label!: Ref<Label>;
  @CreatedAt() addedAt!: Date;
}

@Entity({ registry })
class Region {
  @PrimaryKey({ length: 2 }) country!: string;
  @PrimaryKey({ length: 10 }) code!: string;
}

@Entity({ registry })
class Office {
  @PrimaryKey() id!: number;
  @ManyToOne(() => Region, { onDelete: 'restrict' }) region!: Ref<Region, [string, string]>;
}

@Entity({ registry, discriminatorColumn: 'kind' })
class Vehicle {
  @PrimaryKey() id!: number;
  /** Declared, so Core queries see it typed (an undeclared discriminator is a column only). */
  @Column({ length: 50 }) kind!: 'car' | 'truck';
  @Column({ length: 50 }) name!: string;
}

@Entity({ registry, discriminatorValue: 'car' })
class Car extends Vehicle {
  @Column() doors!: number;
}

@Entity({ registry, discriminatorValue: 'truck' })
class Truck extends Vehicle {
  @Column({ type: 'double' }) payload!: number;
  @ManyToOne(() => Author, { nullable: true }) driver!: Ref<Author> | null;
}

const ALL_TABLES = [
  'authors', 'authors_friends', 'biography', 'book_genres', 'book_label', 'books', 'genre', 'label', 'office', 'region', 'vehicle',
];

describeEachDialect('entity relationships in the database', (ctx) => {
  let engine: Engine;

  beforeAll(async () => {
    engine = ctx.createEngine();
    await engine.createAll(registry);
  });

  test('createAll made every entity table and generated join table', async () => {
    expect(await tableNames(engine, ctx.name)).toEqual(ALL_TABLES);
  });

  test('@ManyToOne: a NOT NULL foreign key <relation>_id, indexed, with its onDelete rule', async () => {
    const books = await introspect(engine, ctx.name, 'books');
    expect(column(books, 'author_id')).toMatchObject({ type: ctx.name === 'mysql' ? 'int' : 'integer', nullable: false });
    expect(foreignKey(books, ['author_id'])).toMatchObject({ refTable: 'authors', refColumns: ['id'], onDelete: 'cascade' });
    expect(hasIndex(books, ['author_id'], false)).toBe(true);
    expect(books.indexes.map((i) => i.name)).toContain('ix_books_author_id');
  });

  test('@ManyToOne options: nullable, joinColumn, index: false', async () => {
    const books = await introspect(engine, ctx.name, 'books');
    expect(column(books, 'editor_ref').nullable).toBe(true);
    expect(foreignKey(books, ['editor_ref'])).toMatchObject({ refTable: 'authors', onDelete: expect.stringMatching(/no action|restrict/) });
    // InnoDB indexes every foreign key by itself; elsewhere index: false means none.
    if (ctx.name !== 'mysql') expect(books.indexes.some((i) => i.columns.includes('editor_ref'))).toBe(false);
  });

  test('a self-referential @ManyToOne with onDelete set null', async () => {
    const authors = await introspect(engine, ctx.name, 'authors');
    expect(column(authors, 'mentor_id').nullable).toBe(true);
    expect(foreignKey(authors, ['mentor_id'])).toMatchObject({ refTable: 'authors', refColumns: ['id'], onDelete: 'set null' });
  });

  test('owning @OneToOne: a unique foreign key; the inverse side adds no column', async () => {
    const bio = await introspect(engine, ctx.name, 'biography');
    expect(foreignKey(bio, ['author_id'])).toMatchObject({ refTable: 'authors', onDelete: 'cascade' });
    expect(hasIndex(bio, ['author_id'], true)).toBe(true);
    const authors = await introspect(engine, ctx.name, 'authors');
    expect(authors.columns.map((c) => c.name)).toEqual(['id', 'name', 'mentor_id']);
  });

  test('@ManyToMany with a named join table and columns', async () => {
    const jt = await introspect(engine, ctx.name, 'book_genres');
    expect(jt.columns.map((c) => [c.name, c.type, c.nullable])).toEqual([
      ['book', ctx.name === 'mysql' ? 'int' : 'integer', false],
      ['genre', 'varchar(20)', false],
    ]);
    expect(jt.primaryKey).toEqual(['book', 'genre']);
    expect(foreignKey(jt, ['book'])).toMatchObject({ refTable: 'books', refColumns: ['id'], onDelete: 'cascade' });
    expect(foreignKey(jt, ['genre'])).toMatchObject({ refTable: 'genre', refColumns: ['code'], onDelete: 'cascade' });
    expect(hasIndex(jt, ['genre'], false)).toBe(true);
  });

  test('a self-referential @ManyToMany: the generated columns do not collide', async () => {
    const jt = await introspect(engine, ctx.name, 'authors_friends');
    expect(jt.primaryKey).toEqual(['author_id', 'friend_id']);
    expect(foreignKey(jt, ['author_id'])).toMatchObject({ refTable: 'authors', refColumns: ['id'] });
    expect(foreignKey(jt, ['friend_id'])).toMatchObject({ refTable: 'authors', refColumns: ['id'] });
  });

  test('@ManyToMany via an association entity whose key is its two foreign keys', async () => {
    const bl = await introspect(engine, ctx.name, 'book_label');
    expect(bl.primaryKey).toEqual(['book_id', 'label_id']);
    expect(bl.columns.map((c) => c.name)).toEqual(['book_id', 'label_id', 'added_at']);
    expect(foreignKey(bl, ['book_id'])).toMatchObject({ refTable: 'books', onDelete: 'cascade' });
    expect(foreignKey(bl, ['label_id'])).toMatchObject({ refTable: 'label' });
  });

  test('a foreign key to a composite primary key is composite, indexed, with its onDelete', async () => {
    const office = await introspect(engine, ctx.name, 'office');
    expect(office.columns.map((c) => [c.name, c.type])).toEqual([
      ['id', ctx.name === 'mysql' ? 'int' : 'integer'],
      ['region_country', 'varchar(2)'],
      ['region_code', 'varchar(10)'],
    ]);
    expect(foreignKey(office, ['region_country', 'region_code'])).toMatchObject({ refTable: 'region', refColumns: ['country', 'code'], onDelete: 'restrict' });
    expect(hasIndex(office, ['region_country', 'region_code'], false)).toBe(true);
  });

  test('single-table inheritance: one table, a discriminator column, subclass columns nullable in the database', async () => {
    const v = await introspect(engine, ctx.name, 'vehicle');
    expect(v.columns.map((c) => [c.name, c.nullable])).toEqual([
      ['id', false],
      ['kind', false],
      ['name', false],
      ['doors', true],
      ['payload', true],
      ['driver_id', true],
    ]);
    expect(column(v, 'kind').type).toBe('varchar(50)');
    expect(registry.get(Truck).inheritance!.discriminatorColumn).toMatchObject({ name: 'kind', instance: true });
    expect(foreignKey(v, ['driver_id'])).toMatchObject({ refTable: 'authors' });
    expect(table(Car)).toBe(table(Vehicle));
    expect(table(Truck)).toBe(table(Vehicle));
  });

  test('the Core tables work on the created schema: rows through foreign keys and joins', async () => {
    const a = table(Author);
    const b = table(Book);
    await engine.execute(insert(a).values([{ id: 1, name: 'Ann', mentorId: null }, { id: 2, name: 'Bob', mentorId: 1 }]));
    await engine.execute(insert(b).values([{ id: 10, title: 'One', authorId: 2, editorId: 1 }]));
    const rows = await engine.execute(select({ title: b.title, author: a.name }).from(b).innerJoin(a, a.id.eq(b.authorId)));
    expect(rows).toEqual([{ title: 'One', author: 'Bob' }]);
    await engine.execute(insert(table(Truck)).values({ id: 1, kind: 'truck', name: 'T1', payload: 3.5, driverId: 2 }));
    expect(await engine.execute(select({ kind: table(Truck).kind, driver: table(Truck).driverId }).from(table(Truck)))).toEqual([{ kind: 'truck', driver: 2 }]);
  });

  test('dropAll drops every table, children first', async () => {
    await engine.dropAll(registry);
    expect(await tableNames(engine, ctx.name)).toEqual([]);
    await engine.createAll(registry);
    expect(await tableNames(engine, ctx.name)).toEqual(ALL_TABLES);
  });

  test('createSchema / dropSchema with a list of entities: generated join tables come along when both ends are listed', async () => {
    await engine.dropAll(registry);
    await createSchema(engine, [Book, Author, Genre]);
    expect(await tableNames(engine, ctx.name)).toEqual(['authors', 'authors_friends', 'book_genres', 'books', 'genre']);
    await createSchema(engine, [Book, Author, Genre], { ifNotExists: true });
    await dropSchema(engine, [Genre, Author, Book]);
    expect(await tableNames(engine, ctx.name)).toEqual([]);
  });

  test('a list missing a referenced entity is refused before any SQL', async () => {
    await expect(createSchema(engine, [Book, Genre])).rejects.toThrow(MappingError);
    await expect(createSchema(engine, [Book, Genre])).rejects.toThrow(
      'createAll/dropAll: Book.author needs the table of Author, which is not in the list. Add Author, or pass the registry.',
    );
    await expect(engine.createAll([BookLabel, Book, Author])).rejects.toThrow('BookLabel.label needs the table of Label');
    expect(await tableNames(engine, ctx.name)).toEqual([]);
  });
});
