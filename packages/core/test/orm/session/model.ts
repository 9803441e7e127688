import 'reflect-metadata';
import { AfterLoad, Collection, Column, Entity, insert, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Registry, table } from '@athanor/core';
import type { AnyTable, Engine, EntityClass, OrderSpec, Ref, Where } from '@athanor/core';

/**
 * The entities the session tests read: users and their posts (to-one and to-many), tags
 * (many-to-many), memberships (a composite key), and animals (single-table inheritance).
 */

export const registry = new Registry({ name: 'session-tests' });

@Entity({ registry, table: 'users' })
export class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) username!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Column() active!: boolean;
  @Column({ type: 'varchar', length: 100, nullable: true }) email!: string | null;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
  @ManyToOne(() => User, { nullable: true }) mentor!: Ref<User> | null;
  @OneToMany(() => User, (u) => u.mentor) mentees = new Collection<User>(this);
  @OneToOne(() => Profile, { mappedBy: 'user' }) profile!: Ref<Profile> | null;
  /** Not mapped: set by the @AfterLoad hook. */
  loadedAs?: string;

  greet(): string {
    return `hello ${this.username}`;
  }

  @AfterLoad()
  remember(): void {
    this.loadedAs = this.username.toUpperCase();
  }
}

@Entity({ registry, table: 'posts' })
export class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column() views!: number;
  @ManyToOne(() => User) author!: Ref<User>;
  @ManyToOne(() => User, { nullable: true }) reviewer!: Ref<User> | null;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity({ registry, table: 'profiles' })
export class Profile {
  @PrimaryKey() id!: number;
  @OneToOne(() => User) user!: Ref<User>;
  @Column({ length: 100 }) bio!: string;
}

@Entity({ registry, table: 'tags' })
export class Tag {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
}

@Entity({ registry, table: 'memberships' })
export class Membership {
  @PrimaryKey({ autoIncrement: false }) orgId!: number;
  @PrimaryKey({ length: 20 }) member!: string;
  @Column({ length: 20 }) role!: string;
}

@Entity({ registry, table: 'animals', discriminatorColumn: 'kind' })
export class Animal {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  describe(): string {
    return `animal ${this.name}`;
  }
}

@Entity({ registry, discriminatorValue: 'dog' })
export class Dog extends Animal {
  @Column({ type: 'boolean', nullable: true }) goodBoy!: boolean | null;
  override describe(): string {
    return `dog ${this.name}`;
  }
}

@Entity({ registry, discriminatorValue: 'puppy' })
export class Puppy extends Dog {}

@Entity({ registry, discriminatorValue: 'cat' })
export class Cat extends Animal {
  @Column({ type: 'integer', nullable: true }) lives!: number | null;
}

/** Mentors: ann → bob, cid; bob → dee. Profiles: ann, dee. */
export const USERS = [
  { id: 1, username: 'ann', age: 31, active: true, email: 'ann@example.com', mentorId: null },
  { id: 2, username: 'bob', age: 25, active: true, email: null, mentorId: 1 },
  { id: 3, username: 'cid', age: null, active: false, email: 'cid@example.com', mentorId: 1 },
  { id: 4, username: 'dee', age: 44, active: true, email: 'DEE@example.com', mentorId: 2 },
  { id: 5, username: 'eve', age: 19, active: false, email: null, mentorId: null },
];

/** Posts: ann 3 (one reviewed by bob), bob 2, dee 1; cid and eve none. */
export const POSTS = [
  { id: 10, title: 'Hello world', views: 100, authorId: 1, reviewerId: null },
  { id: 11, title: 'Second post', views: 5, authorId: 1, reviewerId: 2 },
  { id: 12, title: 'hello again', views: 50, authorId: 1, reviewerId: null },
  { id: 13, title: 'Bob writes', views: 0, authorId: 2, reviewerId: 1 },
  { id: 14, title: 'Bob again', views: 7, authorId: 2, reviewerId: null },
  { id: 15, title: 'Dee', views: 1000, authorId: 4, reviewerId: 4 },
];

export async function seed(engine: Engine): Promise<void> {
  await engine.createAll(registry);
  await engine.execute(insert(table(User)).values(USERS));
  await engine.execute(insert(table(Post)).values(POSTS));
  await engine.execute(insert(table(Profile)).values([{ id: 1, userId: 1, bio: 'Ann here' }, { id: 2, userId: 4, bio: 'Dee here' }]));
  await engine.execute(insert(table(Tag)).values([{ id: 1, name: 'news' }, { id: 2, name: 'tech' }]));
  const postTags = registry.get(Post).relations.find((r) => r.name === 'tags')!.joinTable!.table;
  const [ownerColumn, targetColumn] = [registry.get(Post).relations.find((r) => r.name === 'tags')!.joinTable!.ownerColumns[0]!, registry.get(Post).relations.find((r) => r.name === 'tags')!.joinTable!.targetColumns[0]!];
  await engine.execute(
    insert(postTags).values([
      { [ownerColumn]: 10, [targetColumn]: 1 },
      { [ownerColumn]: 10, [targetColumn]: 2 },
      { [ownerColumn]: 13, [targetColumn]: 2 },
    ]),
  );
  await engine.execute(
    insert(table(Membership)).values([
      { orgId: 1, member: 'ann', role: 'owner' },
      { orgId: 1, member: 'bob', role: 'member' },
      { orgId: 2, member: 'ann', role: 'member' },
    ]),
  );
  // The discriminator is not a declared property: write it through the untyped table.
  const animals = table(Animal) as AnyTable;
  await engine.execute(
    insert(animals).values([
      { id: 1, kind: 'dog', name: 'Rex', goodBoy: true, lives: null },
      { id: 2, kind: 'cat', name: 'Tom', goodBoy: null, lives: 9 },
      { id: 3, kind: 'puppy', name: 'Bit', goodBoy: false, lives: null },
    ] as never),
  );
}

/** The ids of objects, in their order. */
export const ids = (objects: readonly { id: number }[]): number[] => objects.map((o) => o.id);

/** The ids of the `cls` rows `where` finds, in key order, through a session of their own. */
export async function idsWhere<T extends { id: number }>(engine: Engine, cls: EntityClass<T>, where: Where<T>): Promise<number[]> {
  await using s = engine.session();
  // OrderSpec<T> cannot see `id` through the type parameter.
  return ids(await s.find(cls, { where, orderBy: { id: 'asc' } as unknown as OrderSpec<T> }));
}
