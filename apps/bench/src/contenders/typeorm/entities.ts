/**
 * TypeORM's entities for the bench tables, mapped onto the tables the runner creates
 * (`synchronize` stays off). Column types are spelled out rather than read from
 * design-time metadata, which a `number | null` union does not carry.
 */
import { Column, Entity, JoinColumn, ManyToOne, OneToMany, PrimaryGeneratedColumn } from 'typeorm';

@Entity({ name: 'users' })
export class User {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  @Column({ type: 'varchar', length: 50 })
  username!: string;

  @Column({ type: 'varchar', length: 100 })
  email!: string;

  @Column({ type: 'integer', nullable: true })
  age!: number | null;

  @OneToMany(() => Post, (post) => post.author)
  posts?: Post[];
}

@Entity({ name: 'posts' })
export class Post {
  @PrimaryGeneratedColumn({ type: 'integer' })
  id!: number;

  /** The key itself, so writes need no User object and reads no join. */
  @Column({ type: 'integer', name: 'author_id' })
  authorId!: number;

  @ManyToOne(() => User, (user) => user.posts)
  @JoinColumn({ name: 'author_id' })
  author?: User;

  @Column({ type: 'varchar', length: 200 })
  title!: string;

  @Column({ type: 'text' })
  body!: string;

  @Column({ type: 'integer' })
  views!: number;
}
