import { boolean, deleteFrom, enumType, insert, integer, MetaData, numeric, table, text, update, varchar } from '@athanor/core';
import type { AnyColumn, Engine } from '@athanor/core';

/**
 * Tables and seed rows shared by the execution tests (execute-*.test.ts). Every file creates
 * them once per dialect in its own isolated database and cleans rows between tests.
 */

export const customers = table('customers', {
  id: integer().primaryKey(),
  name: varchar(100).notNull(),
  email: varchar(100).unique(),
  city: varchar(50),
  active: boolean().notNull().default(true),
  referrerId: integer()
    // A self-reference: the annotation keeps TypeScript from inferring the table from itself.
    .references((): AnyColumn => customers.id)
    .named('referrer_id'),
});

export const orders = table('orders', {
  id: integer().primaryKey(),
  customerId: integer()
    .notNull()
    .references(() => customers.id, { onDelete: 'cascade' })
    .named('customer_id')
    .index(),
  total: numeric(10, 2).notNull(),
  status: enumType(['new', 'paid', 'shipped']).notNull().default('new'),
  note: text(),
});

export const shopMetadata = new MetaData([customers, orders]);

export const CUSTOMERS = [
  { id: 1, name: 'Ann', email: 'ann@x.com', city: 'Paris', active: true, referrerId: null },
  { id: 2, name: 'Bob', email: 'BOB@X.COM', city: 'Berlin', active: true, referrerId: 1 },
  { id: 3, name: 'Cid', email: null, city: 'Paris', active: false, referrerId: 1 },
  { id: 4, name: 'Dee', email: 'dee@x.com', city: null, active: true, referrerId: 2 },
  { id: 5, name: 'Eve', email: 'eve@x.com', city: 'Rome', active: true, referrerId: null },
] as const;

export const ORDERS = [
  { id: 10, customerId: 1, total: '100.00', status: 'paid', note: null },
  { id: 11, customerId: 1, total: '250.50', status: 'shipped', note: 'fragile' },
  { id: 12, customerId: 1, total: '20.00', status: 'new', note: null },
  { id: 13, customerId: 2, total: '75.25', status: 'paid', note: null },
  { id: 14, customerId: 2, total: '300.00', status: 'paid', note: 'gift' },
  { id: 15, customerId: 3, total: '5.00', status: 'new', note: null },
  { id: 16, customerId: 4, total: '60.00', status: 'shipped', note: null },
] as const;

/** Insert the seed rows: one multi-row INSERT per table. */
export async function seedShop(engine: Engine): Promise<void> {
  await engine.execute(insert(customers).values(CUSTOMERS.map((c) => ({ ...c }))));
  await engine.execute(insert(orders).values(ORDERS.map((o) => ({ ...o }))));
}

/** Delete every row, children first (MySQL checks the self-reference row by row). */
export async function clearShop(engine: Engine): Promise<void> {
  await engine.execute(deleteFrom(orders));
  await engine.execute(update(customers).set({ referrerId: null }));
  await engine.execute(deleteFrom(customers));
}
