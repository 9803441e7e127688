/**
 * Compile-time tests of the Session's typed API, checked by `pnpm typecheck` (never run):
 * each @ts-expect-error line must fail to type-check, and each other line must compile.
 */
import 'reflect-metadata';
import { Collection, Column, Entity, ManyToOne, OneToMany, PrimaryKey, ref, select, table } from '@athanor/core';
import type { Engine, EntityQuery, Ref, Session, Where } from '@athanor/core';

@Entity('type_users')
class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) username!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Column() active!: boolean;
  @Column() createdAt!: Date;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
  greet(): string {
    return this.username;
  }
}

@Entity('type_posts')
class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @ManyToOne(() => User) author!: Ref<User>;
  @ManyToOne(() => User, { nullable: true }) reviewer!: Ref<User> | null;
}

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(_ok?: T): void {}

declare const engine: Engine;
declare const s: Session;

async function typed(): Promise<void> {
  // Sessions from the engine: plain and scoped.
  const plain: Session = engine.session({ readOnly: true });
  const scopedResult = await engine.session(async (session) => session.count(User), { isolation: 'serializable', retry: true });
  assertType<Exact<typeof scopedResult, number>>();
  await plain.close();

  // Results are typed by the entity class.
  const one = await s.get(User, 1);
  assertType<Exact<typeof one, User | null>>();
  const many = await s.find(User, { where: { age: { gt: 25 } }, orderBy: { username: 'asc' }, limit: 10, offset: 5 });
  assertType<Exact<typeof many, User[]>>();
  const first = await s.findOne(Post, { where: { title: 'x' } });
  assertType<Exact<typeof first, Post | null>>();
  const sure = await s.findOneOrFail(Post);
  assertType<Exact<typeof sure, Post>>();
  assertType<Exact<Awaited<ReturnType<typeof s.count>>, number>>();
  const q: EntityQuery<User> = s.query(User).where({ active: true }).orderBy({ createdAt: 'desc' });
  assertType<Exact<Awaited<ReturnType<typeof q.all>>, User[]>>();
  for await (const u of s.stream(User, { batchSize: 100 })) assertType<Exact<typeof u, User>>();

  // Values, null where nullable, operators by value type.
  await s.find(User, { where: { username: 'ann', age: null } });
  await s.find(User, { where: { age: { between: [18, 65] }, username: { like: 'a%', in: ['ann', 'bob'] } } });
  await s.find(User, { where: { createdAt: { gte: new Date() }, active: { ne: false } } });
  await s.find(User, { where: { email: { isNull: true } } as Where<User> }).catch(() => undefined); // cast: runtime check only
  await s.find(User, { where: { or: [{ age: { lt: 18 } }, { not: { active: true } }], and: [{ id: { notIn: [1] } }] } });
  // @ts-expect-error no such property
  await s.find(User, { where: { usrname: 'ann' } });
  // @ts-expect-error a number property takes numbers
  await s.find(User, { where: { age: 'old' } });
  // @ts-expect-error operators take the property's type
  await s.find(User, { where: { age: { gt: '25' } } });
  // @ts-expect-error like is for strings only
  await s.find(User, { where: { age: { like: '2%' } } });
  // @ts-expect-error null only where the property is nullable
  await s.find(User, { where: { username: null } });
  // @ts-expect-error in takes a list
  await s.find(User, { where: { id: { in: 1 } } });
  // @ts-expect-error between takes two bounds
  await s.find(User, { where: { age: { between: [1] } } });
  // @ts-expect-error unknown operator
  await s.find(User, { where: { age: { greaterThan: 1 } } });
  // @ts-expect-error methods are not properties to filter on
  await s.find(User, { where: { greet: 'x' } });
  // @ts-expect-error a filter is an object, an expression or a function
  await s.find(User, { where: 10 });
  // @ts-expect-error combinators take lists of conditions
  await s.find(User, { where: { or: { id: 1 } } });
  // @ts-expect-error count takes a condition like find's where
  await s.count(User, { age: 'x' });

  // Through relationships: filters on the target, the entity, a Ref, its key, null where nullable.
  const ann = (await s.get(User, 1))!;
  await s.find(Post, { where: { author: { username: 'ann', posts: { title: { ilike: '%x%' } } } } });
  await s.find(Post, { where: { author: ann } });
  await s.find(Post, { where: { author: ref(User, 1) } });
  await s.find(Post, { where: { author: 1, reviewer: null } });
  await s.find(Post, { where: { author: { in: [1, 2] }, reviewer: { isNull: false } } });
  // @ts-expect-error key operators take the key's type
  await s.find(Post, { where: { author: { in: ['a'] } } });
  await s.find(User, { where: { posts: { author: { active: true } } } });
  // @ts-expect-error no such property on the target
  await s.find(Post, { where: { author: { name: 'ann' } } });
  // @ts-expect-error author is not nullable
  await s.find(Post, { where: { author: null } });
  // @ts-expect-error a key of the wrong type
  await s.find(Post, { where: { author: 'ann' } });
  // @ts-expect-error a to-many takes a condition on its target, not a key
  await s.find(User, { where: { posts: 10 } });

  // Core expressions as the escape hatch, typed by the entity's table.
  const u = table(User);
  await s.find(User, { where: u.age.gt(18) });
  await s.find(User, { where: (t) => t.createdAt.lt(new Date()) });
  await s.find(User, { where: { or: [(t) => t.id.eq(1), { username: 'bob' }] } });
  // @ts-expect-error the table has no such column
  await s.find(User, { where: (t) => t.nope.eq(1) });
  // @ts-expect-error a condition must be boolean
  await s.find(User, { where: (t) => t.age });

  // Ordering: properties, directions, through to-one relationships.
  await s.find(Post, { orderBy: { author: { username: 'desc' }, id: 'asc' } });
  // @ts-expect-error direction is 'asc' or 'desc'
  await s.find(User, { orderBy: { username: 'up' } });
  // @ts-expect-error no such property
  await s.find(User, { orderBy: { name: 'asc' } });
  // @ts-expect-error cannot order by a to-many relationship
  await s.find(User, { orderBy: { posts: 'asc' } });
  // @ts-expect-error unknown option
  await s.find(User, { wher: {} });
  // @ts-expect-error orderBy is an object of directions
  await s.find(User, { orderBy: 'username' });

  // Keys: a value, or an object of key properties.
  await s.get(User, { id: 1 });
  // @ts-expect-error not a key property
  await s.get(User, { username: 1 });

  // Core statements run in the session; rows and scalars are typed by the statement.
  const rows = await s.execute(select({ name: u.username }).from(u));
  assertType<Exact<typeof rows, { name: string }[]>>();
  const names = await s.scalars(select(u.username).from(u));
  assertType<Exact<typeof names, string[]>>();
  const loaded = await s.query(User).fromStatement(select(u).from(u)).all();
  assertType<Exact<typeof loaded, User[]>>();
  // @ts-expect-error a statement for entities must select the entity's row
  s.query(User).fromStatement(select(u.id).from(u));
}

void typed;
