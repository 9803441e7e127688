import 'reflect-metadata';
import { Collection, Column, CreatedAt, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey, Registry, sql, UpdatedAt, Version } from '@athanor/core';
import type { Ref } from '@athanor/core';

/**
 * The unit-of-work tests' entities: users, posts and comments (a chain), tags (many-to-many),
 * categories and employees (self-references), departments and people (a cycle), memberships
 * (a composite key), documents (client-generated uuid keys), and settings (a server default).
 */
export const registry = new Registry({ name: 'uow-tests' });

@Entity({ registry, table: 'users' })
export class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) username!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Version() version!: number;
  @CreatedAt() createdAt!: Date;
  @UpdatedAt() updatedAt!: Date;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
}

@Entity({ registry, table: 'posts' })
export class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column({ default: 0 }) views!: number;
  @ManyToOne(() => User) author!: Ref<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity({ registry, table: 'comments' })
export class Comment {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) body!: string;
  @ManyToOne(() => Post) post!: Ref<Post>;
}

@Entity({ registry, table: 'tags' })
export class Tag {
  @PrimaryKey() id!: number;
  @Column({ length: 30, unique: true }) name!: string;
  @ManyToMany(() => Post, { mappedBy: 'tags' }) posts = new Collection<Post>(this);
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

/** Every column type, to check values survive each write path (text arrays + casts, CASE, prepared rows). */
@Entity({ registry, table: 'samples' })
export class Sample {
  @PrimaryKey() id!: number;
  @Column() flag!: boolean;
  @Column({ type: 'json' }) data!: Record<string, unknown>;
  @Column() at!: Date;
  @Column({ type: 'date' }) day!: string;
  @Column({ type: 'time' }) clock!: string;
  @Column({ type: 'bigint' }) big!: bigint;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) price!: string;
  @Column({ type: 'blob' }) bytes!: Buffer;
  @Column({ type: 'double' }) ratio!: number;
  @Column({ type: 'varchar', length: 40, nullable: true }) note!: string | null;
  @Column({ enum: ['red', 'green'] }) color!: 'red' | 'green';
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
