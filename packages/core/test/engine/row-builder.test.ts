import type { CompiledQuery } from '@athanor/core';
import { buildBatch, buildRows, builderFor } from '../../src/engine/row-builder';

const result = (rows: unknown[][], columns: string[] = []) => ({ rows, columns, rowCount: rows.length });

describe('row builder', () => {
  it('keys rows by compiled columns and applies decoders, never to NULL', () => {
    const calls: unknown[] = [];
    const compiled: CompiledQuery = {
      sql: 'x',
      params: [],
      columns: [
        { key: 'id' },
        { key: 'active', decode: (v) => (calls.push(v), v === 1) },
      ],
    };
    const rows = buildRows(compiled, result([[1, 1], [2, 0], [3, null]], ['ignored', 'names']));
    expect(rows).toEqual([
      { id: 1, active: true },
      { id: 2, active: false },
      { id: 3, active: null },
    ]);
    expect(calls).toEqual([1, 0]);
  });

  it('falls back to the driver column names for raw SQL', () => {
    expect(buildRows({ sql: 'x', params: [] }, result([[1, 'a']], ['id', 'name']))).toEqual([{ id: 1, name: 'a' }]);
  });

  it('makes __proto__ and odd names ordinary own properties', () => {
    const [row] = buildRows({ sql: 'x', params: [] }, result([[1, 2, 3]], ['__proto__', 'a"b', 'constructor']));
    expect(Object.getPrototypeOf(row)).toBe(Object.prototype);
    expect(Object.keys(row!)).toEqual(['__proto__', 'a"b', 'constructor']);
    expect(row!['a"b']).toBe(2);
    expect(Object.getOwnPropertyDescriptor(row, '__proto__')?.value).toBe(1);
  });

  it('generates one builder per column list and reuses it', () => {
    const columns = [{ key: 'a' }];
    const a = builderFor({ sql: 'x', params: [], columns }, []);
    const b = builderFor({ sql: 'y', params: [], columns }, []);
    expect(a).toBe(b);
    expect(builderFor({ sql: 'x', params: [] }, ['p', 'q'])).toBe(builderFor({ sql: 'z', params: [] }, ['p', 'q']));
    expect(builderFor({ sql: 'x', params: [] }, ['p', 'q'])).not.toBe(builderFor({ sql: 'x', params: [] }, ['q', 'p']));
  });

  it('returns a fresh empty array for an empty result', () => {
    const a = buildRows({ sql: 'x', params: [] }, result([]));
    expect(a).toEqual([]);
    expect(a).not.toBe(buildRows({ sql: 'x', params: [] }, result([])));
  });

  it('refuses to stream raw SQL when nobody can name the columns', () => {
    expect(() => buildBatch({ sql: 'x', params: [] }, [[1]])).toThrow(/cannot name the columns/);
    const batch = Object.assign([[1]], { columns: ['n'] });
    expect(buildBatch({ sql: 'x', params: [] }, batch)).toEqual([{ n: 1 }]);
  });
});
