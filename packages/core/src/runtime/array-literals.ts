/**
 * Arrays made by an array literal instead of `new Array(n)`, for arrays made per object that
 * live as long as their object (a new entity's values; a new row's values at flush).
 *
 * Why: V8 records where array and object literals are allocated, and once nearly all the
 * arrays of one such site outlive a young-generation collection, it allocates that site's
 * next ones in the old generation directly (allocation-site pretenuring), so collections stop
 * copying them. `new Array(n)` is not followed that way. Measured on W1 (60k new objects kept
 * to the end): garbage collection 49–60 → 35–43 ms a run.
 */
type Filler = (value: unknown) => unknown[];

const fillers = new Map<number, Filler>();
/** Wider arrays are made by a loop (a literal's code grows with the width). */
const MAX_LITERAL_WIDTH = 64;

function loopFiller(width: number): Filler {
  return (value) => {
    const out = new Array<unknown>(width);
    for (let i = 0; i < width; i++) out[i] = value;
    return out;
  };
}

/**
 * A function making arrays of `width` elements, each `value` (pass undefined for an empty
 * one). The value is a parameter, not a constant: a literal of constants would share its
 * elements with the literal's template until the first write copies them.
 */
export function arrayFiller(width: number): Filler {
  let fill = fillers.get(width);
  if (fill === undefined) {
    fill = loopFiller(width);
    if (width <= MAX_LITERAL_WIDTH) {
      try {
        // eslint-disable-next-line @typescript-eslint/no-implied-eval
        fill = new Function('v', `return [${new Array<string>(width).fill('v').join(', ')}];`) as Filler;
      } catch {
        // A Content-Security-Policy without 'unsafe-eval': keep the loop.
      }
    }
    fillers.set(width, fill);
  }
  return fill;
}
