import { integer, MetaData, numeric, table, timestamp, varchar } from '@athanor/core';

/** The quickstart's two tables: customers, and the orders they place. */

export const customers = table('customers', {
  id: integer().primaryKey(),
  email: varchar(200).notNull().unique(),
  name: varchar(100).notNull(),
  country: varchar(2).notNull(),
  createdAt: timestamp().notNull().default(() => new Date()).named('created_at'),
});

export const orders = table('orders', {
  id: integer().primaryKey(),
  customerId: integer()
    .notNull()
    .references(() => customers.id, { onDelete: 'cascade' })
    .index()
    .named('customer_id'),
  /** Exact decimal, carried as a string ('19.99'). */
  total: numeric(10, 2).notNull(),
  placedAt: timestamp().notNull().default(() => new Date()).named('placed_at'),
});

/** createAll/dropAll order the tables by their foreign keys: customers before orders. */
export const metadata = new MetaData([customers, orders]);

export type NewCustomer = (typeof customers)['$inferInsert'];

export const SAMPLE_CUSTOMERS: readonly NewCustomer[] = [
  { email: 'ada@example.com', name: 'Ada Lovelace', country: 'GB' },
  { email: 'alan@example.com', name: 'Alan Turing', country: 'GB' },
  { email: 'grace@example.com', name: 'Grace Hopper', country: 'US' },
  { email: 'edsger@example.com', name: 'Edsger Dijkstra', country: 'NL' },
  { email: 'barbara@example.com', name: 'Barbara Liskov', country: 'US' },
  { email: 'linus@example.com', name: 'Linus Torvalds', country: 'FI' },
];

/**
 * Order totals per customer email. SQLite's SUM() adds decimals as floating point, so the
 * sample amounts are whole quarters, which binary floating point adds exactly.
 */
export const SAMPLE_ORDERS: Readonly<Record<string, readonly string[]>> = {
  'ada@example.com': ['120.00', '75.50', '310.25', '42.00'],
  'alan@example.com': ['19.75', '250.00', '89.50'],
  'grace@example.com': ['999.00', '15.00', '60.00', '5.25', '40.00'],
  'edsger@example.com': ['12.00', '30.00'],
  'barbara@example.com': ['450.00'],
  'linus@example.com': [],
};
