import { arrayCopier, arrayFiller } from '../../src/runtime/array-literals';

/** runtime/array-literals.ts: arrays made by generated literals (a loop past 64 elements). */
describe('array literals', () => {
  test.each([0, 1, 5, 64, 65, 200])('arrayFiller, width %i: arrays of that length holding the value, a new one per call', (width) => {
    const fill = arrayFiller(width);
    const a = fill(undefined);
    const b = fill(7);
    expect(a).toHaveLength(width);
    expect(b).toEqual(new Array<number>(width).fill(7));
    expect(a.every((v) => v === undefined)).toBe(true);
    expect(fill(undefined)).not.toBe(a);
    if (width > 0) {
      a[0] = 'written';
      expect(fill(undefined)[0]).toBeUndefined();
    }
    expect(arrayFiller(width)).toBe(fill);
  });

  test.each([0, 1, 5, 64, 65, 200])('arrayCopier, width %i: the first elements of a longer array, copied into one of exactly that length', (width) => {
    const copy = arrayCopier(width);
    const source = Array.from({ length: width + 3 }, (_, i) => `v${i}`);
    const out = copy(source);
    expect(out).toEqual(source.slice(0, width));
    expect(out).not.toBe(source);
    expect(arrayCopier(width)).toBe(copy);
    expect(arrayCopier(width)).not.toBe(arrayFiller(width));
  });
});
