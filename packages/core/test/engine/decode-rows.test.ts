import type { ResultColumn } from '@athanor/core';
import { decodeRows } from '../../src/engine/array-results';

/**
 * `decodeRows`: the ORM's rows are decoded in place, column by column, by a function made once
 * per result-column list (see array-results.ts).
 */
describe('decodeRows', () => {
  it('decodes each column by its own decoder, in place, and never passes NULL to one', () => {
    const seen: unknown[] = [];
    const columns: readonly ResultColumn[] = [
      { key: 'id', decode: (v) => Number(v) },
      { key: 'name' },
      { key: 'flag', decode: (v) => (seen.push(v), v === 1) },
    ];
    const rows: unknown[][] = [
      ['7', 'a', 1],
      ['8', null, null],
      [null, 'c', 0],
    ];
    const out = decodeRows(rows, columns);
    expect(out).toBe(rows);
    expect(rows).toEqual([
      [7, 'a', true],
      [8, null, null],
      [null, 'c', false],
    ]);
    expect(seen).toEqual([1, 0]);
  });

  it('reuses the decoder of a column list and tells lists apart', () => {
    const upper: readonly ResultColumn[] = [{ key: 's', decode: (v) => String(v).toUpperCase() }];
    const length: readonly ResultColumn[] = [{ key: 's', decode: (v) => String(v).length }];
    expect(decodeRows([['ab']], upper)).toEqual([['AB']]);
    expect(decodeRows([['abc']], length)).toEqual([[3]]);
    expect(decodeRows([['cd'], ['e']], upper)).toEqual([['CD'], ['E']]);
  });

  it('leaves rows alone without columns, without decoders, or when there are none', () => {
    const rows = [[1, '2']];
    expect(decodeRows(rows, undefined)).toEqual([[1, '2']]);
    expect(decodeRows(rows, [{ key: 'a' }, { key: 'b' }])).toEqual([[1, '2']]);
    expect(decodeRows([], [{ key: 'a', decode: () => 'x' }])).toEqual([]);
  });

  it('raises what a decoder raises', () => {
    const columns: readonly ResultColumn[] = [{ key: 'j', decode: (v) => JSON.parse(String(v)) as unknown }];
    expect(() => decodeRows([['{bad']], columns)).toThrow(SyntaxError);
  });
});
