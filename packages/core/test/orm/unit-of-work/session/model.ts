import 'reflect-metadata';
import { Collection, Column, Entity, ManyToMany, ManyToOne, OneToMany, OneToOne, PrimaryKey, Registry, Version } from '@athanor/core';
import type { Engine, EngineOptions, Ref } from '@athanor/core';
import { useTestEngine } from '@athanor/testing';
import type { DialectContext, TestEngine } from '@athanor/testing';

/**
 * The session-write tests' entities: authors own their posts (cascade all + delete-orphan),
 * posts own comments (cascade delete) and tags (many-to-many), teams keep members with the
 * default cascade (save only, nullable key), authors have at most one profile (a one-to-one
 * Profile owns, with a nullable key), and documents hold every kind of value the
 * accessors compare specially (JSON, Date, bytes, bigint).
 */
export const registry = new Registry({ name: 'session-write-tests' });

@Entity({ registry, table: 'authors' })
export class Author {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) name!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @Version() version!: number;
  @OneToMany(() => Post, 'author', { cascade: ['all', 'delete-orphan'] }) posts = new Collection<Post>(this);
  @OneToOne(() => Profile, { mappedBy: 'author' }) profile!: Ref<Profile> | null;
}

@Entity({ registry, table: 'profiles' })
export class Profile {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) bio!: string;
  @OneToOne(() => Author, { nullable: true }) author!: Ref<Author> | null;
}

@Entity({ registry, table: 'posts' })
export class Post {
  @PrimaryKey() id!: number;
  @Column({ length: 100, unique: true }) title!: string;
  @Column({ default: 0 }) views!: number;
  @ManyToOne(() => Author) author!: Ref<Author>;
  /** No cascade: an editor must be in the session already. */
  @ManyToOne(() => Author, { nullable: true, cascade: [] }) editor!: Ref<Author> | null;
  @OneToMany(() => Comment, 'post', { cascade: ['save', 'delete'] }) comments = new Collection<Comment>(this);
  @ManyToMany(() => Tag) tags = new Collection<Tag>(this);
}

@Entity({ registry, table: 'comments' })
export class Comment {
  @PrimaryKey() id!: number;
  @Column({ length: 100 }) body!: string;
  @ManyToOne(() => Post) post!: Ref<Post>;
}

@Entity({ registry, table: 'tags' })
export class Tag {
  @PrimaryKey() id!: number;
  @Column({ length: 30, unique: true }) name!: string;
  @ManyToMany(() => Post, { mappedBy: 'tags' }) posts = new Collection<Post>(this);
}

@Entity({ registry, table: 'teams' })
export class Team {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @OneToMany(() => Member, 'team') members = new Collection<Member>(this);
}

@Entity({ registry, table: 'members' })
export class Member {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @ManyToOne(() => Team, { nullable: true }) team!: Ref<Team> | null;
}

@Entity({ registry, table: 'documents' })
export class Doc {
  @PrimaryKey() id!: number;
  @Column({ type: 'json', nullable: true }) data!: Record<string, unknown> | null;
  @Column({ type: 'timestamp', nullable: true }) at!: Date | null;
  @Column({ type: 'blob', nullable: true }) bytes!: Buffer | null;
  @Column({ type: 'bigint', nullable: true }) big!: bigint | null;
  @Column({ length: 30, nullable: true, type: 'varchar' }) note!: string | null;
}

export const ENTITIES = [Author, Profile, Post, Comment, Tag, Team, Member, Doc];

/** Every row gone, children first. */
export async function emptyAll(engine: Engine): Promise<void> {
  const core = await import('@athanor/core');
  const postTags = registry.get(Post).relations.find((r) => r.name === 'tags')!.joinTable!.table;
  for (const t of [core.table(Comment), postTags, core.table(Post), core.table(Profile), core.table(Author), core.table(Tag), core.table(Member), core.table(Team), core.table(Doc)]) {
    await engine.execute(core.deleteFrom(t as import('@athanor/core').AnyTable));
  }
}

/** The block's engine with these tables, all emptied (and the recording cleared) before each test. */
export function useModel(ctx: DialectContext, engineOptions?: EngineOptions): TestEngine {
  return useTestEngine(ctx, { setUp: (engine) => engine.createAll(ENTITIES), reset: emptyAll, engineOptions });
}
