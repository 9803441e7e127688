import 'reflect-metadata';
import {
  AfterLoad, BeforeInsert, BeforeUpdate, Collection, Column, Entity, ManyToMany, ManyToOne, metadataOf, OneToMany, OneToOne,
  PreserveNamingStrategy, PrimaryKey, Registry, registryOf, SnakeCaseNamingStrategy, table, Unique, UpdatedAt, Version,
} from '@athanor/core';
import type { ColumnProperty, EntityMetadata, Ref, RelationProperty } from '@athanor/core';

/** The registry's configure step: forward references, import cycles, naming, registries, and the metadata it builds. */

function relation(meta: EntityMetadata, name: string): RelationProperty {
  const p = meta.properties.get(name);
  if (p?.kind !== 'relation') throw new Error(`${meta.name}.${name} is not a relationship`);
  return p;
}

function columnOf(meta: EntityMetadata, name: string): ColumnProperty {
  const p = meta.properties.get(name);
  if (p?.kind !== 'column') throw new Error(`${meta.name}.${name} is not a column`);
  return p;
}

describe('forward references and import cycles', () => {
  test('a relationship to a class declared further down the file', () => {
    const registry = new Registry();
    @Entity({ registry })
    class Post {
      @PrimaryKey() id!: number;
      @ManyToOne(() => Person) author!: Ref<Person>;
    }
    @Entity({ registry })
    class Person {
      @PrimaryKey() id!: number;
      @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
    }
    expect(relation(registry.get(Post), 'author').target).toBe(registry.get(Person));
    expect(relation(registry.get(Person), 'posts').target).toBe(registry.get(Post));
  });

  test.each([
    ['the author module first', './fixtures/circular-author', undefined],
    ['the article module first', './fixtures/circular-article', 'defined'],
  ])('two entity modules importing each other, loading %s', (_label, first, writerAtLoad) => {
    jest.isolateModules(() => {
      require(first);
      const { Writer } = require('./fixtures/circular-author') as typeof import('./fixtures/circular-author');
      const { Article } = require('./fixtures/circular-article') as typeof import('./fixtures/circular-article');
      const { circularRegistry } = require('./fixtures/circular-registry') as typeof import('./fixtures/circular-registry');
      const core = require('@athanor/core') as typeof import('@athanor/core');
      // Proof that the cycle happened: when the author module loads first, Article's module ran while Writer was still undefined.
      expect(Article.writerAtLoad === undefined ? undefined : 'defined').toBe(writerAtLoad);
      const article = circularRegistry.get(Article);
      const writer = circularRegistry.get(Writer);
      expect(relation(article, 'writer').target).toBe(writer);
      expect(relation(writer, 'articles').inverse).toBe(relation(article, 'writer'));
      expect([...core.table(Article).$columnsByKey.keys()]).toEqual(['id', 'title', 'writerId']);
    });
  });
});

describe('lazy configuration and lookups', () => {
  test('configure runs on first use; entities registered later are configured by the next lookup', () => {
    const registry = new Registry();
    @Entity({ registry })
    class A {
      @PrimaryKey() id!: number;
    }
    expect(registry.isConfigured).toBe(false);
    const a = table(A);
    expect(registry.isConfigured).toBe(true);
    @Entity({ registry })
    class B {
      @PrimaryKey() id!: number;
      @ManyToOne(() => A) a!: Ref<A>;
    }
    expect(registry.isConfigured).toBe(false);
    expect(relation(registry.get(B), 'a').target).toBe(registry.get(A));
    expect(table(A)).toBe(a);
    expect(registry.entities.map((m) => m.name)).toEqual(['A', 'B']);
  });

  test('metadataOf finds the registry of a class; table(Entity) is the metadata table', () => {
    const registry = new Registry({ name: 'lookup' });
    @Entity({ registry })
    class Thing {
      @PrimaryKey() id!: number;
    }
    expect(registryOf(Thing)).toBe(registry);
    expect(metadataOf(Thing)).toBe(registry.get(Thing));
    expect(table(Thing)).toBe(metadataOf(Thing).table);
    expect(registry.has(Thing)).toBe(true);
    expect(registry.find(class Other {})).toBeUndefined();
  });

  test('separate registries do not see each other', () => {
    const one = new Registry({ name: 'one' });
    const two = new Registry({ name: 'two' });
    @Entity({ registry: one, table: 'items' })
    class ItemOne {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry: two, table: 'items' })
    class ItemTwo {
      @PrimaryKey() id!: number;
      @Column() extra!: string;
    }
    expect(one.entities.map((m) => m.name)).toEqual(['ItemOne']);
    expect(two.entities.map((m) => m.name)).toEqual(['ItemTwo']);
    // The same table name in two registries is not a clash.
    expect(table(ItemOne).$name).toBe('items');
    expect(table(ItemTwo).$name).toBe('items');
    expect(() => one.get(ItemTwo)).toThrow("ItemTwo is an entity of registry 'two', not of 'one'.");
    expect(one.tables()).toEqual([table(ItemOne)]);
  });
});

