import type { Contender } from '../../model';
import { peerNotApplicable } from '../peer-results';
import { typeOrmImplementations } from './workloads';

/** TypeORM 0.3 (repositories; Data Mapper style without a unit of work over loaded entities). */
export const typeOrm: Contender = {
  id: 'typeorm',
  label: 'TypeORM',
  implementations: typeOrmImplementations,
  notApplicable: peerNotApplicable(false),
};
