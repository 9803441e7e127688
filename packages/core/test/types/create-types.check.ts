/**
 * Compile-time tests of `create(Entity, data)` and `session.create`, checked by `pnpm typecheck`
 * (never run): each @ts-expect-error line must fail to type-check, and each other line must compile.
 */
import 'reflect-metadata';
import { Collection, Column, create, Entity, ManyToOne, OneToMany, PrimaryKey, ref } from '@athanor/core';
import type { CreateData, Ref, Session } from '@athanor/core';

@Entity('ct_users')
class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
  greet(): string {
    return this.name;
  }
}

@Entity('ct_posts')
class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @ManyToOne(() => User, { nullable: true }) author!: Ref<User> | null;
}

class NeedsArgs {
  constructor(readonly name: string) {}
}

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(_ok?: T): void {}

declare const s: Session;

function typed(): void {
  const ann = create(User, { name: 'ann', age: null });
  assertType<Exact<typeof ann, User>>();
  // To-one: the entity, a Ref or null; to-many: an array of items.
  create(Post, { title: 't', author: ann });
  create(Post, { title: 't', author: ref(User, 1) });
  create(Post, { title: 't', author: null });
  create(User, { name: 'bob', posts: [create(Post, { title: 'p' })] });
  const added = s.create(Post, { title: 't' });
  assertType<Exact<typeof added, Post>>();
  create(User);

  // @ts-expect-error a value of the wrong type
  create(User, { name: 5 });
  // @ts-expect-error not nullable
  create(User, { name: null });
  // @ts-expect-error misspelt
  create(User, { nmae: 'ann' });
  // @ts-expect-error a method is not data
  create(User, { greet: () => 'hi' });
  // @ts-expect-error a to-one takes its own entity
  create(Post, { author: create(Post, {}) });
  // @ts-expect-error a to-many takes an array of its items
  create(User, { posts: [ann] });
  // @ts-expect-error the class must be constructible without arguments
  create(NeedsArgs, {});

  assertType<Exact<keyof CreateData<User>, 'id' | 'name' | 'age' | 'posts'>>();
}
void typed;
