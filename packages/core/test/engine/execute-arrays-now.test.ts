import { type Engine, UniqueViolationError } from '@athanor/core';
import type { CompiledQuery } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';

/**
 * `executeArraysNow`: a read answered in the same tick where the engine can (SQLite's
 * synchronous driver, nothing listening), else undefined having run nothing, so the caller
 * goes the async way. The ORM's key read relies on both halves.
 */
describeEachDialect('Engine.executeArraysNow', (ctx) => {
  let engine: Engine;
  const read = (sql: string, params: unknown[] = []): CompiledQuery => ({ sql, params, readOnly: true, columns: [{ key: 'id' }, { key: 'name', decode: (v) => String(v).toUpperCase() }] });

  beforeAll(async () => {
    engine = ctx.createEngine();
    const t = ctx.dialect.quoteIdentifier('ean_items');
    await engine.executeArrays({ sql: `CREATE TABLE ${t} (id INTEGER PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE)`, params: [] });
    await engine.executeArrays({ sql: `INSERT INTO ${t} (id, name) VALUES (1, 'ann'), (2, 'bob'), (3, 'cy')`, params: [] });
    // A connection in the pool, idle: the synchronous path needs one.
    await engine.executeArrays(read(`SELECT id, name FROM ${t}`));
  });

  const items = (): string => ctx.dialect.quoteIdentifier('ean_items');

  test('rows decoded by the columns on SQLite; undefined (and nothing run) on the asynchronous drivers', async () => {
    const rows = engine.executeArraysNow(read(`SELECT id, name FROM ${items()} ORDER BY id`));
    if (ctx.name === 'sqlite') expect(rows).toEqual([[1, 'ANN'], [2, 'BOB'], [3, 'CY']]);
    else expect(rows).toBeUndefined();
    expect(engine.stats().pool.checkedOut).toBe(0);
  });

  test('firstRowOnly: at most the first row', () => {
    const rows = engine.executeArraysNow(read(`SELECT id, name FROM ${items()} ORDER BY id`), true);
    const none = engine.executeArraysNow(read(`SELECT id, name FROM ${items()} WHERE id > 10`), true);
    if (ctx.name !== 'sqlite') return expect([rows, none]).toEqual([undefined, undefined]);
    expect(rows).toEqual([[1, 'ANN']]);
    expect(none).toEqual([]);
  });

  test('a failure throws the translated error and returns the connection', () => {
    const insert: CompiledQuery = { sql: `INSERT INTO ${items()} (id, name) VALUES (9, 'ann')`, params: [] };
    if (ctx.name !== 'sqlite') return expect(engine.executeArraysNow(insert)).toBeUndefined();
    expect(() => engine.executeArraysNow(insert)).toThrow(UniqueViolationError);
    expect(engine.stats().pool.checkedOut).toBe(0);
  });

  test('with a statement listener: undefined, so the listener sees the statement when it runs the async way', async () => {
    const seen: string[] = [];
    const listener = (e: { sql: string }): void => void seen.push(e.sql);
    engine.on('beforeExecute', listener);
    try {
      const sql = `SELECT id, name FROM ${items()} WHERE id = 2`;
      expect(engine.executeArraysNow(read(sql))).toBeUndefined();
      expect(seen).toEqual([]);
      expect(await engine.executeArrays(read(sql))).toEqual([[2, 'BOB']]);
      expect(seen).toEqual([sql]);
    } finally {
      engine.off('beforeExecute', listener);
    }
  });
});
