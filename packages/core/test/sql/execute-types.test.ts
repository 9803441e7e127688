import {
  bigint, blob, boolean, CheckViolationError, DataError, date, deleteFrom, double, enumType, func, insert, integer, json, MetaData, numeric, real,
  select, smallint, table, text, time, timestamp, timestamptz, uuid, varchar,
} from '@athanor/core';
import type { AnyExpression, Engine } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';

/**
 * Every column type round-trips through a real table on every dialect: what goes in comes
 * back equal, with its JavaScript type, and NULL stays NULL in every column.
 */

const typed = table('typed', {
  id: integer().primaryKey({ autoIncrement: false }),
  flag: boolean(),
  small: smallint(),
  big: bigint(),
  bigText: bigint({ mode: 'string' }).named('big_text'),
  ratio: double(),
  half: real(),
  amount: numeric(12, 2),
  /** 18 significant digits: more than a double holds. */
  wide: numeric(18, 4),
  label: varchar(100),
  body: text(),
  day: date(),
  at: timestamp(),
  atTz: timestamptz().named('at_tz'),
  clock: time(),
  doc: json<unknown>(),
  bytes: blob(),
  key: uuid(),
  mood: enumType(['happy', 'sad', 'so-so'], 'mood_kind'),
});

type Typed = (typeof typed)['$inferSelect'];
type Column = Exclude<keyof Typed, 'id'>;

const NULL_ROW: Omit<Typed, 'id'> = {
  flag: null,
  small: null,
  big: null,
  bigText: null,
  ratio: null,
  half: null,
  amount: null,
  wide: null,
  label: null,
  body: null,
  day: null,
  at: null,
  atTz: null,
  clock: null,
  doc: null,
  bytes: null,
  key: null,
  mood: null,
};

/** Values per column; each is written in its own row and must read back equal. */
const CASES: { [K in Column]: readonly NonNullable<Typed[K]>[] } = {
  flag: [true, false],
  small: [32767, -32768, 0],
  big: [2n ** 63n - 1n, -(2n ** 63n), 2n ** 53n + 1n, 0n],
  bigText: ['9223372036854775807', '-9007199254740993'],
  ratio: [0.1 + 0.2, Math.PI, -1e300, 5e-324],
  half: [0.5, -1024.25],
  amount: ['12345678.90', '-0.05', '0.00', '9999999999.99'],
  wide: ['12345678901234.5678', '-99999999999999.9999', '0.0001'],
  label: ['héllo wörld', ''],
  body: ['a\nmulti-line\r\ntext\twith tabs'],
  day: ['2024-02-29', '1999-12-31', '1970-01-01'],
  at: [new Date('2024-03-10T01:02:03.456Z'), new Date('1999-12-31T23:59:59.999Z')],
  atTz: [new Date('2024-03-10T01:02:03.456Z'), new Date('1969-07-20T20:17:40.000Z')],
  clock: ['13:45:30.125', '08:00:00', '23:59:59.999'],
  doc: [{ a: 1, nested: { list: [1, 'two', null, true] }, text: 'quote " and ü' }, [1, 2, 3], 'just a string', 42, true],
  bytes: [Buffer.from([0, 1, 2, 0, 255, 0]), Buffer.alloc(0)],
  key: ['0f8fad5b-d9cb-469f-a165-70867728950e'],
  mood: ['happy', 'so-so'],
};

