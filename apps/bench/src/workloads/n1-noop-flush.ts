/**
 * N1: a flush costs what changed, not what the session holds. Setup (untimed) opens one
 * session and loads all 100,000 `n1_items` as entities; each run changes the `counter` of one
 * of them (a different one each run, to a value it never had) and commits. Raw: the one
 * UPDATE by key. Athanor's target: under 50 ms at 100,000 held objects.
 */
import { n1Check } from '../checks';
import { benchEngine } from '../contenders/athanor';
import { N1Item } from '../entities';
import type { Implementation, Inspection, Sizes, Workload } from '../model';
import { mysqlConnection, openSqlite, pgClient } from '../raw-drivers';

interface Outcome {
  readonly held: number;
  readonly changed: number;
}

const inspect = (o: Outcome): Inspection => n1Check(o.held, o.changed);

/** Run r's row (0-based index) and its new counter: rows far apart, values strictly rising. */
function pick(run: number, rows: number): { index: number; counter: number } {
  return { index: (run * 7919) % rows, counter: run + 1 };
}

const UPDATE_SQL = 'UPDATE n1_items SET counter = ? WHERE id = ?';

const raw: Implementation = async ({ target, sizes, counter }) => {
  const rows = sizes.n1Rows;
  let run = 0;
  const next = (): { id: number; value: number } => {
    const p = pick(run++, rows);
    return { id: p.index + 1, value: p.counter };
  };
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      const update = db.prepare<[number, number]>(UPDATE_SQL);
      return {
        async run(): Promise<Outcome> {
          const { id, value } = next();
          const { changes } = update.run(value, id);
          counter.add();
          return { held: rows, changed: changes };
        },
        inspect,
        teardown: async () => void db.close(),
      };
    }
    case 'postgres': {
      const client = await pgClient(target);
      return {
        async run(): Promise<Outcome> {
          const { id, value } = next();
          const { rowCount } = await client.query({ name: 'bench_n1_update', text: 'UPDATE n1_items SET counter = $1 WHERE id = $2', values: [value, id] });
          counter.add();
          return { held: rows, changed: rowCount ?? 0 };
        },
        inspect,
        teardown: () => client.end(),
      };
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      return {
        async run(): Promise<Outcome> {
          const { id, value } = next();
          const [result] = await conn.execute(UPDATE_SQL, [value, id]);
          counter.add();
          return { held: rows, changed: (result as { affectedRows: number }).affectedRows };
        },
        inspect,
        teardown: () => conn.end(),
      };
    }
  }
};

const athanor: Implementation = async (ctx) => {
  const engine = benchEngine(ctx);
  const session = engine.session();
  // Held here too: the identity map keeps unchanged objects weakly, the bench keeps them all alive.
  const items = await session.find(N1Item, { orderBy: { id: 'asc' } });
  await session.commit(); // ends the read's transaction, if any, so every run begins its own
  let run = 0;
  return {
    async run(): Promise<Outcome> {
      const p = pick(run++, items.length);
      items[p.index]!.counter = p.counter;
      const changed = session.dirty.length;
      await session.commit();
      return { held: items.length, changed };
    },
    inspect,
    teardown: async () => {
      await session.close();
      await engine.dispose();
    },
  };
};

export const n1NoopFlush: Workload = {
  id: 'N1',
  title: 'one change among 100,000 held objects, flush + commit',
  // Athanor: BEGIN, the UPDATE, COMMIT; raw: the UPDATE alone (autocommit).
  expectedStatements: (_sizes: Sizes, _db, contender) => (contender === 'raw' ? 1 : contender === 'athanor' ? 3 : undefined),
  implementations: { raw, athanor },
};
