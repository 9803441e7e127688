import 'reflect-metadata';
import { Collection, Column, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Registry } from '@athanor/core';
import type { Ref } from '@athanor/core';
import { problem } from './mapping-problem';

/**
 * Relationship and inheritance mistakes: each fails when the registry configures (its first use)
 * with a MappingError naming the class, the property and the fix. Some are compile errors as
 * well (the @ts-expect-error lines): the runtime check covers plain JavaScript and `any`.
 */

describe('relationships', () => {
  test('a relationship to a class that is not an entity', () => {
    const registry = new Registry({ name: 'blog' });
    class Person {}
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => Person) author!: Ref<Person>;
    }
    expect(problem(registry)).toBe(
      "Post.author: @ManyToOne(() => …) targets Person, which is not an entity of registry 'blog'. Decorate Person with @Entity() (in the same registry), or fix the target.",
    );
    void Post;
  });

  test('a relationship to an entity of another registry', () => {
    const users = new Registry({ name: 'users' });
    const blog = new Registry({ name: 'blog' });
    @Entity({ registry: users })
    class Person {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry: blog })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => Person) author!: Ref<Person>;
    }
    expect(problem(blog)).toBe(
      "Post.author: @ManyToOne(() => …) targets Person, an entity of registry 'users', not of 'blog'. Relationships stay within one registry: register Person with @Entity({ registry }) in the same registry as Post.",
    );
    expect(users.get(Person).name).toBe('Person');
    void Post;
  });

  test('a target thunk read too early (a circular import evaluated at load time)', () => {
    const registry = new Registry();
    let Later: (new () => object) | undefined;
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => Later!) author!: Ref<object>;
    }
    expect(problem(registry)).toBe(
      'Post.author: the target of @ManyToOne(() => …) is undefined. It was read before the target\'s module finished loading ' +
        '(a circular import evaluated at load time?): use the registry only after every entity module is imported, and give a class, as in @ManyToOne(() => User).',
    );
    void [Post, Later];
  });

  test('@OneToMany naming a property the target does not have', () => {
    const registry = new Registry();
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
      @OneToMany(() => Post, 'writer' as never) posts = new Collection<Post>(this);
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => User) author!: Ref<User>;
    }
    expect(problem(registry)).toBe(
      "User.posts: @OneToMany(() => Post, 'writer') names Post.writer, which does not exist. " +
        "Declare the other side on Post: `@ManyToOne(() => User) writer!: Ref<User>`, or name an existing one (Post's relationships: author).",
    );
    void User;
  });

  test('@OneToMany naming a column', () => {
    const registry = new Registry();
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
      @OneToMany(() => Post, 'title' as never) posts = new Collection<Post>(this);
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @Column() title!: string;
    }
    expect(problem(registry)).toBe(
      "User.posts: @OneToMany(() => Post, 'title') names Post.title, which is a column, not a relationship. " +
        "Declare the other side on Post: `@ManyToOne(() => User) title!: Ref<User>`, or name an existing one (Post's relationships: none).",
    );
    void User;
  });

  test('@OneToMany naming a @ManyToOne that points elsewhere', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Team {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
      @OneToMany(() => Post, (p) => p.team) posts = new Collection<Post>(this);
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => Team) team!: Ref<Team>;
    }
    expect(problem(registry)).toBe(
      "User.posts: @OneToMany(() => Post, 'team') names Post.team, which points to Team, not to User. Point it back: `@ManyToOne(() => User) team!: Ref<User>`, or name the property that does.",
    );
    void User;
  });

  test('@OneToOne mappedBy naming an inverse side, and @ManyToMany mappedBy naming a @ManyToOne', () => {
    const registry = new Registry({ name: 'kinds' });
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
      @OneToOne(() => Profile, { mappedBy: 'user' }) profile!: Ref<Profile> | null;
      @ManyToMany(() => Group, { mappedBy: 'owner' as never }) groups = new Collection<Group>(this);
    }
    @Entity({ registry })
    class Profile {
      @PrimaryKey() id!: number;
      @OneToOne(() => User, { mappedBy: 'profile' }) user!: Ref<User> | null;
    }
    @Entity({ registry })
    class Group {
      @PrimaryKey() id!: number;
      @ManyToOne(() => User) owner!: Ref<User>;
    }
    expect(problem(registry)).toBe(
      [
        "3 mapping problems in registry 'kinds':",
        "  - User.profile: @OneToOne(() => Profile, 'user') names Profile.user, which is a @OneToOne inverse side, but the inverse of @OneToOne must be an owning @OneToOne (one without mappedBy): `@OneToOne(() => User) user!: Ref<User>`.",
        "  - User.groups: @ManyToMany(() => Group, 'owner') names Group.owner, which is a @ManyToOne, but the inverse of @ManyToMany must be an owning @ManyToMany (one without mappedBy): `@ManyToMany(() => User) owner = new Collection<User>(this)`.",
        "  - Profile.user: @OneToOne(() => User, 'profile') names User.profile, which is a @OneToOne inverse side, but the inverse of @OneToOne must be an owning @OneToOne (one without mappedBy): `@OneToOne(() => Profile) profile!: Ref<Profile>`.",
      ].join('\n'),
    );
  });

  test('two collections claiming one @ManyToOne', () => {
    const registry = new Registry();
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
      @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
      @OneToMany(() => Post, 'author') writings = new Collection<Post>(this);
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => User) author!: Ref<User>;
    }
    expect(problem(registry)).toBe('User.writings: Post.author is already the other side of User.posts; a relationship has one inverse. Remove one of them.');
  });

  test('relationship options that contradict each other', () => {
    const registry = new Registry({ name: 'options' });
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
      @Column() name!: string;
      @OneToMany(() => Post, 'author', { orderBy: { rank: 'asc' } as never }) posts = new Collection<Post>(this);
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => User, { onDelete: 'set null', cascade: ['delete-orphan'] }) author!: Ref<User>;
      @ManyToMany(() => User, { loading: 'eager' as never }) likers = new Collection<User>(this);
    }
    expect(problem(registry)).toBe(
      [
        "4 mapping problems in registry 'options':",
        '  - User.posts: orderBy names Post.rank, which is not a column property of Post (its columns: id, authorId).',
        "  - Post.author: 'delete-orphan' applies to one-to-many and one-to-one relationships; a many-to-one target may have other parents.",
        "  - Post.author: onDelete 'set null' needs a nullable foreign key: add nullable: true (and declare the property `Ref<…> | null`).",
        "  - Post.likers: unknown loading strategy 'eager'; use one of lazy, joined, selectin, raise, noload.",
      ].join('\n'),
    );
  });

  test('@ManyToMany via an entity without a @ManyToOne to each side', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Tag {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToMany(() => Tag, { via: () => PostTag }) tags = new Collection<Tag>(this);
    }
    @Entity({ registry })
    class PostTag {
      @ManyToOne(() => Post, { primary: true }) post!: Ref<Post>;
      @PrimaryKey() tagId!: number;
    }
    expect(problem(registry)).toBe('Post.tags: the association entity PostTag has no @ManyToOne to Tag; add one.');
  });
});

