/**
 * One long-lived instance of each kind of object made per row or per request: instance
 * states, entities, Refs, identity-map parts and sessions; a flush's context, records, steps
 * and outcome; transactions and connections; Core statements of the common shapes. Kept here,
 * below the engine and Core SQL, so every layer can use it.
 *
 * Why: V8 reaches the hidden class an object ends up with after its constructor (or its
 * hydration) through transitions it holds weakly, and optimized code embeds those classes
 * weakly. When every such object dies before a full collection (a benchmark that collects
 * between runs; a worker idle between requests), the classes die with them and every function
 * compiled against them is deoptimized, to be re-optimized on the next request: measured, the
 * ORM's key-read path then ran 5-10× slower for a while after each full GC (145 "weak
 * objects" deoptimizations in 30 runs, against none for the engine below it). Keeping one
 * small exemplar of each alive keeps the classes, and the optimized code, alive.
 */
const kept: object[] = [];

export function keepExemplar<T extends object>(exemplar: T): T {
  kept.push(exemplar);
  return exemplar;
}
