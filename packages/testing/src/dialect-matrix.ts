import { createEngine, parseUrl } from '@athanor/core';
import type { ConnectionConfig, Dialect, DriverConnection, Engine, EngineOptions } from '@athanor/core';
import { mariadbDialect } from '@athanor/mysql';
import { postgresDialect } from '@athanor/postgres';
import { sqliteDialect } from '@athanor/sqlite';
import { createIsolatedDatabase } from './isolated-database';
import type { IsolatedDatabase } from './isolated-database';
import { DIALECT_NAMES, requireAll, STATUS_ENV } from './servers';
import type { DialectName, DialectStatus } from './servers';
import { StatementRecorder } from './statement-recorder';

/** The dialect object each matrix entry runs with. */
export const MATRIX_DIALECTS: Readonly<Record<DialectName, Dialect>> = {
  sqlite: sqliteDialect,
  postgres: postgresDialect,
  // The project's servers are MariaDB: test with its flavor (RETURNING on INSERT and DELETE).
  mysql: mariadbDialect,
};

/** What a test block gets: its dialect and a database of its own. */
export interface DialectContext {
  readonly name: DialectName;
  readonly dialect: Dialect;
  /** The isolated database's URL (inside hooks and tests, not while declaring them). */
  readonly url: string;
  /** `url` parsed, for driver-level tests. */
  readonly config: ConnectionConfig;
  /** An engine on the isolated database; disposed after the block. */
  createEngine(options?: EngineOptions): Engine;
  /** A raw driver connection to the isolated database; closed after the block. */
  connect(): Promise<DriverConnection>;
  /** Record the statements an engine sends; stopped after the block. */
  recordStatements(engine: Engine): StatementRecorder;
}

export interface MatrixOptions {
  /** Run on these dialects only. */
  readonly only?: readonly DialectName[];
  /** Time allowed to create and drop the isolated database. */
  readonly setupTimeoutMs?: number;
}

/**
 * The servers the global setup found (jest.config.js → global-setup.ts). Read synchronously:
 * jest declares tests synchronously. Without the global setup only SQLite runs.
 */
export function dialectStatusesSync(): DialectStatus[] {
  const recorded = process.env[STATUS_ENV];
  if (recorded) return JSON.parse(recorded) as DialectStatus[];
  const reason = `no probe ran (set globalSetup to @athanor/testing's global-setup in jest.config.js)`;
  return DIALECT_NAMES.map((name) =>
    name === 'sqlite' ? { name, available: true, url: 'sqlite::memory:' } : { name, available: false, url: '', reason },
  );
}

class MatrixContext implements DialectContext {
  private database: IsolatedDatabase | undefined;
  private readonly engines: Engine[] = [];
  private readonly connections: DriverConnection[] = [];
  private readonly recorders: StatementRecorder[] = [];

  constructor(
    readonly name: DialectName,
    readonly dialect: Dialect,
    private readonly status: DialectStatus,
  ) {}

  get url(): string {
    if (!this.database) {
      throw new Error('ctx.url is available inside beforeAll/beforeEach hooks and tests, not while tests are being declared.');
    }
    return this.database.url;
  }

  get config(): ConnectionConfig {
    return parseUrl(this.url);
  }

  createEngine(options: EngineOptions = {}): Engine {
    const engine = createEngine(this.url, { dialect: this.dialect, ...options });
    this.engines.push(engine);
    return engine;
  }

  async connect(): Promise<DriverConnection> {
    const connection = await this.dialect.createDriver(this.config).connect();
    this.connections.push(connection);
    return connection;
  }

  recordStatements(engine: Engine): StatementRecorder {
    const recorder = new StatementRecorder(engine);
    this.recorders.push(recorder);
    return recorder;
  }

  async setUp(): Promise<void> {
    this.database = await createIsolatedDatabase(this.status);
  }

  async tearDown(): Promise<void> {
    for (const recorder of this.recorders.splice(0)) recorder.stop();
    const closing = [
      ...this.engines.splice(0).map((e) => e.dispose()),
      ...this.connections.splice(0).map((c) => c.close()),
    ];
    const results = await Promise.allSettled(closing);
    await this.database?.drop();
    const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }
}

/**
 * Declare `fn`'s tests once per available dialect, each in a `describe` named
 * `title [dialect]` with a fresh isolated database. Unavailable servers show up as a skipped
 * test that says why; with ATHANOR_REQUIRE_ALL=1 they fail instead.
 *
 *     describeEachDialect('users', (ctx) => {
 *       let engine: Engine;
 *       beforeAll(() => { engine = ctx.createEngine(); });
 *       test('…', async () => { … });
 *     });
 */
export type MatrixAction = 'run' | 'skip' | 'fail';

/** What the matrix does with each dialect: run it, skip it (saying why), or fail (CI). */
export function planMatrix(
  statuses: readonly DialectStatus[],
  options: MatrixOptions = {},
  mustHaveAll = requireAll(),
): { status: DialectStatus; action: MatrixAction }[] {
  return statuses
    .filter((s) => !options.only || options.only.includes(s.name))
    .map((status) => ({ status, action: status.available ? 'run' : mustHaveAll ? 'fail' : 'skip' }));
}

export function describeEachDialect(title: string, fn: (ctx: DialectContext) => void, options: MatrixOptions = {}): void {
  const timeout = options.setupTimeoutMs ?? 60_000;
  for (const { status, action } of planMatrix(dialectStatusesSync(), options)) {
    describe(`${title} [${status.name}]`, () => {
      if (action === 'fail') {
        test(`${status.name} must be available (ATHANOR_REQUIRE_ALL)`, () => {
          throw new Error(`${status.name} did not answer at ${status.url}: ${status.reason}`);
        });
        return;
      }
      if (action === 'skip') {
        test.skip(`${status.name} skipped: ${status.reason}`, () => undefined);
        return;
      }
      const ctx = new MatrixContext(status.name, MATRIX_DIALECTS[status.name], status);
      beforeAll(() => ctx.setUp(), timeout);
      fn(ctx);
      // Declared after fn's hooks so that it runs after them: their afterAll may still use
      // the database (jest runs afterAll hooks in declaration order).
      afterAll(() => ctx.tearDown(), timeout);
    });
  }
}

/** The same for one dialect: driver-level tests of a single package. */
export function describeDialect(name: DialectName, title: string, fn: (ctx: DialectContext) => void, options: Omit<MatrixOptions, 'only'> = {}): void {
  describeEachDialect(title, fn, { ...options, only: [name] });
}