describeEachDialect('Core types round-trip', (ctx) => {
  let db: Engine;
  let nextId = 1;

  beforeAll(async () => {
    db = ctx.createEngine();
    await new MetaData([typed]).createAll(db);
  });

  beforeEach(async () => {
    await db.execute(deleteFrom(typed));
  });

  async function roundTrip<K extends Column>(column: K, value: Typed[K]): Promise<Typed[K]> {
    const id = nextId++;
    await db.execute(insert(typed).values({ id, [column]: value } as Typed));
    const [row] = await db.execute(select({ v: typed[column] }).from(typed).where(typed.id.eq(id)));
    return row!.v as Typed[K];
  }

  for (const column of Object.keys(CASES) as Column[]) {
    test(`${column}: ${CASES[column].length} values come back equal`, async () => {
      // SQLite's NUMERIC affinity keeps 15 significant digits: wider values are refused (tested
      // below); the 18-digit cases are for the databases with a true decimal type.
      const cases = ctx.name === 'sqlite' && column === 'wide' ? ['1234567890.1234', '-99999999999.9999', '0.0001'] : CASES[column];
      const back: unknown[] = [];
      for (const value of cases) back.push(await roundTrip(column, value as never));
      expect(back).toEqual(cases);
    });
  }

  test('a numeric value wider than SQLite keeps exactly is refused, not rounded', async () => {
    if (ctx.name !== 'sqlite') {
      expect(await roundTrip('wide', '-99999999999999.9999' as never)).toBe('-99999999999999.9999');
      return;
    }
    await expect(db.execute(insert(typed).values({ id: nextId++, wide: '-99999999999999.9999' } as Typed))).rejects.toThrow(
      /has 18 significant digits; SQLite stores numeric columns exactly only up to 15/,
    );
    await expect(db.execute(insert(typed).values({ id: nextId++, wide: '-99999999999999.9999' } as Typed))).rejects.toBeInstanceOf(DataError);
  });

  test('the JavaScript types: bigint, string decimals and dates, Date, Buffer, boolean', async () => {
    const id = nextId++;
    await db.execute(
      insert(typed).values({
        id, flag: true, big: 5n, bigText: '5', amount: '1.50', day: '2024-01-02', at: new Date(0), atTz: new Date(0),
        clock: '01:02:03.004', bytes: Buffer.from('hi'), doc: { ok: true },
      }),
    );
    const [row] = await db.execute(select(typed).where(typed.id.eq(id)));
    expect(typeof row!.flag).toBe('boolean');
    expect(typeof row!.big).toBe('bigint');
    expect(typeof row!.bigText).toBe('string');
    expect(typeof row!.amount).toBe('string');
    expect(typeof row!.day).toBe('string');
    expect(row!.at).toBeInstanceOf(Date);
    expect(row!.atTz).toBeInstanceOf(Date);
    expect(typeof row!.clock).toBe('string');
    expect(Buffer.isBuffer(row!.bytes)).toBe(true);
    expect(row!.doc).toEqual({ ok: true });
  });

  test('NULL in every column', async () => {
    const id = nextId++;
    await db.execute(insert(typed).values({ id, ...NULL_ROW }));
    const [row] = await db.execute(select(typed).where(typed.id.eq(id)));
    expect(row).toEqual({ id, ...NULL_ROW });
  });

  test('one row with every column set reads back whole', async () => {
    const id = nextId++;
    // `wide` is left to its own test above: one failure per defect.
    const full = Object.fromEntries(Object.entries(CASES).map(([k, values]) => [k, k === 'wide' ? null : values[0]])) as Omit<Typed, 'id'>;
    await db.execute(insert(typed).values({ id, ...full }));
    const [row] = await db.execute(select(typed).where(typed.id.eq(id)));
    expect(row).toEqual({ id, ...full });
  });

  test('values compare in WHERE as their type: bigint beyond 2^53, dates, timestamps, booleans, uuid', async () => {
    await db.execute(
      insert(typed).values([
        { id: 1001, big: 2n ** 53n, day: '2024-01-01', at: new Date('2024-01-01T00:00:00.000Z'), flag: true, key: '00000000-0000-4000-8000-000000000001' },
        { id: 1002, big: 2n ** 53n + 1n, day: '2024-06-01', at: new Date('2024-06-01T12:00:00.001Z'), flag: false, key: '00000000-0000-4000-8000-000000000002' },
      ]),
    );
    const idsWhere = async (cond: AnyExpression<boolean>): Promise<number[]> =>
      (await db.execute(select(typed.id).from(typed).where(cond).orderBy(typed.id))).map((r) => r.id);
    expect(await idsWhere(typed.big.eq(2n ** 53n + 1n))).toEqual([1002]);
    expect(await idsWhere(typed.big.gt(2n ** 53n))).toEqual([1002]);
    expect(await idsWhere(typed.day.gte('2024-03-01'))).toEqual([1002]);
    expect(await idsWhere(typed.at.gt(new Date('2024-06-01T12:00:00.000Z')))).toEqual([1002]);
    expect(await idsWhere(typed.at.between(new Date('2023-12-31T23:59:59.999Z'), new Date('2024-01-01T00:00:00.000Z')))).toEqual([1001]);
    expect(await idsWhere(typed.flag.eq(false))).toEqual([1002]);
    expect(await idsWhere(typed.key.eq('00000000-0000-4000-8000-000000000001'))).toEqual([1001]);
    const [max] = await db.execute(select({ m: func.max(typed.big) }).from(typed));
    expect(max!.m).toBe(2n ** 53n + 1n);
  });

  test('an enum refuses a value outside its list', async () => {
    const bad = insert(typed).values({ id: nextId++, mood: 'angry' as 'happy' });
    const error = await db.execute(bad).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeDefined();
    expect(error instanceof CheckViolationError || error instanceof DataError).toBe(true);
  });
});
