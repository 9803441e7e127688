import {
  AthanorError, CheckViolationError, deleteFrom, ForeignKeyViolationError, insert, integer, IntegrityError, MetaData, NotNullViolationError,
  ProgrammingError, select, table, UniqueViolationError, update, varchar,
} from '@athanor/core';
import type { Compilable, Engine, ErrorEvent } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { clearShop, customers as c, orders as o, seedShop, shopMetadata } from './execute-schema';

/**
 * Integrity errors raise the same classes on every dialect, with the driver's code, the SQL
 * that failed and the driver's error as `cause`.
 */

const scores = table('scores', {
  id: integer().primaryKey({ autoIncrement: false }),
  points: integer()
    .notNull()
    .check((p) => p.gte(0), 'ck_scores_points'),
  player: varchar(20).notNull(),
});

/** The driver code each dialect reports, per kind of violation. */
const DRIVER_CODES: Record<string, { unique: unknown[]; foreignKey: unknown[]; notNull: unknown[] }> = {
  sqlite: {
    unique: ['SQLITE_CONSTRAINT_UNIQUE', 'SQLITE_CONSTRAINT_PRIMARYKEY'],
    foreignKey: ['SQLITE_CONSTRAINT_FOREIGNKEY'],
    notNull: ['SQLITE_CONSTRAINT_NOTNULL'],
  },
  postgres: { unique: ['23505'], foreignKey: ['23503'], notNull: ['23502'] },
  // errno or its symbolic name
  mysql: { unique: [1062, 'ER_DUP_ENTRY'], foreignKey: [1451, 1452, 'ER_ROW_IS_REFERENCED_2', 'ER_NO_REFERENCED_ROW_2'], notNull: [1048, 1364, 'ER_BAD_NULL_ERROR', 'ER_NO_DEFAULT_FOR_FIELD'] },
};

