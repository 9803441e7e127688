import type { Contender } from '../../model';
import { peerNotApplicable } from '../peer-results';
import { mikroOrmImplementations } from './workloads';

/** MikroORM 6 (Data Mapper, unit of work, identity map per `em.fork()`). */
export const mikroOrm: Contender = {
  id: 'mikro-orm',
  label: 'MikroORM',
  implementations: mikroOrmImplementations,
  notApplicable: peerNotApplicable(true),
};
