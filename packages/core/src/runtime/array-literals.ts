/**
 * Arrays made by an array literal generated per width instead of `new Array(n)`, for arrays
 * made per object or per row that live as long as it (a new entity's values; a new row's
 * values at flush; a driver row copied to its exact length).
 *
 * Why: V8 records where array and object literals are allocated, and once nearly all the
 * arrays of one such site outlive a young-generation collection, it allocates that site's
 * next ones in the old generation directly (allocation-site pretenuring), so collections stop
 * copying them. `new Array(n)` is not followed that way. Measured on W1 (60k new objects kept
 * to the end): garbage collection 49–60 → 35–43 ms a run. A literal is also faster than
 * `new Array(n)` filled by a loop, and than `slice()`, for a row copy.
 */
type ArrayMaker = (arg: unknown) => unknown[];

/** Wider arrays are made by a loop (a literal's code grows with the width). */
const MAX_LITERAL_WIDTH = 64;

/**
 * The maker of arrays of `width` elements, element i being the source text `element(i)` of
 * the argument `a`: a generated literal, or `loop` past MAX_LITERAL_WIDTH and where a
 * Content-Security-Policy forbids `new Function`. Cached in `cache` by width.
 */
function literalMaker(cache: Map<number, ArrayMaker>, width: number, element: (i: number) => string, loop: (width: number) => ArrayMaker): ArrayMaker {
  let make = cache.get(width);
  if (make === undefined) {
    make = loop(width);
    if (width <= MAX_LITERAL_WIDTH) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        make = new Function('a', `return [${Array.from({ length: width }, (_, i) => element(i)).join(', ')}];`) as ArrayMaker;
      } catch {
        // A Content-Security-Policy without 'unsafe-eval': keep the loop.
      }
    }
    cache.set(width, make);
  }
  return make;
}

const fillers = new Map<number, ArrayMaker>();
const copiers = new Map<number, ArrayMaker>();

/**
 * A function making arrays of `width` elements, each `value` (pass undefined for an empty
 * one). The value is a parameter, not a constant: a literal of constants would share its
 * elements with the literal's template until the first write copies them.
 */
export function arrayFiller(width: number): (value: unknown) => unknown[] {
  return literalMaker(fillers, width, () => 'a', (n) => (value) => new Array<unknown>(n).fill(value));
}

/** A function copying the first `width` elements of an array into a new array of exactly that length (for drivers). */
export function arrayCopier(width: number): (source: readonly unknown[]) => unknown[] {
  return literalMaker(copiers, width, (i) => `a[${i}]`, (n) => (source) => {
    const copy = new Array<unknown>(n);
    for (let i = 0; i < n; i++) copy[i] = (source as unknown[])[i];
    return copy;
  }) as (source: readonly unknown[]) => unknown[];
}
