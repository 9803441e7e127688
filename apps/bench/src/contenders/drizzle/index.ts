import type { Contender } from '../../model';
import { peerNotApplicable } from '../peer-results';
import { drizzleImplementations } from './workloads';

/** Drizzle ORM (typed SQL builder plus relational queries; no unit of work). */
export const drizzle: Contender = {
  id: 'drizzle',
  label: 'Drizzle ORM',
  implementations: drizzleImplementations,
  notApplicable: peerNotApplicable(false),
};
