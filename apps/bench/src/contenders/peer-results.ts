/**
 * What the peer ORMs' runs return, and how each reduces to the shared checks in checks.ts.
 * Every peer hands back its own entities; these functions only read the fields the checks
 * need, untimed, so the peers are compared on the same terms as raw and Athanor.
 */
import { n1Check, pkReadsCheck, postsCheck, w1Check, w3Check, w5Check } from '../checks';
import type { Inspection, Sizes } from '../model';

/** W1: generated user keys in creation order, and each new post's author key as seen after the write. */
export interface W1Outcome {
  readonly userIds: number[];
  readonly postAuthorIds: number[];
}

export function w1Inspector(sizes: Sizes): (o: W1Outcome) => Inspection {
  return (o) => w1Check(o.userIds, o.postAuthorIds, sizes.postsPerUser);
}

export function inspectPosts(rows: readonly { readonly views: number }[]): Inspection {
  let views = 0;
  for (const row of rows) views += row.views;
  return postsCheck(rows.length, views);
}

/** W3: users with their posts, however the ORM holds a collection (array or iterable). */
export function inspectUsersWithPosts(users: readonly { readonly posts: Iterable<{ readonly id: number }> }[]): Inspection {
  let posts = 0;
  let postIdSum = 0;
  for (const user of users) {
    for (const post of user.posts) {
      posts++;
      postIdSum += post.id;
    }
  }
  return w3Check(users.length, posts, postIdSum);
}

export interface PkReadsOutcome {
  found: number;
  idSum: number;
}

export const inspectPkReads = (o: PkReadsOutcome): Inspection => pkReadsCheck(o.found, o.idSum);

export interface ChangeOutcome {
  readonly loaded: number;
  readonly changed: number;
}

export const inspectW5 = (o: ChangeOutcome): Inspection => w5Check(o.loaded, o.changed);

export const inspectN1 = (o: ChangeOutcome): Inspection => n1Check(o.loaded, o.changed);

/**
 * Rows per multi-row INSERT (TypeORM, Drizzle): well under every database's bound-parameter
 * limit (SQLite's 32,766 is the lowest). 1,000–2,000 rows ran faster than ~8,000 for both
 * peers on SQLite and PostgreSQL (noisy, interleaved), and raw MariaDB uses 1,000 too.
 */
export function rowsPerInsert(columns: number): number {
  return Math.min(1_000, Math.floor(32_766 / columns));
}

/**
 * N1's run r (from 0): which held row changes (index in key order) and its new counter. Rows
 * far apart, values strictly rising, the same sequence as the raw and Athanor runs.
 */
export function n1Pick(run: number, rows: number): { index: number; counter: number } {
  return { index: (run * 7919) % rows, counter: run + 1 };
}

const NO_UNIT_OF_WORK =
  'no unit of work: it does not hold loaded objects nor find the changed one at flush, so N1 measures nothing it does';

/**
 * The workloads a peer ORM does not run, and why: the Core and pool workloads measure
 * Athanor's layers against the drivers; N1 needs a unit of work.
 */
export function peerNotApplicable(unitOfWork: boolean): Readonly<Record<string, string>> {
  const layers = 'Athanor Core against the raw driver (the peers race the ORM workloads)';
  const pool = "Athanor's pool against the drivers' pools";
  return {
    'W2-core': layers,
    'W4-core': layers,
    P1: pool,
    POOL: pool,
    ...(unitOfWork ? {} : { N1: NO_UNIT_OF_WORK }),
  };
}