describeEachDialect('Core integrity errors', (ctx) => {
  let db: Engine;
  const errors: ErrorEvent[] = [];

  beforeAll(async () => {
    db = ctx.createEngine();
    await shopMetadata.createAll(db);
    await new MetaData([scores]).createAll(db);
    db.on('error', (e) => errors.push(e));
  });

  beforeEach(async () => {
    await clearShop(db);
    await db.execute(deleteFrom(scores));
    await seedShop(db);
    errors.length = 0;
  });

  /** Run a statement that must fail; return the error after checking what every error carries. */
  async function failure(stmt: Compilable<unknown>): Promise<AthanorError> {
    const expectedSql = stmt.compile(db.dialect).sql;
    const error = await db.execute(stmt).then(
      () => {
        throw new Error(`expected ${expectedSql} to fail`);
      },
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(AthanorError);
    const e = error as AthanorError;
    expect(e.sql).toBe(expectedSql);
    expect(e.params).toBeDefined();
    expect(e.driverCode).toBeDefined();
    expect(e.cause).toBeDefined();
    expect(e.toJSON()).toMatchObject({ name: e.name, code: e.code, sql: expectedSql });
    // the engine's error event saw the same error
    expect(errors.at(-1)?.error).toBe(e);
    return e;
  }

  test('a duplicate unique value raises UniqueViolationError', async () => {
    const e = await failure(insert(c).values({ id: 50, name: 'Copy', email: 'ann@x.com' }));
    expect(e).toBeInstanceOf(UniqueViolationError);
    expect(e).toBeInstanceOf(IntegrityError);
    expect(e.code).toBe('UNIQUE_VIOLATION');
    expect(DRIVER_CODES[ctx.name]!.unique).toContain(e.driverCode);
    expect(await db.execute(select(c.id).from(c).where(c.id.eq(50)))).toEqual([]);
  });

  test('a duplicate primary key raises UniqueViolationError', async () => {
    const e = await failure(insert(c).values({ id: 1, name: 'Again' }));
    expect(e).toBeInstanceOf(UniqueViolationError);
    expect(DRIVER_CODES[ctx.name]!.unique).toContain(e.driverCode);
  });

  test('an update onto an existing unique value raises UniqueViolationError', async () => {
    const e = await failure(update(c).set({ email: 'ann@x.com' }).where(c.id.eq(2)));
    expect(e).toBeInstanceOf(UniqueViolationError);
    expect(await db.execute(select(c.email).from(c).where(c.id.eq(2)))).toEqual([{ email: 'BOB@X.COM' }]);
  });

  test('a missing parent raises ForeignKeyViolationError', async () => {
    const e = await failure(insert(o).values({ id: 99, customerId: 999, total: '1.00' }));
    expect(e).toBeInstanceOf(ForeignKeyViolationError);
    expect(e).toBeInstanceOf(IntegrityError);
    expect(e.code).toBe('FOREIGN_KEY_VIOLATION');
    expect(DRIVER_CODES[ctx.name]!.foreignKey).toContain(e.driverCode);
  });

  test('deleting a referenced parent (no cascade) raises ForeignKeyViolationError', async () => {
    // Bob and Cid name Ann as their referrer.
    const e = await failure(deleteFrom(c).where(c.id.eq(1)));
    expect(e).toBeInstanceOf(ForeignKeyViolationError);
    expect(DRIVER_CODES[ctx.name]!.foreignKey).toContain(e.driverCode);
    expect(await db.execute(select(c.id).from(c).where(c.id.eq(1)))).toEqual([{ id: 1 }]);
  });

  test('NULL in a NOT NULL column raises NotNullViolationError: insert, multi-row insert, update', async () => {
    const single = await failure(insert(c).values({ id: 60, name: null as unknown as string }));
    expect(single).toBeInstanceOf(NotNullViolationError);
    expect(single).toBeInstanceOf(IntegrityError);
    expect(single.code).toBe('NOT_NULL_VIOLATION');
    expect(DRIVER_CODES[ctx.name]!.notNull).toContain(single.driverCode);

    const multi = await failure(
      insert(c).values([
        { id: 61, name: 'Fine' },
        { id: 62, name: null as unknown as string },
      ]),
    );
    expect(multi).toBeInstanceOf(NotNullViolationError);
    // the whole statement failed: not even the valid row is there
    expect(await db.execute(select(c.id).from(c).where(c.id.in([60, 61, 62])))).toEqual([]);

    const upd = await failure(update(c).set({ name: null as unknown as string }).where(c.id.eq(1)));
    expect(upd).toBeInstanceOf(NotNullViolationError);
    expect(await db.execute(select(c.name).from(c).where(c.id.eq(1)))).toEqual([{ name: 'Ann' }]);
  });

  test('a failed CHECK raises CheckViolationError', async () => {
    const e = await failure(insert(scores).values({ id: 1, points: -1, player: 'p' }));
    expect(e).toBeInstanceOf(CheckViolationError);
    expect(e).toBeInstanceOf(IntegrityError);
  });

  test('bad SQL raises ProgrammingError, not an integrity error', async () => {
    const missing = table('no_such_table', { id: integer().primaryKey() });
    const e = await failure(select(missing));
    expect(e).toBeInstanceOf(ProgrammingError);
    expect(e).not.toBeInstanceOf(IntegrityError);
  });

  test('parameters stay out of the message but are kept on the error', async () => {
    const secret = 'secret-value-123';
    const e = await failure(insert(c).values({ id: 1, name: secret }));
    expect(e.message).not.toContain(secret);
    expect(e.params).toContain(secret);
    expect(JSON.stringify(e.toJSON())).not.toContain(secret);
  });

  test('the engine keeps working after errors', async () => {
    for (let i = 0; i < 3; i++) await expect(db.execute(insert(c).values({ id: 1, name: 'dup' }))).rejects.toThrow(UniqueViolationError);
    await db.execute(insert(c).values({ id: 70, name: 'After' }));
    expect(await db.execute(select(c.name).from(c).where(c.id.eq(70)))).toEqual([{ name: 'After' }]);
  });
});
