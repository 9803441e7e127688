/**
 * Drizzle's table and relation definitions for the bench tables, one set per dialect (Drizzle
 * types tables by dialect). They describe the tables the runner creates; nothing here is
 * pushed or migrated.
 */
import { relations } from 'drizzle-orm';
import * as my from 'drizzle-orm/mysql-core';
import * as pg from 'drizzle-orm/pg-core';
import * as lite from 'drizzle-orm/sqlite-core';

export const sqliteUsers = lite.sqliteTable('users', {
  id: lite.integer('id').primaryKey(),
  username: lite.text('username').notNull(),
  email: lite.text('email').notNull(),
  age: lite.integer('age'),
});

export const sqlitePosts = lite.sqliteTable('posts', {
  id: lite.integer('id').primaryKey(),
  authorId: lite
    .integer('author_id')
    .notNull()
    .references(() => sqliteUsers.id),
  title: lite.text('title').notNull(),
  body: lite.text('body').notNull(),
  views: lite.integer('views').notNull(),
});

export const sqliteSchema = {
  users: sqliteUsers,
  posts: sqlitePosts,
  usersRelations: relations(sqliteUsers, ({ many }) => ({ posts: many(sqlitePosts) })),
  postsRelations: relations(sqlitePosts, ({ one }) => ({
    author: one(sqliteUsers, { fields: [sqlitePosts.authorId], references: [sqliteUsers.id] }),
  })),
};

export const pgUsers = pg.pgTable('users', {
  id: pg.integer('id').primaryKey().generatedByDefaultAsIdentity(),
  username: pg.varchar('username', { length: 50 }).notNull(),
  email: pg.varchar('email', { length: 100 }).notNull(),
  age: pg.integer('age'),
});

export const pgPosts = pg.pgTable('posts', {
  id: pg.integer('id').primaryKey().generatedByDefaultAsIdentity(),
  authorId: pg
    .integer('author_id')
    .notNull()
    .references(() => pgUsers.id),
  title: pg.varchar('title', { length: 200 }).notNull(),
  body: pg.text('body').notNull(),
  views: pg.integer('views').notNull(),
});

export const pgSchema = {
  users: pgUsers,
  posts: pgPosts,
  usersRelations: relations(pgUsers, ({ many }) => ({ posts: many(pgPosts) })),
  postsRelations: relations(pgPosts, ({ one }) => ({
    author: one(pgUsers, { fields: [pgPosts.authorId], references: [pgUsers.id] }),
  })),
};

export const mysqlUsers = my.mysqlTable('users', {
  id: my.int('id').primaryKey().autoincrement(),
  username: my.varchar('username', { length: 50 }).notNull(),
  email: my.varchar('email', { length: 100 }).notNull(),
  age: my.int('age'),
});

export const mysqlPosts = my.mysqlTable('posts', {
  id: my.int('id').primaryKey().autoincrement(),
  authorId: my
    .int('author_id')
    .notNull()
    .references(() => mysqlUsers.id),
  title: my.varchar('title', { length: 200 }).notNull(),
  body: my.text('body').notNull(),
  views: my.int('views').notNull(),
});

export const mysqlSchema = {
  users: mysqlUsers,
  posts: mysqlPosts,
  usersRelations: relations(mysqlUsers, ({ many }) => ({ posts: many(mysqlPosts) })),
  postsRelations: relations(mysqlPosts, ({ one }) => ({
    author: one(mysqlUsers, { fields: [mysqlPosts.authorId], references: [mysqlUsers.id] }),
  })),
};

/** A user row as every dialect's schema infers it. */
export interface DrizzleUser {
  id: number;
  username: string;
  email: string;
  age: number | null;
}

/** A post row as every dialect's schema infers it. */
export interface DrizzlePost {
  id: number;
  authorId: number;
  title: string;
  body: string;
  views: number;
}

export type NewUser = Omit<DrizzleUser, 'id'>;
export type NewPost = Omit<DrizzlePost, 'id'>;
