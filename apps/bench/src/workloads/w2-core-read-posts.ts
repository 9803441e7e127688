/**
 * W2-core: read all 50,000 posts into row objects in one statement. Athanor Core runs
 * `select(posts)`; the raw drivers run the same SELECT and return their own row objects.
 */
import { select } from '@athanor/core';
import { postsCheck } from '../checks';
import { benchEngine } from '../contenders/athanor';
import type { Implementation, Inspection, Workload } from '../model';
import { mysqlConnection, openSqlite, pgClient } from '../raw-drivers';
import { posts, RAW_SQL } from '../schema';

type Row = { readonly id: number; readonly views: number };

/** Untimed: rows read and the sum of one column, which every contender must agree on. */
function inspect(rows: readonly Row[]): Inspection {
  let views = 0;
  for (const row of rows) views += row.views;
  return postsCheck(rows.length, views);
}

/** Also W2's raw contender: the ORM workload reads the same rows with the same statement. */
export const rawReadAllPosts: Implementation = async ({ target, counter }) => {
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      const stmt = db.prepare<[], Row>(RAW_SQL.allPosts);
      return {
        async run() {
          counter.add();
          return stmt.all();
        },
        inspect,
        teardown: async () => void db.close(),
      };
    }
    case 'postgres': {
      const client = await pgClient(target);
      return {
        async run() {
          counter.add();
          return (await client.query<Row>(RAW_SQL.allPosts)).rows;
        },
        inspect,
        teardown: () => client.end(),
      };
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      return {
        async run() {
          counter.add();
          const [rows] = await conn.query(RAW_SQL.allPosts);
          return rows as Row[];
        },
        inspect,
        teardown: () => conn.end(),
      };
    }
  }
};

const athanor: Implementation = async (ctx) => {
  const engine = benchEngine(ctx);
  return {
    run: () => engine.execute(select(posts)),
    inspect,
    teardown: () => engine.dispose(),
  };
};

export const w2CoreReadPosts: Workload = {
  id: 'W2-core',
  title: 'read all 50,000 posts into row objects (one statement)',
  expectedStatements: () => 1,
  implementations: { raw: rawReadAllPosts, athanor },
};
