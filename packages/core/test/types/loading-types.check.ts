/**
 * Compile-time tests of relationship loading, checked by `pnpm typecheck` (never run): each
 * @ts-expect-error line must fail to type-check, and each other line must compile.
 */
import 'reflect-metadata';
import { Collection, Column, Entity, ManyToMany, ManyToOne, OneToMany, PrimaryKey } from '@athanor/core';
import type { LoadPath, LoadSpec, Ref, Session } from '@athanor/core';

@Entity('lt_users')
class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) name!: string;
  @ManyToOne(() => User, { nullable: true }) mentor!: Ref<User> | null;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
  greet(): string {
    return this.name;
  }
}

@Entity('lt_posts')
class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @ManyToOne(() => User) author!: Ref<User>;
  @OneToMany(() => Comment, 'post') comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity('lt_comments')
class Comment {
  @PrimaryKey() id!: number;
  @ManyToOne(() => Post) post!: Ref<Post>;
}

@Entity('lt_tags')
class Tag {
  @PrimaryKey() id!: number;
  @Column({ length: 20 }) name!: string;
}

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(_ok?: T): void {}

declare const s: Session;

async function typed(): Promise<void> {
  // Paths through relationships, nested, to-one and to-many, self-referential.
  await s.find(User, { load: { posts: 'selectin', 'posts.comments': 'joined', 'posts.tags': 'selectin', mentor: 'joined' } });
  await s.find(User, { load: { 'mentor.mentor.mentor': 'selectin', 'posts.comments.post.author': 'raise' } });
  await s.find(Post, { where: { title: 'x' }, load: { author: 'joined', 'author.posts': 'lazy', comments: 'noload' } });
  await s.findOne(Comment, { load: { post: 'joined', 'post.author': 'joined' } });
  const q = s.query(User).load({ posts: 'joined' }).load({ 'posts.author': 'selectin' });
  assertType<Exact<Awaited<ReturnType<typeof q.all>>, User[]>>();

  // Not relationships, misspelt, or too deep.
  // @ts-expect-error a column is not a load path
  await s.find(User, { load: { name: 'joined' } });
  // @ts-expect-error a method is not a load path
  await s.find(User, { load: { greet: 'joined' } });
  // @ts-expect-error misspelt
  await s.find(User, { load: { postz: 'selectin' } });
  // @ts-expect-error a column below a relationship
  await s.find(User, { load: { 'posts.title': 'selectin' } });
  // @ts-expect-error not a strategy
  await s.find(User, { load: { posts: 'eager' } });
  // @ts-expect-error five levels: the paths stop at four
  await s.find(User, { load: { 'mentor.mentor.mentor.mentor.mentor': 'selectin' } });

  // The path types themselves.
  assertType<Exact<Extract<LoadPath<Comment>, 'post' | 'post.author' | 'post.tags'>, 'post' | 'post.author' | 'post.tags'>>();
  assertType<Exact<LoadPath<Tag>, never>>();
  const spec: LoadSpec<Post> = { 'comments.post.comments': 'selectin' };
  void spec;

  // Ref and Collection loading.
  const users = await s.find(User);
  const posts = await users[0]!.posts.load();
  assertType<Exact<typeof posts, readonly Post[]>>();
  const author = await posts[0]!.author.load();
  assertType<Exact<typeof author, User>>();
  const mentor = await users[0]!.mentor?.load();
  assertType<Exact<typeof mentor, User | undefined>>();
  const count = await users[0]!.posts.loadCount();
  assertType<Exact<typeof count, number>>();
  const some = await users[0]!.posts.matching({ where: { title: { like: 'a%' } }, orderBy: { id: 'desc' }, limit: 10, load: { comments: 'selectin' } });
  assertType<Exact<typeof some, Post[]>>();
  // @ts-expect-error matching filters the collection's entity
  await users[0]!.posts.matching({ where: { name: 'x' } });

  // populate: paths of the objects' entity.
  const populated = await s.populate(users, ['posts', 'posts.comments']);
  assertType<Exact<typeof populated, User[]>>();
  await s.populate(posts[0]!, { author: 'joined', comments: 'selectin' });
  // @ts-expect-error not a path of Post
  await s.populate(posts, ['mentor']);
}

void typed;
