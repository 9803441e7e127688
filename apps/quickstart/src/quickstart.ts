import '@athanor/sqlite'; // registers the 'sqlite:' URL scheme
import {
  AthanorError,
  createEngine,
  desc,
  func,
  insert,
  select,
  UniqueViolationError,
} from '@athanor/core';
import type { Engine, StatementEvent } from '@athanor/core';
import { customers, metadata, orders, SAMPLE_CUSTOMERS, SAMPLE_ORDERS } from './schema';

/** Where the quickstart reports what it does; main.ts prints, the test stays quiet. */
export interface Reporter {
  step(title: string): void;
  sql(sql: string, params: readonly unknown[]): void;
  table(rows: readonly Record<string, unknown>[]): void;
  note(text: string): void;
}

export const silentReporter: Reporter = { step() {}, sql() {}, table() {}, note() {} };

export interface QuickstartOptions {
  /** Database URL (default: an in-memory SQLite database). */
  readonly url?: string;
  /** The analytics query lists customers with more than this many orders (default 2). */
  readonly minOrders?: number;
  readonly reporter?: Reporter;
}

export type TopCustomer = {
  name: string;
  email: string;
  orders: number;
  /** Exact decimal text, e.g. '547.75'. */
  spent: string | null;
};

export interface QuickstartResult {
  readonly customersInserted: number;
  readonly ordersInserted: number;
  readonly topCustomers: TopCustomer[];
  readonly afterUpsert: { email: string; name: string; country: string }[];
  readonly rollback: {
    /** The error that aborted the transaction. */
    readonly error: AthanorError;
    readonly before: { customers: number; orders: number };
    readonly after: { customers: number; orders: number };
  };
  /** Every SQL statement the quickstart ran, in order. */
  readonly statements: string[];
}

/** Row counts of both tables, in one statement. */
async function counts(engine: Engine): Promise<{ customers: number; orders: number }> {
  const [row] = await engine.execute(
    select({
      customers: select({ n: func.count() }).from(customers).scalar<number>(),
      orders: select({ n: func.count() }).from(orders).scalar<number>(),
    }),
  );
  return { customers: Number(row!.customers), orders: Number(row!.orders) };
}

/**
 * The quickstart, start to finish: schema, a batch insert, an analytics query, an upsert and a
 * transaction that fails half-way and leaves nothing behind.
 */
export async function run(options: QuickstartOptions = {}): Promise<QuickstartResult> {
  const report = options.reporter ?? silentReporter;
  const minOrders = options.minOrders ?? 2;
  const engine = createEngine(options.url ?? 'sqlite::memory:');
  const statements: string[] = [];
  engine.on('beforeExecute', (e: StatementEvent) => {
    statements.push(e.sql);
    report.sql(e.sql, e.params);
  });

  try {
    report.step('1. Create the tables (dropping leftovers of an earlier run)');
    await metadata.dropAll(engine, { ifExists: true });
    await metadata.createAll(engine);

    report.step('2. Insert sample data: one multi-row INSERT per table');
    const inserted = await engine.execute(insert(customers).values([...SAMPLE_CUSTOMERS]).returning(customers.id, customers.email));
    const idOf = new Map(inserted.map((c) => [c.email, c.id]));
    const orderRows = Object.entries(SAMPLE_ORDERS).flatMap(([email, totals]) =>
      totals.map((total) => ({ customerId: idOf.get(email)!, total })),
    );
    const { rowCount: ordersInserted } = await engine.run(insert(orders).values(orderRows));
    report.note(`${inserted.length} customers and ${ordersInserted} orders inserted.`);

    report.step(`3. Customers with more than ${minOrders} orders: orders placed and total spent`);
    const orderCount = func.count(orders.id);
    const spent = func.sum(orders.total);
    const topCustomers: TopCustomer[] = await engine.execute(
      select({ name: customers.name, email: customers.email, orders: orderCount, spent })
        .from(customers)
        .innerJoin(orders, orders.customerId.eq(customers.id))
        .groupBy(customers.id, customers.name, customers.email)
        .having(orderCount.gt(minOrders))
        .orderBy(desc(spent)),
    );
    report.table(topCustomers);

    report.step('4. Upsert: Ada changes her name and moves; Margaret is new');
    await engine.run(
      insert(customers)
        .values([
          { email: 'ada@example.com', name: 'Ada King', country: 'FR' },
          { email: 'margaret@example.com', name: 'Margaret Hamilton', country: 'US' },
        ])
        .onConflict(customers.email)
        .doUpdate(['name', 'country']),
    );
    const afterUpsert = await engine.execute(
      select(customers.email, customers.name, customers.country).from(customers).orderBy(customers.id),
    );
    report.table(afterUpsert);

    report.step('5. A transaction that fails half-way is rolled back');
    const before = await counts(engine);
    let failure: AthanorError | undefined;
    try {
      await engine.transaction(async (tx) => {
        // The first statement succeeds inside the transaction…
        await tx.execute(insert(orders).values({ customerId: idOf.get('linus@example.com')!, total: '1000.00' }));
        // …the second breaks the unique email, so the whole transaction is rolled back.
        await tx.execute(insert(customers).values({ email: 'grace@example.com', name: 'Not Grace', country: 'XX' }));
      });
    } catch (error) {
      if (!(error instanceof UniqueViolationError)) throw error;
      failure = error;
      report.note(`Rolled back after ${error.name} (driver code ${String(error.driverCode)}): ${error.message}`);
    }
    if (failure === undefined) throw new Error('The transaction was expected to fail with a unique violation, but it committed.');
    const after = await counts(engine);
    report.table([
      { table: 'customers', before: before.customers, after: after.customers },
      { table: 'orders', before: before.orders, after: after.orders },
    ]);
    report.note(
      before.customers === after.customers && before.orders === after.orders
        ? 'Nothing was written: the first insert was rolled back with the failed one.'
        : 'Unexpected: rows changed although the transaction failed.',
    );

    return {
      customersInserted: inserted.length,
      ordersInserted,
      topCustomers,
      afterUpsert,
      rollback: { error: failure, before, after },
      statements,
    };
  } finally {
    await engine.dispose();
  }
}
