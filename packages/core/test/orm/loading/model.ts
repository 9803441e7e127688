import 'reflect-metadata';
import { Collection, Column, Entity, insert, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Registry, table } from '@athanor/core';
import type { AnyTable, Engine, Ref } from '@athanor/core';

/**
 * The entities the loading tests read. Users, posts, comments, tags and profiles load lazily by
 * default (each test says how to load them); categories form a self-referential tree; shelves
 * (a composite key), books and notes carry default strategies (selectin, joined, raise, noload).
 */

export const registry = new Registry({ name: 'loading-tests' });

@Entity({ registry, table: 'l_users' })
export class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => User, { nullable: true }) mentor!: Ref<User> | null;
  @OneToMany(() => User, (u) => u.mentor, { orderBy: { id: 'asc' } }) mentees = new Collection<User>(this);
  @OneToMany(() => Post, 'author', { orderBy: { id: 'asc' } }) posts = new Collection<Post>(this);
  @OneToOne(() => Profile, { mappedBy: 'user' }) profile!: Ref<Profile> | null;
}

@Entity({ registry, table: 'l_posts' })
export class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 100 }) title!: string;
  @ManyToOne(() => User) author!: Ref<User>;
  @OneToMany(() => Comment, 'post', { orderBy: { id: 'asc' } }) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag, { orderBy: { id: 'asc' } }) tags = new Collection<Tag>(this);
}

@Entity({ registry, table: 'l_comments' })
export class Comment {
  @PrimaryKey() id!: number;
  @Column({ length: 100 }) body!: string;
  @ManyToOne(() => Post) post!: Ref<Post>;
}

@Entity({ registry, table: 'l_tags' })
export class Tag {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @ManyToMany(() => Post, { mappedBy: 'tags', orderBy: { id: 'asc' } }) posts = new Collection<Post>(this);
}

@Entity({ registry, table: 'l_profiles' })
export class Profile {
  @PrimaryKey() id!: number;
  @Column({ length: 100 }) bio!: string;
  @OneToOne(() => User) user!: Ref<User>;
}

@Entity({ registry, table: 'l_categories' })
export class Category {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => Category, { nullable: true }) parent!: Ref<Category> | null;
  @OneToMany(() => Category, (c) => c.parent, { orderBy: { id: 'asc' } }) children = new Collection<Category>(this);
}

@Entity({ registry, table: 'l_shelves' })
export class Shelf {
  @PrimaryKey({ length: 10 }) site!: string;
  @PrimaryKey({ autoIncrement: false }) code!: number;
  @Column({ length: 50 }) label!: string;
  @OneToMany(() => Book, 'shelf', { loading: 'selectin', orderBy: { id: 'asc' } }) books = new Collection<Book>(this);
}

@Entity({ registry, table: 'l_books' })
export class Book {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) title!: string;
  @ManyToOne(() => Shelf, { loading: 'joined' }) shelf!: Ref<Shelf, { site: string; code: number }>;
  @OneToMany(() => Note, 'book', { loading: 'raise' }) notes = new Collection<Note>(this);
  @OneToMany(() => Review, 'book', { loading: 'noload' }) reviews = new Collection<Review>(this);
}

@Entity({ registry, table: 'l_notes' })
export class Note {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) text!: string;
  @ManyToOne(() => Book) book!: Ref<Book>;
}

@Entity({ registry, table: 'l_reviews' })
export class Review {
  @PrimaryKey() id!: number;
  @Column() stars!: number;
  @ManyToOne(() => Book) book!: Ref<Book>;
}

/** Core multi-row inserts, in chunks under every dialect's parameter limit. */
export async function insertRows(engine: Engine, t: AnyTable, rows: readonly Record<string, unknown>[]): Promise<void> {
  for (let i = 0; i < rows.length; i += 2_000) await engine.execute(insert(t).values(rows.slice(i, i + 2_000) as never));
}

export const USERS = 1_000;
export const POSTS_PER_USER = 5;
export const COMMENTS_PER_POST = 3;

