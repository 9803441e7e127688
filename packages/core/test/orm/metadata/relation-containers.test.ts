import 'reflect-metadata';
import {
  bindRelations, Collection, Column, createInstance, Entity, isCollection, isRef, ManyToMany, ManyToOne, NotLoadedError, OneToMany,
  PrimaryKey, RELATION, ref, Ref, refFor, Registry, relationInitializer,
} from '@athanor/core';

/** Ref and Collection before any session: state, errors naming the relationship, and instances built without constructors. */

const registry = new Registry();
let constructed = 0;

@Entity({ registry })
class User {
  @PrimaryKey() id!: number;
  @Column() name!: string;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
  constructor() {
    constructed++;
  }
  greet(): string {
    return `hi ${this.name}`;
  }
}

@Entity({ registry })
class Post {
  @PrimaryKey() id!: number;
  @ManyToOne(() => User) author!: Ref<User>;
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity({ registry })
class Tag {
  @PrimaryKey({ length: 20 }) code!: string;
}

describe('Ref', () => {
  test('ref(Entity, id): the key without loading; get() throws until loaded', () => {
    const r = ref(User, 7);
    expect(r.id).toBe(7);
    expect(r.isLoaded).toBe(false);
    expect(r.entity).toBe(User);
    expect(() => r.get()).toThrow(NotLoadedError);
    expect(() => r.get()).toThrow('The Ref to User#7 is not loaded. Load it first: `await ref.load()`, or fetch the entity with `session.get(User, 7)`.');
    expect(isRef(r)).toBe(true);
    expect(r[RELATION]).toEqual({ many: false });
    expect(JSON.stringify({ author: r })).toBe('{"author":7}');
  });

  test('once held by an entity, the error names the entity, the relationship and the fix', () => {
    const post = new Post();
    post.author = ref(User, 3);
    bindRelations(post, registry.get(Post));
    const error = (() => {
      try {
        post.author.get();
      } catch (e) {
        return e as NotLoadedError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(NotLoadedError);
    expect(error!.code).toBe('NOT_LOADED');
    expect(error!.message).toBe(
      "Post.author is not loaded (a Ref to User#3). Load it first: `await post.author.load()`, or with the query that fetches the Post: `load: { author: 'joined' }`.",
    );
  });

  test('a loaded Ref returns its entity', () => {
    const user = Object.assign(new User(), { id: 1, name: 'Ann' });
    const r = new Ref(User, 1, user);
    expect(r.isLoaded).toBe(true);
    expect(r.get()).toBe(user);
    const later = ref(User, 2);
    later.resolve(user);
    expect(later.get()).toBe(user);
  });

  test('string keys, and no key at all is refused', () => {
    expect(ref(Tag, 'ts').id).toBe('ts');
    expect(() => ref(User, undefined as unknown as number)).toThrow('ref(User, id): the id is undefined; assign null to clear a relationship instead.');
  });
});

describe('Collection', () => {
  test('a collection made by a field initializer belongs to a new object: loaded and empty', () => {
    const user = new User();
    expect(user.posts.isLoaded).toBe(true);
    expect(user.posts.length).toBe(0);
    expect(user.posts.getItems()).toEqual([]);
    expect([...user.posts]).toEqual([]);
    expect(isCollection(user.posts)).toBe(true);
    expect(user.posts[RELATION]).toEqual({ many: true });
  });

  test('initial items', () => {
    const post = new Post();
    const tags = [Object.assign(new Tag(), { code: 'a' }), Object.assign(new Tag(), { code: 'b' })];
    const c = new Collection<Tag>(post, tags);
    expect(c.length).toBe(2);
    expect([...c].map((t) => t.code)).toEqual(['a', 'b']);
    expect(JSON.stringify(c)).toBe('[{"code":"a"},{"code":"b"}]');
  });

  test('an unloaded collection throws on every read, naming the relationship and the fix', () => {
    const user = createInstance<User>(registry.get(User));
    const message =
      "User.posts is not loaded. Load it first: `await user.posts.load()`, or with the query that fetches the User: `load: { posts: 'selectin' }`.";
    expect(user.posts.isLoaded).toBe(false);
    expect(() => user.posts.getItems()).toThrow(new NotLoadedError(message));
    expect(() => user.posts.length).toThrow(message);
    expect(() => [...user.posts]).toThrow(message);
    expect(JSON.stringify({ posts: user.posts })).toBe('{}');
    user.posts.resolve([]);
    expect(user.posts.length).toBe(0);
  });

  test('the owner must be an object', () => {
    expect(() => new Collection<Post>(undefined as unknown as object)).toThrow('new Collection(owner): pass the owning entity');
  });
});

describe('instances for hydration', () => {
  test('createInstance: a real instance, no constructor run, collections in place and unloaded', () => {
    const before = constructed;
    const user = createInstance<User>(registry.get(User));
    expect(constructed).toBe(before);
    expect(user).toBeInstanceOf(User);
    user.name = 'Zed';
    expect(user.greet()).toBe('hi Zed');
    expect(user.posts).toBeInstanceOf(Collection);
    expect(user.posts.owner).toBe(user);
    expect(user.posts.property).toBe('posts');
    const post = createInstance<Post>(registry.get(Post));
    expect(post.tags.isLoaded).toBe(false);
    expect(Object.keys(post)).toEqual(['tags']);
  });

  test('relationInitializer is built once per entity', () => {
    expect(relationInitializer(registry.get(User))).toBe(relationInitializer(registry.get(User)));
  });

  test('refFor: the Ref a hydrator puts in a to-one property', () => {
    const post = createInstance<Post>(registry.get(Post));
    const author = registry.get(Post).relations.find((r) => r.name === 'author')!;
    post.author = refFor<User, number>(post, author, 5);
    expect(post.author.id).toBe(5);
    expect(post.author.entity).toBe(User);
    expect(() => post.author.get()).toThrow('Post.author is not loaded (a Ref to User#5)');
  });

  test('bindRelations: binds user-made containers and fills missing collections', () => {
    const post = new Post();
    (post as { tags?: unknown }).tags = undefined;
    bindRelations(post, registry.get(Post));
    expect(post.tags).toBeInstanceOf(Collection);
    expect(post.tags.isLoaded).toBe(true);
    expect(post.tags.property).toBe('tags');
    const user = new User();
    bindRelations(user, registry.get(User));
    expect(user.posts.property).toBe('posts');
  });
});
