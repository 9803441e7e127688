/**
 * Compile-time tests, checked by `pnpm typecheck` (never run): each @ts-expect-error line must
 * fail to type-check, and each assignment must compile.
 */
import { boolean, func, insert, integer, json, numeric, select, table, text, timestamp, update, varchar } from '@athanor/core';

const users = table('users', {
  id: integer().primaryKey(),
  username: varchar(50).notNull(),
  age: integer(),
  active: boolean().notNull().default(true),
  createdAt: timestamp().notNull().default(() => new Date()),
  balance: numeric(10, 2).notNull(),
  prefs: json<{ theme: string }>(),
  bio: text(),
});
const posts = table('posts', { id: integer().primaryKey(), authorId: integer().notNull(), title: varchar(200).notNull() });

type Exact<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
function assertType<T extends true>(_ok?: T): void {}

// Result rows are typed from the select list.
const counted = select({ name: users.username, posts: func.count(posts.id) }).from(users);
type CountedRow = NonNullable<(typeof counted)['__row']>;
assertType<Exact<CountedRow, { name: string; posts: number }>>();

const byColumns = select(users.id, users.age).from(users);
assertType<Exact<NonNullable<(typeof byColumns)['__row']>, { id: number; age: number | null }>>();

const whole = select(users);
type UserRow = NonNullable<(typeof whole)['__row']>;
assertType<Exact<UserRow['createdAt'], Date>>();
assertType<Exact<UserRow['balance'], string>>();
assertType<Exact<UserRow['prefs'], { theme: string } | null>>();

// Comparisons take the column's value type.
users.age.gt(25);
users.username.like('a%');
users.createdAt.gt(new Date());
// @ts-expect-error a string is not a number
users.age.gt('25');
// @ts-expect-error a number is not a Date
users.createdAt.gt(5);
// @ts-expect-error in() takes values of the column's type
users.id.in(['1']);
// @ts-expect-error no such column
users.nmae;

// Insert rows: required columns must be present, types must match.
insert(users).values({ username: 'jane', balance: '1.00' });
// @ts-expect-error username is required
insert(users).values({ balance: '1.00' });
// @ts-expect-error age is a number
insert(users).values({ username: 'x', balance: '1', age: 'old' });
// @ts-expect-error unknown column
insert(users).values({ username: 'x', balance: '1', nope: 1 });

// Update values are typed too.
update(users).set({ age: 3 });
update(users).set({ age: users.age.add(1) });
// @ts-expect-error a boolean column takes booleans
update(users).set({ active: 'yes' });

// Returning is typed from its selection.
const returned = insert(users).values({ username: 'x', balance: '1' }).returning(users.id);
assertType<Exact<NonNullable<(typeof returned)['__row']>, { id: number }>>();

// A union must line up row types.
const a = select({ id: users.id }).from(users);
const b = select({ id: posts.id }).from(posts);
a.union(b);
// @ts-expect-error row types differ
a.union(select({ title: posts.title }).from(posts));
