/**
 * W4: 5,000 sequential primary-key reads of distinct, scattered keys as entities, through
 * `session.get(User, id)` with a fresh session every 100 reads (so the identity map never
 * answers: every read goes to the database). Raw: W4-core's one prepared statement.
 */
import { pkReadsCheck } from '../checks';
import { benchEngine } from '../contenders/athanor';
import { scatteredKeys } from '../dataset';
import { User } from '../entities';
import type { Implementation, Inspection, Workload } from '../model';
import { rawPkReads } from './w4-core-pk-reads';

interface Outcome {
  found: number;
  idSum: number;
}

const inspect = (o: Outcome): Inspection => pkReadsCheck(o.found, o.idSum);

const athanor: Implementation = async (ctx) => {
  const { sizes } = ctx;
  const keys = scatteredKeys(sizes.w4Reads, sizes.users);
  const engine = benchEngine(ctx);
  return {
    async run(): Promise<Outcome> {
      let found = 0;
      let idSum = 0;
      for (let start = 0; start < keys.length; start += sizes.w4SessionReads) {
        const session = engine.session();
        try {
          const end = Math.min(keys.length, start + sizes.w4SessionReads);
          for (let i = start; i < end; i++) {
            const user = await session.get(User, keys[i]!);
            if (user !== null) {
              found++;
              idSum += user.id;
            }
          }
        } finally {
          await session.close();
        }
      }
      return { found, idSum };
    },
    inspect,
    teardown: () => engine.dispose(),
  };
};

export const w4PkReads: Workload = {
  id: 'W4',
  title: '5,000 primary-key reads as entities (session.get, fresh session every 100)',
  expectedStatements: (sizes) => sizes.w4Reads,
  implementations: { raw: rawPkReads, athanor },
};