describe('naming', () => {
  test('snake_case tables and columns by default, no plural', () => {
    const registry = new Registry();
    @Entity({ registry })
    class BlogPost {
      @PrimaryKey() id!: number;
      @Column() publishedAt!: Date;
      @ManyToOne(() => BlogPost, { nullable: true }) parentPost!: Ref<BlogPost> | null;
    }
    const meta = registry.get(BlogPost);
    expect(meta.tableName).toBe('blog_post');
    expect(meta.columns.map((c) => [c.name, c.column])).toEqual([
      ['id', 'id'],
      ['publishedAt', 'published_at'],
      ['parentPostId', 'parent_post_id'],
    ]);
  });

  test('a naming strategy given to the registry: plural tables, or names kept as written', () => {
    const plural = new Registry({ namingStrategy: new SnakeCaseNamingStrategy({ pluralTables: true }) });
    @Entity({ registry: plural })
    class Category {
      @PrimaryKey() id!: number;
      @ManyToMany(() => Category) relatedItems = new Collection<Category>(this);
    }
    expect(plural.get(Category).tableName).toBe('categories');
    expect(relation(plural.get(Category), 'relatedItems').joinTable!.table.$name).toBe('categories_related_items');
    expect(relation(plural.get(Category), 'relatedItems').joinTable!.targetColumns).toEqual(['related_item_id']);

    const preserve = new Registry();
    preserve.namingStrategy = new PreserveNamingStrategy();
    @Entity({ registry: preserve })
    class UserAccount {
      @PrimaryKey() id!: number;
      @Column() firstName!: string;
      @ManyToOne(() => UserAccount, { nullable: true }) invitedBy!: Ref<UserAccount> | null;
    }
    const meta = preserve.get(UserAccount);
    expect(meta.tableName).toBe('UserAccount');
    expect(meta.columns.map((c) => c.column)).toEqual(['id', 'firstName', 'invitedById']);
    expect(() => (preserve.namingStrategy = new SnakeCaseNamingStrategy())).toThrow('set the naming strategy before the registry is configured');
  });

  test('explicit names win over the strategy', () => {
    const registry = new Registry({ namingStrategy: new PreserveNamingStrategy() });
    @Entity({ registry, table: 'people' })
    class Person {
      @PrimaryKey({ name: 'person_id' }) id!: number;
      @Column({ name: 'given' }) firstName!: string;
    }
    expect(registry.get(Person).tableName).toBe('people');
    expect(registry.get(Person).columns.map((c) => c.column)).toEqual(['person_id', 'given']);
  });
});

