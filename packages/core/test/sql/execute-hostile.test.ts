import {
  DataError, deleteFrom, enumType, insert, integer, json, MetaData, select, sql, table, text, update, varchar,
} from '@athanor/core';
import type { Engine } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';

/**
 * Values that would break SQL built by string concatenation are stored and read back intact,
 * because every value is a bound parameter (and DDL literals are escaped per dialect).
 */

const HOSTILE: readonly string[] = [
  "it's",
  "''",
  'say "hi"',
  "'; DROP TABLE notes; --",
  "1' OR '1'='1",
  'a -- comment',
  '/* block */ */ /*',
  'back\\slash\\',
  "\\'; escaped quote",
  '\\\\ double \\n not a newline',
  'real\nnewline\r\nand\ttab',
  'semi;colons;;',
  '? $1 :name @p %s',
  '100% _under_ %',
  '`backticks` and [brackets]',
  'emoji 🧪🔥👩‍👩‍👧 and 漢字 and ü',
  '\u2028\u2029 line separators',
  '',
];

const notes = table('notes', {
  id: integer().primaryKey({ autoIncrement: false }),
  title: varchar(200),
  body: text(),
  doc: json<unknown>(),
  slug: varchar(50).unique(),
});

/** Identifiers that need quoting, and DDL literals (server default, enum values) that need escaping. */
const odd = table('odd "table" `name`; --', {
  id: integer().primaryKey({ autoIncrement: false }),
  value: varchar(100).named('select "value"; `x` --'),
  fallback: varchar(100).serverDefault(sql`${"O'Reilly \\ -- ; /*"}`).named('fall back'),
  mood: enumType(["it's", 'a\\b', 'plain']),
});

const BIG_UNIT = "ab'c\\d;-- é😀\n";

