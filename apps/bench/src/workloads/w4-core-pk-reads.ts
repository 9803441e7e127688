/**
 * W4-core: 5,000 sequential primary-key reads of distinct, scattered keys from the 10k-row
 * users table. Athanor Core builds and runs `select(users).where(users.id.eq(id))` per read
 * (the way its docs teach); the raw drivers run one prepared statement.
 */
import { select } from '@athanor/core';
import { pkReadsCheck } from '../checks';
import { benchEngine } from '../contenders/athanor';
import { scatteredKeys } from '../dataset';
import type { Implementation, Inspection, Sizes, Workload } from '../model';
import { mysqlConnection, openSqlite, pgClient } from '../raw-drivers';
import { pgPlaceholders, RAW_SQL, users } from '../schema';

export function readsFor(sizes: Sizes): number {
  return sizes.w4Reads;
}

interface Outcome {
  found: number;
  idSum: number;
}

const inspect = (o: Outcome): Inspection => pkReadsCheck(o.found, o.idSum);

/** Also W4's raw contender: the ORM workload reads the same keys with the same prepared statement. */
export const rawPkReads: Implementation = async ({ target, sizes, counter }) => {
  const keys = scatteredKeys(readsFor(sizes), sizes.users);
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      const stmt = db.prepare<[number], { id: number }>(RAW_SQL.userById);
      return {
        async run(): Promise<Outcome> {
          let found = 0;
          let idSum = 0;
          for (const id of keys) {
            const row = stmt.get(id);
            counter.add();
            if (row !== undefined) {
              found++;
              idSum += row.id;
            }
          }
          return { found, idSum };
        },
        inspect,
        teardown: async () => void db.close(),
      };
    }
    case 'postgres': {
      const client = await pgClient(target);
      const text = pgPlaceholders(RAW_SQL.userById);
      return {
        async run(): Promise<Outcome> {
          let found = 0;
          let idSum = 0;
          for (const id of keys) {
            const { rows } = await client.query<{ id: number }>({ name: 'bench_user_by_id', text, values: [id] });
            counter.add();
            if (rows.length > 0) {
              found++;
              idSum += rows[0]!.id;
            }
          }
          return { found, idSum };
        },
        inspect,
        teardown: () => client.end(),
      };
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      return {
        async run(): Promise<Outcome> {
          let found = 0;
          let idSum = 0;
          for (const id of keys) {
            const [rows] = await conn.execute(RAW_SQL.userById, [id]);
            counter.add();
            const list = rows as { id: number }[];
            if (list.length > 0) {
              found++;
              idSum += list[0]!.id;
            }
          }
          return { found, idSum };
        },
        inspect,
        teardown: () => conn.end(),
      };
    }
  }
};

const athanor: Implementation = async (ctx) => {
  const keys = scatteredKeys(readsFor(ctx.sizes), ctx.sizes.users);
  const engine = benchEngine(ctx);
  return {
    async run(): Promise<Outcome> {
      let found = 0;
      let idSum = 0;
      for (const id of keys) {
        const rows = await engine.execute(select(users).where(users.id.eq(id)));
        if (rows.length > 0) {
          found++;
          idSum += rows[0]!.id;
        }
      }
      return { found, idSum };
    },
    inspect,
    teardown: () => engine.dispose(),
  };
};

export const w4CorePkReads: Workload = {
  id: 'W4-core',
  title: '5,000 sequential primary-key reads (scattered keys, users table)',
  expectedStatements: (sizes) => readsFor(sizes),
  implementations: { raw: rawPkReads, athanor },
};
