/**
 * MikroORM's entities for the bench tables, mapped onto the tables the runner creates (no
 * schema generation). Every property names its column type: union types such as
 * `number | null` carry no usable design-time metadata.
 */
import { Collection, Entity, ManyToOne, OneToMany, PrimaryKey, Property } from '@mikro-orm/core';

@Entity({ tableName: 'users' })
export class User {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @Property({ type: 'string', length: 50 })
  username!: string;

  @Property({ type: 'string', length: 100 })
  email!: string;

  @Property({ type: 'integer', nullable: true })
  age: number | null = null;

  @OneToMany(() => Post, (post) => post.author)
  posts = new Collection<Post>(this);
}

@Entity({ tableName: 'posts' })
export class Post {
  @PrimaryKey({ type: 'integer', autoincrement: true })
  id!: number;

  @ManyToOne(() => User, { fieldName: 'author_id' })
  author!: User;

  @Property({ type: 'string', length: 200 })
  title!: string;

  @Property({ type: 'text' })
  body!: string;

  @Property({ type: 'integer' })
  views!: number;
}

@Entity({ tableName: 'n1_items' })
export class N1Item {
  @PrimaryKey({ type: 'integer' })
  id!: number;

  @Property({ type: 'string', length: 50 })
  label!: string;

  @Property({ type: 'integer' })
  counter!: number;
}