/**
 * 1,000 users (or `userCount`) × 5 posts × 3 comments (user u: posts 5u-4 … 5u; post p: comments 3p-2 … 3p).
 * Users 2-10 form a mentor chain (u is mentored by u - 1). Posts 1-30 have tag (p mod 3) + 1,
 * and tag 1 too when p is even. Profiles for users 1 and 2.
 */
export async function seedLarge(engine: Engine, userCount = USERS): Promise<void> {
  await engine.createAll(registry);
  const users = [];
  for (let u = 1; u <= userCount; u++) users.push({ id: u, name: `user${u}`, mentorId: u > 1 && u <= 10 ? u - 1 : null });
  await insertRows(engine, table(User) as AnyTable, users);
  const posts = [];
  const comments = [];
  for (let p = 1; p <= userCount * POSTS_PER_USER; p++) {
    posts.push({ id: p, title: `post${p}`, authorId: Math.ceil(p / POSTS_PER_USER) });
    for (let c = 0; c < COMMENTS_PER_POST; c++) comments.push({ id: (p - 1) * COMMENTS_PER_POST + c + 1, body: `comment on ${p}`, postId: p });
  }
  await insertRows(engine, table(Post) as AnyTable, posts);
  await insertRows(engine, table(Comment) as AnyTable, comments);
  await insertRows(engine, table(Tag) as AnyTable, [{ id: 1, name: 'one' }, { id: 2, name: 'two' }, { id: 3, name: 'three' }]);
  const tags = registry.get(Post).relations.find((r) => r.name === 'tags')!.joinTable!;
  const [ownerColumn, targetColumn] = [tags.ownerColumns[0]!, tags.targetColumns[0]!];
  const links = [];
  for (let p = 1; p <= 30; p++) {
    links.push({ [ownerColumn]: p, [targetColumn]: (p % 3) + 1 });
    if (p % 2 === 0 && (p % 3) + 1 !== 1) links.push({ [ownerColumn]: p, [targetColumn]: 1 });
  }
  await insertRows(engine, tags.table, links);
  await insertRows(engine, table(Profile) as AnyTable, [{ id: 1, bio: 'first', userId: 1 }, { id: 2, bio: 'second', userId: 2 }]);
}

/** A tree: 1 root → 2, 3; 2 → 4, 5; 4 → 6; 3 → 7. Shelves, books (default strategies), notes, reviews. */
export async function seedSmall(engine: Engine): Promise<void> {
  await insertRows(engine, table(Category) as AnyTable, [
    { id: 1, name: 'root', parentId: null },
    { id: 2, name: 'a', parentId: 1 },
    { id: 3, name: 'b', parentId: 1 },
    { id: 4, name: 'a1', parentId: 2 },
    { id: 5, name: 'a2', parentId: 2 },
    { id: 6, name: 'a1x', parentId: 4 },
    { id: 7, name: 'b1', parentId: 3 },
  ]);
  await insertRows(engine, table(Shelf) as AnyTable, [
    { site: 'north', code: 1, label: 'N1' },
    { site: 'north', code: 2, label: 'N2' },
    { site: 'south', code: 1, label: 'S1' },
  ]);
  await insertRows(engine, table(Book) as AnyTable, [
    { id: 1, title: 'Dune', shelfSite: 'north', shelfCode: 1 },
    { id: 2, title: 'Emma', shelfSite: 'north', shelfCode: 1 },
    { id: 3, title: 'Ulysses', shelfSite: 'south', shelfCode: 1 },
    { id: 4, title: 'Beloved', shelfSite: 'north', shelfCode: 2 },
  ]);
  await insertRows(engine, table(Note) as AnyTable, [{ id: 1, text: 'good', bookId: 1 }, { id: 2, text: 'long', bookId: 3 }]);
  await insertRows(engine, table(Review) as AnyTable, [{ id: 1, stars: 5, bookId: 1 }]);
}
