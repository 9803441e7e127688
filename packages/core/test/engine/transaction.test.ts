import {
  CommitOutcomeUnknownError,
  ConfigurationError,
  createEngine,
  DatabaseBusyError,
  type Engine,
  type RetryEvent,
  TransactionStateError,
  UniqueViolationError,
} from '@athanor/core';
import '@athanor/sqlite';
import { deferred, MemoryLogger, q, tempDir } from './helpers';
import { recordingSqlite } from './sqlite-support';

const count = async (engine: Engine, table = 't'): Promise<number> =>
  ((await engine.execute<{ n: number }>(q(`select count(*) as n from ${table}`)))[0]!).n;

describe('transactions on SQLite', () => {
  const tmp = tempDir('athanor-tx-');
  let engine: Engine;
  let statements: string[];
  beforeEach(async () => {
    engine = createEngine(`sqlite:${tmp.file(`t${Date.now()}${Math.random()}.db`)}`);
    await engine.execute(q('create table t (id integer primary key, v text unique)'));
    statements = [];
    engine.on('beforeExecute', (e) => statements.push(e.sql));
  });
  afterEach(() => engine.dispose());
  afterAll(() => tmp.cleanup());

  it('commits when the function resolves and returns its value', async () => {
    const result = await engine.transaction(async (tx) => {
      await tx.execute(q("insert into t (v) values ('a')"));
      return (await tx.execute<{ v: string }>(q('select v from t')))[0]!.v;
    });
    expect(result).toBe('a');
    expect(await count(engine)).toBe(1);
    expect(statements).toEqual(['BEGIN IMMEDIATE', "insert into t (v) values ('a')", 'select v from t', 'COMMIT', 'select count(*) as n from t']);
  });

  it('rolls back when the function throws and rethrows the same error', async () => {
    const boom = new Error('boom');
    await expect(
      engine.transaction(async (tx) => {
        await tx.execute(q("insert into t (v) values ('a')"));
        throw boom;
      }),
    ).rejects.toBe(boom);
    expect(await count(engine)).toBe(0);
    expect(statements.slice(0, 3)).toEqual(['BEGIN IMMEDIATE', "insert into t (v) values ('a')", 'ROLLBACK']);
    expect(engine.pool.status().checkedOut).toBe(0);
  });

  it('refuses a transaction object used after it ended', async () => {
    let leaked!: Parameters<Parameters<Engine['transaction']>[0]>[0];
    await engine.transaction(async (tx) => {
      leaked = tx;
    });
    expect(leaked.active).toBe(false);
    await expect(leaked.execute(q('select 1'))).rejects.toBeInstanceOf(TransactionStateError);
    await expect(leaked.execute(q('select 1'))).rejects.toThrow(/already been committed/);
    await expect(leaked.commit()).rejects.toBeInstanceOf(TransactionStateError);
    await expect(leaked.transaction(async () => 1)).rejects.toBeInstanceOf(TransactionStateError);
  });

  it('nests with savepoints: a failed inner block rolls back to its savepoint only', async () => {
    await engine.transaction(async (tx) => {
      await tx.execute(q("insert into t (v) values ('outer')"));
      await tx.transaction(async (inner) => {
        await inner.execute(q("insert into t (v) values ('kept')"));
      });
      const error = await tx
        .transaction(async (inner) => {
          expect(inner.depth).toBe(1);
          await inner.execute(q("insert into t (v) values ('lost')"));
          await inner.execute(q("insert into t (v) values ('outer')")); // unique violation
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      await tx.execute(q("insert into t (v) values ('after')"));
    });
    expect(await engine.execute(q('select v from t order by id'))).toEqual([{ v: 'outer' }, { v: 'kept' }, { v: 'after' }]);
    expect(statements).toEqual([
      'BEGIN IMMEDIATE',
      "insert into t (v) values ('outer')",
      'SAVEPOINT sp_1',
      "insert into t (v) values ('kept')",
      'RELEASE SAVEPOINT sp_1',
      'SAVEPOINT sp_2',
      "insert into t (v) values ('lost')",
      "insert into t (v) values ('outer')",
      'ROLLBACK TO SAVEPOINT sp_2',
      "insert into t (v) values ('after')",
      'COMMIT',
      'select v from t order by id',
    ]);
  });

  it('an outer rollback undoes released savepoints too', async () => {
    await engine
      .transaction(async (tx) => {
        await tx.transaction(async (inner) => {
          await inner.transaction(async (deeper) => {
            expect(deeper.depth).toBe(2);
            await deeper.execute(q("insert into t (v) values ('deep')"));
          });
        });
        throw new Error('outer fails');
      })
      .catch(() => undefined);
    expect(await count(engine)).toBe(0);
  });

  it('supports explicit begin/commit/rollback for callers that hold a connection', async () => {
    const conn = await engine.connect();
    const tx = await conn.begin();
    await tx.execute(q("insert into t (v) values ('a')"));
    const sp = await tx.begin();
    await sp.execute(q("insert into t (v) values ('b')"));
    await expect(tx.commit()).rejects.toThrow(/nested transaction is open/);
    await sp.rollback();
    await sp.rollback(); // a no-op once ended
    await tx.commit();
    await conn.release();
    expect(await engine.execute(q('select v from t'))).toEqual([{ v: 'a' }]);
  });

  it('rejects an isolation level the dialect does not support before connecting', async () => {
    const sqlite = recordingSqlite({ adapter: { isolationLevels: ['serializable'] } });
    const strict = createEngine(`sqlite:${tmp.file('iso.db')}`, { dialect: sqlite.dialect });
    const attempt = strict.transaction(async () => 1, { isolation: 'read committed' });
    await expect(attempt).rejects.toBeInstanceOf(ConfigurationError);
    await expect(strict.transaction(async () => 1, { isolation: 'read committed' })).rejects.toThrow(
      "Isolation level 'read committed' is not supported by sqlite; supported: 'serializable'",
    );
    expect(sqlite.connections).toHaveLength(0);
    expect(await strict.transaction(async () => 2, { isolation: 'serializable', readOnly: true })).toBe(2);
    await strict.dispose();
  });

  it('passes isolation and read-only to the dialect begin statements', async () => {
    const seen: unknown[] = [];
    const sqlite = recordingSqlite({
      beginStatements: (options) => {
        seen.push(options);
        return ['BEGIN DEFERRED'];
      },
    });
    const custom = createEngine(`sqlite:${tmp.file('begin.db')}`, { dialect: sqlite.dialect });
    await custom.transaction(async () => undefined, { isolation: 'serializable', readOnly: true });
    await custom.transaction(async () => undefined);
    expect(seen).toEqual([{ isolation: 'serializable', readOnly: true }, {}]);
    await custom.dispose();
  });

  it('nested transactions refuse outer-only options', async () => {
    await engine.transaction(async (tx) => {
      await expect(tx.transaction(async () => 1, { isolation: 'serializable' })).rejects.toBeInstanceOf(ConfigurationError);
      await expect(tx.transaction(async () => 1, { retry: true })).rejects.toBeInstanceOf(ConfigurationError);
    });
  });

  describe('on a dialect where a failed statement aborts the transaction', () => {
    // The engine's bookkeeping for PostgreSQL's behaviour, exercised on SQLite by setting the
    // capability flag; the network test file checks the real thing on PostgreSQL.
    let aborting: Engine;
    beforeEach(async () => {
      const sqlite = recordingSqlite({ abortsTransactionOnError: true });
      aborting = createEngine(`sqlite:${tmp.file(`abort${Date.now()}${Math.random()}.db`)}`, { dialect: sqlite.dialect });
      await aborting.execute(q('create table t (id integer primary key, v text unique)'));
      await aborting.execute(q("insert into t (v) values ('taken')"));
    });
    afterEach(() => aborting.dispose());

    it('refuses further statements until rollback, and will not commit', async () => {
      const error = await aborting
        .transaction(async (tx) => {
          await tx.execute(q("insert into t (v) values ('new')"));
          await tx.execute(q("insert into t (v) values ('taken')")).catch(() => undefined);
          await expect(tx.execute(q('select 1'))).rejects.toBeInstanceOf(TransactionStateError);
          // Swallowing the error and returning must not look like a commit.
        })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TransactionStateError);
      expect((error as Error).message).toMatch(/rolled back, not committed/);
      expect((error as Error).cause).toBeInstanceOf(UniqueViolationError);
      expect(await count(aborting)).toBe(1);
    });

    it('a savepoint rollback restores the transaction', async () => {
      await aborting.transaction(async (tx) => {
        await tx
          .transaction(async (sp) => sp.execute(q("insert into t (v) values ('taken')")))
          .catch(() => undefined);
        await tx.execute(q("insert into t (v) values ('fine')"));
      });
      expect(await count(aborting)).toBe(2);
    });
  });

  it('raises CommitOutcomeUnknownError when the connection is lost during COMMIT, and never retries it', async () => {
    const sqlite = recordingSqlite();
    const fragile = createEngine(`sqlite:${tmp.file('commit.db')}`, { dialect: sqlite.dialect });
    await fragile.execute(q('create table t (v text)'));
    let runs = 0;
    const error = await fragile
      .transaction(
        async (tx) => {
          runs++;
          await tx.execute(q("insert into t values ('x')"));
          sqlite.breakConnection(tx.connectionId); // the database goes away before COMMIT
        },
        { retry: { attempts: 5, baseMs: 1 } },
      )
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CommitOutcomeUnknownError);
    expect((error as CommitOutcomeUnknownError).sql).toBe('COMMIT');
    expect((error as Error).cause).toBeDefined();
    expect(runs).toBe(1);
    expect(fragile.pool.status()).toMatchObject({ checkedOut: 0, total: 0 });
    await fragile.dispose();
  });

  describe('retry', () => {
    const busyUrl = () => `sqlite:${tmp.file(`busy${Date.now()}${Math.random()}.db`)}?busy_timeout=0`;

    it('re-runs the whole function when the database is busy, and both transactions commit', async () => {
      const busy = createEngine(busyUrl(), { pool: { size: 2, maxOverflow: 0 }, logger: new MemoryLogger() });
      await busy.execute(q('create table t (v text)'));
      const retries: RetryEvent[] = [];
      const firstRetry = deferred();
      busy.on('retry', (e) => {
        retries.push(e);
        firstRetry.resolve();
      });
      const holder = busy.transaction(async (tx) => {
        await tx.execute(q("insert into t values ('holder')"));
        await firstRetry.promise; // keep the write lock until the other one has failed once
      });
      let runs = 0;
      const retried = busy.transaction(
        async (tx) => {
          runs++;
          await tx.execute(q("insert into t values ('retried')"));
        },
        { retry: { attempts: 20, baseMs: 5, maxMs: 20 } },
      );
      await Promise.all([holder, retried]);
      expect(runs).toBe(1); // BEGIN IMMEDIATE failed before fn ran; fn ran once it got the lock
      expect(retries.length).toBeGreaterThanOrEqual(1);
      expect(retries[0]!.attempt).toBe(1);
      expect(retries[0]!.error).toBeInstanceOf(DatabaseBusyError);
      expect((await busy.execute<{ v: string }>(q('select v from t order by v'))).map((r) => r.v)).toEqual(['holder', 'retried']);
      expect(busy.pool.status().checkedOut).toBe(0);
      await busy.dispose();
    });

    it('rolls the failed attempt back explicitly before running the function again', async () => {
      // Deferred BEGIN: the busy error comes from a statement inside the function. The lock
      // holder is a second engine on the same file, so every event seen here is the retrier's.
      const url = busyUrl();
      const sqlite = recordingSqlite({ beginStatements: () => ['BEGIN DEFERRED'] });
      const busy = createEngine(url, { dialect: sqlite.dialect, logger: new MemoryLogger() });
      const other = createEngine(url);
      await busy.execute(q('create table t (v text)'));
      const firstRetry = deferred();
      busy.on('retry', () => firstRetry.resolve());
      const seen: string[] = [];
      busy.on('beforeExecute', (e) => seen.push(e.sql));
      const holding = deferred();
      const holder = other.transaction(async (tx) => {
        await tx.execute(q("insert into t values ('holder')"));
        holding.resolve();
        await firstRetry.promise;
      });
      await holding.promise;
      seen.length = 0;
      let runs = 0;
      const retried = busy.transaction(
        async (tx) => {
          seen.push(`run ${++runs}`);
          await tx.execute(q('select count(*) from t'));
          await tx.execute(q("insert into t values ('retried')"));
        },
        { retry: { attempts: 20, baseMs: 5, maxMs: 20 } },
      );
      await Promise.all([holder, retried]);
      expect(runs).toBeGreaterThanOrEqual(2);
      expect(seen.slice(0, 6)).toEqual([
        'BEGIN DEFERRED',
        'run 1',
        'select count(*) from t',
        "insert into t values ('retried')",
        'ROLLBACK',
        'BEGIN DEFERRED',
      ]);
      expect(seen.slice(-4)).toEqual([`run ${runs}`, 'select count(*) from t', "insert into t values ('retried')", 'COMMIT']);
      expect(await count(busy)).toBe(2);
      await Promise.all([busy.dispose(), other.dispose()]);
    });

    it('gives up after the configured attempts with the last error', async () => {
      const busy = createEngine(busyUrl(), { pool: { size: 2, maxOverflow: 0 }, logger: new MemoryLogger() });
      await busy.execute(q('create table t (v text)'));
      const conn = await busy.connect();
      const lock = await conn.begin(); // holds the write lock throughout
      await lock.execute(q("insert into t values ('lock')"));
      const retries: number[] = [];
      busy.on('retry', (e) => retries.push(e.attempt));
      const error = await busy
        .transaction(async () => undefined, { retry: { attempts: 3, baseMs: 1, maxMs: 2 } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(DatabaseBusyError);
      expect(retries).toEqual([1, 2]);
      await lock.rollback();
      await conn.release();
      await busy.dispose();
    });

    it('never retries integrity errors', async () => {
      await engine.execute(q("insert into t (v) values ('dup')"));
      let runs = 0;
      const retries: number[] = [];
      engine.on('retry', (e) => retries.push(e.attempt));
      const error = await engine
        .transaction(
          async (tx) => {
            runs++;
            await tx.execute(q("insert into t (v) values ('dup')"));
          },
          { retry: true },
        )
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UniqueViolationError);
      expect(runs).toBe(1);
      expect(retries).toEqual([]);
    });

    it('never retries errors thrown by the application', async () => {
      let runs = 0;
      await expect(
        engine.transaction(
          async () => {
            runs++;
            throw new Error('app bug');
          },
          { retry: true },
        ),
      ).rejects.toThrow('app bug');
      expect(runs).toBe(1);
    });
  });
});
