import 'reflect-metadata';
import { Collection, Column, CreatedAt, deleteFrom, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Registry, select, sql, table, update, UpdatedAt, Version } from '@athanor/core';
import type { AnyTable, EntityClass, Engine, EngineOptions, Ref } from '@athanor/core';
import { useTestEngine } from '@athanor/testing';
import type { DialectContext, TestEngine } from '@athanor/testing';

/**
 * The unit-of-work tests' entities, shared by the flush tests (change sets written directly)
 * and the session tests: users, posts and comments (a chain; users own their posts with cascade
 * all + delete-orphan, posts own comments with cascade save + delete), tags (many-to-many),
 * profiles (a one-to-one the profile owns), teams and members (the default save cascade, a
 * nullable key), categories and employees (self-references), departments and people (a cycle),
 * memberships (a composite key), documents (client-generated uuid keys), samples (every column
 * type), animals (single-table inheritance) and widgets (a generated key with a server default).
 */
export const registry = new Registry({ name: 'uow-tests' });

@Entity({ registry, table: 'users' })
export class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) name!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Version() version!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
  @OneToMany(() => Post, 'author', { cascade: ['all', 'delete-orphan'] }) posts = new Collection<Post>(this);
  @OneToOne(() => Profile, { mappedBy: 'author' }) profile!: Ref<Profile> | null;
}

@Entity({ registry, table: 'profiles' })
export class Profile {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) bio!: string;
  @OneToOne(() => User, { nullable: true }) author!: Ref<User> | null;
}

@Entity({ registry, table: 'posts' })
export class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 200, unique: true }) title!: string;
  @Column({ default: 0 }) views!: number;
  @ManyToOne(() => User) author!: Ref<User>;
  @OneToMany(() => Comment, 'post', { cascade: ['save', 'delete'] }) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity({ registry, table: 'comments' })
export class Comment {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) body!: string;
  @ManyToOne(() => Post) post!: Ref<Post>;
  /** No cascade: an editor must be in the session already. */
  @ManyToOne(() => User, { nullable: true, cascade: [] }) editor!: Ref<User> | null;
}

@Entity({ registry, table: 'tags' })
export class Tag {
  @PrimaryKey() id!: number;
  @Column({ length: 30, unique: true }) name!: string;
  @ManyToMany(() => Post, { mappedBy: 'tags' }) posts = new Collection<Post>(this);
}

@Entity({ registry, table: 'teams' })
export class Team {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @OneToMany(() => Member, 'team') members = new Collection<Member>(this);
}

@Entity({ registry, table: 'members' })
export class Member {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @ManyToOne(() => Team, { nullable: true }) team!: Ref<Team> | null;
}

@Entity({ registry, table: 'categories' })
export class Category {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => Category, { nullable: true }) parent!: Ref<Category> | null;
}

@Entity({ registry, table: 'employees' })
export class Employee {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => Employee, { nullable: true }) manager!: Ref<Employee> | null;
}

@Entity({ registry, table: 'departments' })
export class Department {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  /** Nullable: the side a cycle is broken on. */
  @ManyToOne(() => Person, { nullable: true }) head!: Ref<Person> | null;
}

@Entity({ registry, table: 'people' })
export class Person {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => Department) department!: Ref<Department>;
}

@Entity({ registry, table: 'memberships' })
export class Membership {
  @PrimaryKey({ autoIncrement: false }) orgId!: number;
  @PrimaryKey({ length: 20 }) member!: string;
  @Column({ length: 20 }) role!: string;
  @Version() version!: number;
}

@Entity({ registry, table: 'documents' })
export class Document {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Column({ length: 100 }) title!: string;
  @Column({ type: 'integer', serverDefault: sql`42` }) score!: number;
}

/**
 * Every column type, to check values survive each write path (text arrays + casts, CASE,
 * prepared rows) and that the session compares them by value (Dates by time, bytes by content,
 * bigints, JSON changed in place). Nullable, so a row can hold just the values a test is about.
 */
@Entity({ registry, table: 'samples' })
export class Sample {
  @PrimaryKey() id!: number;
  @Column({ type: 'boolean', nullable: true }) flag!: boolean | null;
  @Column({ type: 'json', nullable: true }) data!: Record<string, unknown> | null;
  @Column({ type: 'timestamp', nullable: true }) at!: Date | null;
  @Column({ type: 'date', nullable: true }) day!: string | null;
  @Column({ type: 'time', nullable: true }) clock!: string | null;
  @Column({ type: 'bigint', nullable: true }) big!: bigint | null;
  @Column({ type: 'numeric', precision: 10, scale: 2, nullable: true }) price!: string | null;
  @Column({ type: 'blob', nullable: true }) bytes!: Buffer | null;
  @Column({ type: 'double', nullable: true }) ratio!: number | null;
  @Column({ type: 'varchar', length: 40, nullable: true }) note!: string | null;
  @Column({ enum: ['red', 'green'], nullable: true }) color!: 'red' | 'green' | null;
  @Column({ type: 'uuid', nullable: true }) ref!: string | null;
}

/** Single-table inheritance: two concrete classes in one table. */
@Entity({ registry, table: 'animals', discriminatorColumn: 'kind' })
export class Animal {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
}

@Entity({ registry, discriminatorValue: 'dog' })
export class Dog extends Animal {
  @Column({ type: 'boolean', nullable: true }) goodBoy!: boolean | null;
}

@Entity({ registry, discriminatorValue: 'cat' })
export class Cat extends Animal {
  @Column({ type: 'integer', nullable: true }) lives!: number | null;
}

/** A generated key and a server default together. */
@Entity({ registry, table: 'widgets' })
export class Widget {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @Column({ type: 'integer', serverDefault: sql`7` }) size!: number;
}

/** The generated table of Post.tags. */
export const postTags = (): AnyTable => registry.get(Post).relations.find((r) => r.name === 'tags')!.joinTable!.table;

const tableOf = (of: EntityClass | AnyTable): AnyTable => (typeof of === 'function' ? registry.get(of).table : of);

/** How many rows an entity's table (or a table) holds. */
export async function rowCount(engine: Engine, of: EntityClass | AnyTable): Promise<number> {
  const t = tableOf(of);
  return (await engine.execute(select({ id: t.$columns[0]! }).from(t))).length;
}

/** Rows of every table gone, whatever points where (cycles and trees included). */
export async function emptyModel(engine: Engine): Promise<void> {
  await engine.execute(update(table(Department)).set({ headId: null }));
  await engine.execute(update(table(Category)).set({ parentId: null }));
  await engine.execute(update(table(Employee)).set({ managerId: null }));
  const children = [Comment, postTags(), Post, Profile, User, Tag, Member, Team, Category, Employee, Person, Department, Membership, Document, Sample, Animal, Widget];
  for (const x of children) await engine.execute(deleteFrom(tableOf(x)));
}

/** The block's engine with every table of the model, all emptied (and the recording cleared) before each test. */
export function useModel(ctx: DialectContext, engineOptions?: EngineOptions): TestEngine {
  return useTestEngine(ctx, { setUp: (engine) => engine.createAll(registry), reset: emptyModel, engineOptions });
}

/** `object`, and the new objects it cascades to, stored by a session of its own: its key. */
export async function stored(engine: Engine, object: { id: number }): Promise<number> {
  return engine.session(async (s) => {
    s.add(object);
    await s.flush();
    return object.id;
  });
}
