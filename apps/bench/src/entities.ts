/**
 * The ORM workloads' entities, mapped onto the tables schema.ts creates and dataset.ts fills
 * (`users`, `posts` with `author_id`, `n1_items`), in their own registry so nothing else the
 * process maps can change them. Relationships load lazily by default: each workload says how
 * it loads them (W3 `load: { posts: 'selectin' }`…), so W4's `get(User, id)` reads one row.
 */
import { Collection, Column, Entity, ManyToOne, OneToMany, PrimaryKey, Registry } from '@athanor/core';
import type { Ref } from '@athanor/core';

export const benchRegistry = new Registry({ name: 'athanor-bench' });

@Entity({ registry: benchRegistry, table: 'users' })
export class User {
  @PrimaryKey() id!: number;
  @Column({ length: 50, unique: true }) username!: string;
  @Column({ length: 100 }) email!: string;
  @Column({ type: 'integer', nullable: true }) age!: number | null;
  @OneToMany(() => Post, 'author') posts = new Collection<Post>(this);
}

@Entity({ registry: benchRegistry, table: 'posts' })
export class Post {
  @PrimaryKey() id!: number;
  @ManyToOne(() => User) author!: Ref<User>;
  @Column({ length: 200 }) title!: string;
  @Column({ type: 'text' }) body!: string;
  @Column({ type: 'integer' }) views!: number;
}

@Entity({ registry: benchRegistry, table: 'n1_items' })
export class N1Item {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) label!: string;
  @Column({ type: 'integer' }) counter!: number;
}

export const BENCH_ENTITIES = [User, Post, N1Item] as const;