describeEachDialect('Core hostile input', (ctx) => {
  let db: Engine;

  beforeAll(async () => {
    db = ctx.createEngine();
    await new MetaData([notes, odd]).createAll(db);
  });

  beforeEach(async () => {
    await db.execute(deleteFrom(notes));
    await db.execute(deleteFrom(odd));
  });

  test('hostile strings are stored, read back and matched intact', async () => {
    await db.execute(insert(notes).values(HOSTILE.map((s, i) => ({ id: i + 1, title: s, body: s, doc: { s } }))));
    const rows = await db.execute(select(notes.title, notes.body, notes.doc).from(notes).orderBy(notes.id));
    expect(rows.map((r) => r.title)).toEqual(HOSTILE);
    expect(rows.map((r) => r.body)).toEqual(HOSTILE);
    expect(rows.map((r) => r.doc)).toEqual(HOSTILE.map((s) => ({ s })));
    // Equality on a bound hostile value finds exactly its row (and the table is still there).
    for (const [i, s] of HOSTILE.entries()) {
      const found = await db.execute(select(notes.id).from(notes).where(notes.body.eq(s)));
      expect({ s, ids: found.map((r) => r.id) }).toEqual({ s, ids: [i + 1] });
    }
  });

  test('hostile values in UPDATE … SET, IN lists and the sql template', async () => {
    await db.execute(insert(notes).values({ id: 1, title: 'x' }));
    const evil = "'); DELETE FROM notes; --";
    await db.execute(update(notes).set({ title: evil, body: sql`${evil}` }).where(notes.id.eq(1)));
    expect(await db.execute(select(notes.title, notes.body).from(notes))).toEqual([{ title: evil, body: evil }]);
    expect(await db.execute(select(notes.id).from(notes).where(notes.title.in([evil, "' OR 1=1 --"])))).toEqual([{ id: 1 }]);
    const raw = await db.execute(sql<{ id: unknown }>`SELECT ${notes.id} AS id FROM ${notes} WHERE ${notes.title} = ${evil}`);
    expect(raw.map((r) => Number(r.id))).toEqual([1]);
  });

  // The MySQL compiler creates tables with utf8mb4_bin, a PAD SPACE collation: 'a' = 'a ' there,
  // and a unique column refuses 'a ' next to 'a'. PostgreSQL and SQLite compare every character.
  test('trailing spaces are significant in comparisons and unique columns', async () => {
    await db.execute(insert(notes).values([{ id: 1, title: 'a' }, { id: 2, title: 'a ' }, { id: 3, title: '' }, { id: 4, title: ' ' }]));
    expect(await db.execute(select(notes.id).from(notes).where(notes.title.eq('a')))).toEqual([{ id: 1 }]);
    expect(await db.execute(select(notes.id).from(notes).where(notes.title.eq('')))).toEqual([{ id: 3 }]);
    await db.execute(insert(notes).values([{ id: 5, slug: 'k' }]));
    await db.execute(insert(notes).values([{ id: 6, slug: 'k ' }]));
    expect(await db.execute(select(notes.slug).from(notes).where(notes.slug.isNotNull()).orderBy(notes.id))).toEqual([{ slug: 'k' }, { slug: 'k ' }]);
  });

  test('a LIKE pattern is bound too: quotes inside it cannot end the string', async () => {
    await db.execute(insert(notes).values([{ id: 1, title: "O'Reilly" }, { id: 2, title: 'Other' }]));
    expect(await db.execute(select(notes.id).from(notes).where(notes.title.like("O'%")))).toEqual([{ id: 1 }]);
    expect(await db.execute(select(notes.id).from(notes).where(notes.title.like("%' OR '1'='1")))).toEqual([]);
  });

  test('NUL characters: stored where the database accepts them, a clear DataError where it does not', async () => {
    const withNul = 'before\u0000after';
    const attempt = db.execute(insert(notes).values({ id: 1, title: withNul, body: withNul }));
    if (ctx.name === 'postgres') {
      // PostgreSQL text cannot hold U+0000.
      await expect(attempt).rejects.toThrow(DataError);
      await expect(db.execute(insert(notes).values({ id: 2, body: withNul }))).rejects.toThrow(/0x00/);
      expect(await db.execute(select(notes.id).from(notes))).toEqual([]);
      return;
    }
    await attempt;
    expect(await db.execute(select(notes.title, notes.body).from(notes))).toEqual([{ title: withNul, body: withNul }]);
    expect(await db.execute(select(notes.id).from(notes).where(notes.body.eq(withNul)))).toEqual([{ id: 1 }]);
    expect(await db.execute(select(notes.id).from(notes).where(notes.body.eq('before')))).toEqual([]);
  });

  test('a 10 MB string is stored and read back intact', async () => {
    const big = BIG_UNIT.repeat(Math.ceil((10 * 1024 * 1024) / Buffer.byteLength(BIG_UNIT)));
    expect(Buffer.byteLength(big)).toBeGreaterThanOrEqual(10 * 1024 * 1024);
    await db.execute(insert(notes).values({ id: 1, body: big }));
    const [row] = await db.execute(select(notes.body).from(notes).where(notes.id.eq(1)));
    expect(row!.body!.length).toBe(big.length);
    expect(row!.body === big).toBe(true);
  }, 60_000);

  test('identifiers with quotes, backticks and comments are quoted; DDL literals are escaped', async () => {
    await db.execute(insert(odd).values([{ id: 1, value: "v'1", mood: "it's" }, { id: 2, value: '`v2`', fallback: 'set', mood: 'a\\b' }]));
    const rows = await db.execute(select(odd).orderBy(odd.id));
    expect(rows).toEqual([
      { id: 1, value: "v'1", fallback: "O'Reilly \\ -- ; /*", mood: "it's" },
      { id: 2, value: '`v2`', fallback: 'set', mood: 'a\\b' },
    ]);
    const byIdentifier = await db.execute(sql<{ n: unknown }>`SELECT count(*) AS n FROM ${sql.identifier(odd.$name)} WHERE ${odd.value} = ${'`v2`'}`);
    expect(Number(byIdentifier[0]!.n)).toBe(1);
  });
});
