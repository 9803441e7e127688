/**
 * The one schema every workload uses (issue 7): users, and posts with a foreign key to users
 * and an index on it. Only integer and text types, so neither side pays for date or decimal
 * conversion and the numbers show the layers' own cost.
 */
import { integer, MetaData, table, text, varchar } from '@athanor/core';

export const users = table('users', {
  id: integer().primaryKey(),
  username: varchar(50).notNull().unique(),
  email: varchar(100).notNull(),
  age: integer(),
});

export const posts = table('posts', {
  id: integer().primaryKey(),
  authorId: integer()
    .notNull()
    .references(() => users.id, { onDelete: 'cascade' })
    .index()
    .named('author_id'),
  title: varchar(200).notNull(),
  body: text().notNull(),
  views: integer().notNull(),
});

/** N1 only: the 100,000 rows one session holds while a single one of them changes. */
export const n1Items = table('n1_items', {
  id: integer().primaryKey(),
  label: varchar(50).notNull(),
  counter: integer().notNull(),
});

export const metadata = new MetaData([users, posts, n1Items]);

/** The same reads written by hand for the raw drivers (`?` placeholders; pg gets `$1`). */
export const RAW_SQL = {
  userById: 'SELECT id, username, email, age FROM users WHERE id = ?',
  allPosts: 'SELECT id, author_id, title, body, views FROM posts',
} as const;

/** `?` → `$1, $2…` for pg. */
export function pgPlaceholders(sql: string): string {
  let i = 0;
  return sql.replace(/\?/g, () => `$${++i}`);
}