describe('the metadata', () => {
  const registry = new Registry({ name: 'shape' });

  class Base {
    @PrimaryKey() id!: number;
    @UpdatedAt() updatedAt!: Date;
  }

  @Entity({ registry, table: 'users', schema: 'app' })
  class User extends Base {
    @Column({ length: 50 }) username!: string;
    @Version() version!: number;
    @OneToMany(() => Post, 'author', { loading: 'selectin', cascade: ['all', 'delete-orphan'], orderBy: { title: 'desc' } })
    posts = new Collection<Post>(this);
    @OneToOne(() => Profile, { mappedBy: (p) => p.user }) profile!: Ref<Profile> | null;
    @BeforeInsert() @BeforeUpdate() touch(): void {}
    @AfterLoad() loaded(): void {}
  }

  @Entity({ registry, schema: 'app' })
  class Post extends Base {
    @Column() title!: string;
    @ManyToOne(() => User) author!: Ref<User>;
    @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
  }

  @Entity({ registry, schema: 'app' })
  class Tag extends Base {
    @ManyToMany(() => Post, { mappedBy: 'tags', loading: 'raise' }) posts = new Collection<Post>(this);
  }

  @Entity({ registry, schema: 'app' })
  class Profile extends Base {
    @OneToOne(() => User) user!: Ref<User>;
  }

  test('a mapped base class (no @Entity) gives its columns to every entity extending it', () => {
    for (const cls of [User, Post, Tag, Profile]) {
      const meta = registry.get(cls);
      expect(meta.primaryKey.map((c) => c.name)).toEqual(['id']);
      expect(columnOf(meta, 'updatedAt').updatedAt).toBe(true);
    }
  });

  test('column properties', () => {
    const user = registry.get(User);
    expect(user.schema).toBe('app');
    expect(user.columns.map((c) => c.name)).toEqual(['id', 'updatedAt', 'username', 'version']);
    expect(user.version).toBe(columnOf(user, 'version'));
    expect(columnOf(user, 'version')).toMatchObject({ version: true, default: { value: 1 }, nullable: false, instance: true });
    expect(columnOf(user, 'id')).toMatchObject({ primary: true, autoIncrement: true, column: 'id', type: { kind: 'integer' } });
    expect(columnOf(user, 'username').type).toEqual({ kind: 'varchar', length: 50 });
    expect(Object.isFrozen(user)).toBe(true);
    expect(Object.isFrozen(columnOf(user, 'username'))).toBe(true);
  });

  test('relationship properties: sides, inverses, defaults and options', () => {
    const user = registry.get(User);
    const post = registry.get(Post);
    const posts = relation(user, 'posts');
    const author = relation(post, 'author');
    expect(posts).toMatchObject({ relation: 'oneToMany', owner: false, loading: 'selectin', nullable: false, orderBy: { title: 'desc' } });
    expect([...posts.cascade].sort()).toEqual(['delete', 'delete-orphan', 'expunge', 'merge', 'refresh', 'save']);
    expect(posts.inverse).toBe(author);
    expect(author.inverse).toBe(posts);
    expect(author).toMatchObject({ relation: 'manyToOne', owner: true, loading: 'lazy', nullable: false });
    expect([...author.cascade]).toEqual(['save']);
    expect(author.joinColumns).toEqual([columnOf(post, 'authorId')]);
    expect(columnOf(post, 'authorId')).toMatchObject({ column: 'author_id', foreignKeyOf: 'author', instance: false, index: true, nullable: false });
  });

  test('@Unique on a to-one relationship makes its foreign key unique (and drops the default index)', () => {
    const r = new Registry();
    @Entity({ registry: r })
    class Account {
      @PrimaryKey() id!: number;
    }
    @Entity({ registry: r })
    class Settings {
      @PrimaryKey() id!: number;
      @Unique() @ManyToOne(() => Account) account!: Ref<Account>;
    }
    expect(columnOf(r.get(Settings), 'accountId')).toMatchObject({ unique: true, index: false });
    expect(table(Settings).accountId.config).toMatchObject({ unique: true, index: undefined });
    void Account;
  });

  test('one-to-one: the owning side holds a unique foreign key, the inverse links back', () => {
    const profile = registry.get(Profile);
    const user = relation(profile, 'user');
    expect(user).toMatchObject({ relation: 'oneToOne', owner: true });
    expect(columnOf(profile, 'userId')).toMatchObject({ unique: true, index: false });
    expect(relation(registry.get(User), 'profile')).toMatchObject({ relation: 'oneToOne', owner: false, nullable: true, inverse: user });
  });

  test('many-to-many: the owning side declares the join table; the inverse sees it with the columns swapped', () => {
    const tags = relation(registry.get(Post), 'tags');
    const posts = relation(registry.get(Tag), 'posts');
    expect(tags.owner).toBe(true);
    expect(posts).toMatchObject({ owner: false, loading: 'raise', inverse: tags });
    expect(tags.joinTable!.table.$name).toBe('post_tags');
    expect(tags.joinTable!.table.$schema).toBe('app');
    expect(tags.joinTable).toMatchObject({ ownerColumns: ['post_id'], targetColumns: ['tag_id'] });
    expect(posts.joinTable).toMatchObject({ table: tags.joinTable!.table, ownerColumns: ['tag_id'], targetColumns: ['post_id'] });
    expect(registry.tables().map((t) => t.$name)).toEqual(['users', 'post', 'tag', 'profile', 'post_tags']);
  });

  test('lifecycle hooks by event, in declaration order', () => {
    const hooks = registry.get(User).hooks;
    expect(hooks.get('beforeInsert')).toEqual(['touch']);
    expect(hooks.get('beforeUpdate')).toEqual(['touch']);
    expect(hooks.get('afterLoad')).toEqual(['loaded']);
    expect(hooks.get('afterDelete')).toBeUndefined();
  });

  test('table(Entity) keys are property names; the foreign key of author is authorId', () => {
    const p = table(Post);
    expect([...p.$columnsByKey.keys()]).toEqual(['id', 'updatedAt', 'title', 'authorId']);
    expect(p.authorId.name).toBe('author_id');
    expect(p.$schema).toBe('app');
  });
});

