/**
 * Compile-time tests of the ORM's mapping API, checked by `pnpm typecheck` (never run): each
 * @ts-expect-error line must fail to type-check, and everything else must compile.
 */
import {
  Collection, Column, CreatedAt, Entity, Index, ManyToMany, ManyToOne, numeric, OneToMany, OneToOne, PrimaryKey, ref, Ref,
  Registry, select, table, Unique, varchar, Version,
} from '@athanor/core';
import type { ColumnOptions, Engine, ManyToOneOptions } from '@athanor/core';

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(_ok?: T): void {}

const registry = new Registry();

enum Role {
  Admin = 'admin',
  Member = 'member',
}

@Entity({ registry })
@Index(['username', 'age'])
class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) username!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Column({ type: 'numeric', precision: 10, scale: 2 }) balance!: string;
  @Column({ type: numeric(12, 4), nullable: true }) credit!: string | null;
  @Column({ type: varchar(20) }) nick!: string;
  @Column({ enum: Role }) role!: Role;
  @Column({ enum: ['draft', 'published'] }) state!: 'draft' | 'published';
  @Column({ type: 'json', nullable: true }) prefs!: { theme: string } | null;
  @Column({ default: true }) active!: boolean;
  @Column({ type: 'date' }) birthday!: string;
  @CreatedAt() createdAt!: Date;
  @Version() version!: number;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
  @OneToMany(() => Post, (p) => p.editor) edited = new Collection<Post>(this);
  @OneToOne(() => Profile, { mappedBy: (pr) => pr.user }) profile!: Ref<Profile> | null;
}

@Entity({ registry })
@Unique(['author', 'title'])
class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @ManyToOne(() => User) author!: Ref<User>;
  @ManyToOne(() => User, { nullable: true, onDelete: 'set null' }) editor!: Ref<User> | null;
  @ManyToMany(() => Tag, { orderBy: { name: 'asc' } }) tags = new Collection<Tag>(this);
}

@Entity({ registry })
class Tag {
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Column() name!: string;
  @ManyToMany(() => Post, { mappedBy: 'tags' }) posts = new Collection<Post>(this);
}

@Entity({ registry })
class Profile {
  @PrimaryKey() id!: number;
  @OneToOne(() => User) user!: Ref<User>;
}

@Entity({ registry })
class Tenant {
  @PrimaryKey({ length: 20 }) code!: string;
  @ManyToOne(() => Tenant, { nullable: true }) parent!: Ref<Tenant, string> | null;
}

// ---- table(Entity): typed by property names, foreign keys as <relation>Id ----
const u = table(User);
const p = table(Post);
u.username.eq('jane');
u.age.gt(25);
u.createdAt.gt(new Date());
p.authorId.eq(u.id);
// @ts-expect-error username is a string column
u.username.eq(5);
// @ts-expect-error createdAt holds Dates
u.createdAt.gt('yesterday');
// @ts-expect-error no such property
u.nmae;
// @ts-expect-error relationships are not columns
u.posts;
// @ts-expect-error the to-one relationship itself is not a column; its key is authorId
p.author;
// @ts-expect-error methods and unknown properties are not columns
p.nothing;

const t = table(Tenant);
t.parentId.eq('acme');
// @ts-expect-error a string key
t.parentId.eq(1);

const rows = select({ name: u.username, editor: p.editorId, age: u.age }).from(u).leftJoin(p, p.authorId.eq(u.id));
assertType<Exact<NonNullable<(typeof rows)['__row']>, { name: string; editor: number | null; age: number | null }>>();

// ---- Refs and Collections ----
const r = ref(User, 1);
assertType<Exact<typeof r, Ref<User, number>>>();
assertType<Exact<ReturnType<(typeof r)['get']>, User>>();
const tr = ref(Tenant, 'acme');
assertType<Exact<(typeof tr)['id'], string>>();
declare const post: Post;
const items: readonly Tag[] = post.tags.getItems();
for (const tag of post.tags) assertType<Exact<typeof tag, Tag>>();
void items;

// ---- engine.createAll / dropAll from the ORM ----
declare const engine: Engine;
void engine.createAll([User, Post, Tag, Profile, Tenant]);
void engine.createAll(registry);
void engine.dropAll(registry, { ifExists: true });
// @ts-expect-error a table name is not a source
void engine.createAll('users');

// ---- Options held in a variable are not literal: what they leave open is not checked ----
const loose: ColumnOptions = { type: 'integer', nullable: true };
const looseRef: ManyToOneOptions = { nullable: true };
@Entity({ registry: new Registry() })
class Loose {
  @PrimaryKey() id!: number;
  @Column(loose) score!: number | null;
  @ManyToOne(() => User, looseRef) owner!: Ref<User> | null;
}
void Loose;

// ---- Decorators that disagree with their property do not compile ----
@Entity({ registry: new Registry() })
class Wrong {
  @PrimaryKey() id!: number;
  // @ts-expect-error a nullable property needs an explicit type (TypeScript records none)
  @Column() bio!: string | null;
  // @ts-expect-error nullable in TypeScript, NOT NULL in the database
  @Column({ type: 'integer' }) score!: number | null;
  // @ts-expect-error nullable: true, but the property never holds null
  @Column({ nullable: true }) nick!: string;
  // @ts-expect-error a 'date' column carries 'YYYY-MM-DD' strings, not Dates
  @Column({ type: 'date' }) born!: Date;
  // @ts-expect-error a union needs an explicit type
  @Column() code!: string | number;
  // @ts-expect-error bigint needs an explicit type
  @Column() big!: bigint;
  // @ts-expect-error the default does not match the property
  @Column({ default: 'yes' }) flag!: boolean;
  // @ts-expect-error enum values do not cover the property's type
  @Column({ enum: ['a', 'b'] }) letter!: 'a' | 'b' | 'c';
  // @ts-expect-error a numeric column carries strings
  @Column({ type: numeric(10, 2) }) price!: number;
  // @ts-expect-error @Version counts with integers
  @Version() v!: string;
  // @ts-expect-error @CreatedAt holds a Date
  @CreatedAt() created!: string;
  // @ts-expect-error a to-one relationship is a Ref
  @ManyToOne(() => User) owner!: User;
  // @ts-expect-error a Ref of the wrong entity
  @ManyToOne(() => User) other!: Ref<Post>;
  // @ts-expect-error nullable Ref without nullable: true
  @ManyToOne(() => User) maybe!: Ref<User> | null;
  // @ts-expect-error a to-many relationship is a Collection
  @OneToMany(() => Post, 'author') posts!: Post[];
  // @ts-expect-error mappedBy must name a to-one property of the target
  @OneToMany(() => Post, 'title') titled = new Collection<Post>(this);
  // @ts-expect-error the accessor must return a to-one property
  @OneToMany(() => Post, (x) => x.title) titled2 = new Collection<Post>(this);
  // @ts-expect-error an owning one-to-one that may be null needs nullable: true
  @OneToOne(() => Profile) profileMaybe!: Ref<Profile> | null;
  // @ts-expect-error the inverse one-to-one names a to-one property of the target
  @OneToOne(() => Profile, { mappedBy: 'id' }) profileWrong!: Ref<Profile> | null;
  // @ts-expect-error orderBy names a column of the target
  @ManyToMany(() => Tag, { orderBy: { nope: 'asc' } }) tags = new Collection<Tag>(this);
}
void Wrong;

// @ts-expect-error the class has no property "nope"
@Index(['id', 'nope'])
@Entity({ registry: new Registry() })
class WrongIndex {
  @PrimaryKey() id!: number;
}
void WrongIndex;
