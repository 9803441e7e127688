import type { ResultColumn } from '@athanor/core';
import { decodeRows, rowDecoderOf } from '../../src/engine/array-results';

/**
 * `rowDecoderOf`: one row decoded in place by its result columns, for a caller that visits the
 * rows itself (the ORM's hydrator); the same result as `decodeRows` over the whole result.
 */
describe('rowDecoderOf', () => {
  const seen: unknown[] = [];
  const columns: readonly ResultColumn[] = [
    { key: 'id', decode: (v) => Number(v) },
    { key: 'name' },
    { key: 'flag', decode: (v) => (seen.push(v), v === 1) },
  ];

  it('decodes each column of a row in place and never passes NULL to a decoder', () => {
    const decode = rowDecoderOf(columns)!;
    const a: unknown[] = ['7', 'a', 1];
    const b: unknown[] = [null, null, null];
    const c: unknown[] = ['9', 'c', undefined];
    seen.length = 0;
    decode(a);
    decode(b);
    decode(c);
    expect([a, b, c]).toEqual([
      [7, 'a', true],
      [null, null, null],
      [9, 'c', undefined],
    ]);
    expect(seen).toEqual([1]);
  });

  it('agrees with decodeRows', () => {
    const rows = (): unknown[][] => [
      ['1', 'x', 0],
      ['2', null, 1],
    ];
    const byRow = rows();
    for (const r of byRow) rowDecoderOf(columns)!(r);
    expect(byRow).toEqual(decodeRows(rows(), columns));
  });

  it('is made once per column list, and is undefined when no column decodes', () => {
    expect(rowDecoderOf(columns)).toBe(rowDecoderOf(columns));
    expect(rowDecoderOf([{ key: 'a' }, { key: 'b' }])).toBeUndefined();
    expect(rowDecoderOf([])).toBeUndefined();
  });

  it('raises what a decoder raises', () => {
    const json: readonly ResultColumn[] = [{ key: 'j', decode: (v) => JSON.parse(String(v)) as unknown }];
    expect(() => rowDecoderOf(json)!(['{bad'])).toThrow(SyntaxError);
  });
});