describe('inheritance', () => {
  test('an entity extending an entity without a discriminator (one table per class) is refused', () => {
    const registry = new Registry();
    @Entity({ registry })
    class User {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry })
    class Admin extends User {
      @Column() level!: number;
    }
    expect(problem(registry)).toBe(
      'Admin extends the entity User, but Athanor maps inheritance between entities only as single-table inheritance, and User declares no discriminator column. ' +
        "Add @Entity({ discriminatorColumn: 'kind' }) to User and @Entity({ discriminatorValue: 'admin' }) to Admin; or, for one table per class, make User a plain base class without @Entity (its mapped properties are inherited either way).",
    );
    void Admin;
  });

  test('single-table subclasses need their own discriminator value and no table', () => {
    const registry = new Registry({ name: 'sti' });
    @Entity({ registry, discriminatorColumn: 'kind' })
    class Animal {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry, discriminatorValue: 'dog' })
    class Dog extends Animal {}
    @Entity({ registry, discriminatorValue: 'dog' })
    class Wolf extends Animal {}
    @Entity({ registry, table: 'cats' })
    class Cat extends Animal {}
    expect(problem(registry)).toBe(
      [
        "3 mapping problems in registry 'sti':",
        "  - Cat: a single-table subclass lives in Animal's table; remove `table` and `schema` from its @Entity (one table per class is not supported).",
        "  - Cat: a single-table subclass of Animal needs its discriminator value: @Entity({ discriminatorValue: 'cat' }).",
        "  - Wolf: discriminator value 'dog' is already used by Dog; give each class its own value.",
      ].join('\n'),
    );
    void [Dog, Wolf, Cat];
  });

  test('a discriminator value on a class that extends no entity', () => {
    const registry = new Registry();
    @Entity({ registry, discriminatorValue: 'x' })
    class Alone {
      @PrimaryKey() id!: number;
    }
    expect(problem(registry)).toBe(
      'Alone: discriminatorValue is for single-table subclasses, but Alone extends no entity. Extend the root entity, or declare discriminatorColumn here to make Alone a root.',
    );
    void Alone;
  });
});