describe('single-table inheritance', () => {
  const registry = new Registry();

  @Entity({ registry, discriminatorColumn: 'type' })
  abstract class Content {
    @PrimaryKey() id!: number;
    @Column() title!: string;
  }

  @Entity({ registry, discriminatorValue: 'article' })
  class Story extends Content {
    @Column({ type: 'text' }) body!: string;
  }

  @Entity({ registry, discriminatorValue: 'video' })
  class Video extends Content {
    @Column() seconds!: number;
  }

  @Entity({ registry, discriminatorValue: 'short' })
  class Short extends Video {
    @Column() vertical!: boolean;
  }

  test('every class of the hierarchy shares the root table and discriminator', () => {
    const root = registry.get(Content);
    const story = registry.get(Story);
    const short = registry.get(Short);
    for (const m of [story, registry.get(Video), short]) {
      expect(m.table).toBe(root.table);
      expect(m.tableName).toBe('content');
      expect(m.inheritance!.root).toBe(root);
      expect(m.inheritance!.discriminatorColumn).toBe(root.inheritance!.discriminatorColumn);
    }
    expect(root.inheritance).toMatchObject({ kind: 'single-table', value: undefined });
    expect(root.inheritance!.discriminatorColumn).toMatchObject({ name: 'type', column: 'type', instance: false, nullable: false });
    expect([...root.inheritance!.byValue].map(([v, m]) => [v, m.name])).toEqual([
      ['article', 'Story'],
      ['video', 'Video'],
      ['short', 'Short'],
    ]);
    expect(short.inheritance!.value).toBe('short');
  });

  test('each class sees its own columns; the table holds them all', () => {
    expect(registry.get(Story).columns.map((c) => c.name)).toEqual(['id', 'type', 'title', 'body']);
    expect(registry.get(Short).columns.map((c) => c.name)).toEqual(['id', 'type', 'title', 'seconds', 'vertical']);
    expect([...table(Content).$columnsByKey.keys()]).toEqual(['id', 'type', 'title', 'body', 'seconds', 'vertical']);
    expect(table(Content).$column('body').config.notNull).toBe(false);
    expect(columnOf(registry.get(Story), 'body').nullable).toBe(false);
  });
});
