/**
 * W5: load all 10,000 users, change `age` on each (`w5NextAge`), persist once. Athanor: the
 * users as entities in one session, property writes, `commit()`. Raw: the same SELECT, then the
 * fastest write per driver: SQLite a prepared UPDATE per row in one transaction; PostgreSQL one
 * `UPDATE … FROM unnest($1::int[], $2::int[])`; MariaDB chunked multi-row
 * `INSERT … ON DUPLICATE KEY UPDATE age = VALUES(age)` in one transaction (every row exists, so
 * each one is an update; measured faster than chunked `UPDATE … SET age = CASE id WHEN ? THEN ?
 * … END WHERE id IN (…)` at 500 to 2,000 rows, and than 2,000 or 10,000 rows per statement).
 */
import { w5Check, w5NextAge } from '../checks';
import { benchEngine } from '../contenders/athanor';
import { User } from '../entities';
import type { Implementation, Inspection, Sizes, Workload } from '../model';
import { mysqlConnection, openSqlite, pgClient } from '../raw-drivers';

const ALL_USERS_SQL = 'SELECT id, username, email, age FROM users';

/** Rows per `INSERT … ON DUPLICATE KEY UPDATE` on MariaDB. */
export const MYSQL_UPDATE_CHUNK = 5_000;

interface Outcome {
  readonly loaded: number;
  readonly changed: number;
}

interface UserRow {
  readonly id: number;
  readonly username: string;
  readonly email: string;
  readonly age: number | null;
}

const inspect = (o: Outcome): Inspection => w5Check(o.loaded, o.changed);

const raw: Implementation = async ({ target, counter }) => {
  switch (target.id) {
    case 'sqlite': {
      const db = openSqlite(target);
      const all = db.prepare<[], UserRow>(ALL_USERS_SQL);
      const update = db.prepare<[number, number]>('UPDATE users SET age = ? WHERE id = ?');
      return {
        async run(): Promise<Outcome> {
          const users = all.all();
          let changed = 0;
          db.exec('BEGIN');
          try {
            for (const u of users) changed += update.run(w5NextAge(u.age), u.id).changes;
            db.exec('COMMIT');
          } catch (error) {
            db.exec('ROLLBACK');
            throw error;
          }
          counter.add(3 + users.length);
          return { loaded: users.length, changed };
        },
        inspect,
        teardown: async () => void db.close(),
      };
    }
    case 'postgres': {
      const client = await pgClient(target);
      return {
        async run(): Promise<Outcome> {
          const { rows: users } = await client.query<UserRow>(ALL_USERS_SQL);
          const ids = new Array<number>(users.length);
          const ages = new Array<number>(users.length);
          for (let i = 0; i < users.length; i++) {
            ids[i] = users[i]!.id;
            ages[i] = w5NextAge(users[i]!.age);
          }
          const { rowCount } = await client.query(
            'UPDATE users SET age = v.age FROM unnest($1::int[], $2::int[]) AS v(id, age) WHERE users.id = v.id',
            [ids, ages],
          );
          counter.add(2);
          return { loaded: users.length, changed: rowCount ?? 0 };
        },
        inspect,
        teardown: () => client.end(),
      };
    }
    case 'mysql': {
      const conn = await mysqlConnection(target);
      return {
        async run(): Promise<Outcome> {
          const [rows] = await conn.query(ALL_USERS_SQL);
          const users = rows as UserRow[];
          let changed = 0;
          let statements = 3;
          await conn.query('BEGIN');
          try {
            for (let from = 0; from < users.length; from += MYSQL_UPDATE_CHUNK) {
              const chunk = users.slice(from, from + MYSQL_UPDATE_CHUNK);
              const params: (string | number)[] = [];
              for (const u of chunk) params.push(u.id, u.username, u.email, w5NextAge(u.age));
              const [result] = await conn.query(
                `INSERT INTO users (id, username, email, age) VALUES ${new Array<string>(chunk.length).fill('(?, ?, ?, ?)').join(', ')} ` +
                  'ON DUPLICATE KEY UPDATE age = VALUES(age)',
                params,
              );
              // MariaDB counts 2 affected rows for a row the statement updated (1 for an insert, none here).
              changed += (result as { affectedRows: number }).affectedRows / 2;
              statements++;
            }
            await conn.query('COMMIT');
          } catch (error) {
            await conn.query('ROLLBACK');
            throw error;
          }
          counter.add(statements);
          return { loaded: users.length, changed };
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
    async run(): Promise<Outcome> {
      const session = engine.session();
      try {
        const users = await session.find(User);
        let changed = 0;
        for (const user of users) {
          const next = w5NextAge(user.age);
          if (next !== user.age) changed++;
          user.age = next;
        }
        await session.commit();
        return { loaded: users.length, changed };
      } finally {
        await session.close();
      }
    },
    inspect,
    teardown: () => engine.dispose(),
  };
};

export const w5UpdateUsers: Workload = {
  id: 'W5',
  title: 'load 10,000 users, change one column on each, persist once',
  note: (db) => (db === 'mysql' ? `W5: raw MariaDB updates ${MYSQL_UPDATE_CHUNK} rows per INSERT … ON DUPLICATE KEY UPDATE.` : undefined),
  expectedStatements: (sizes: Sizes, db, contender) => {
    if (contender !== 'raw') return undefined;
    if (db === 'sqlite') return 3 + sizes.users;
    if (db === 'postgres') return 2;
    return 3 + Math.ceil(sizes.users / MYSQL_UPDATE_CHUNK);
  },
  implementations: { raw, athanor },
};
