import { createConnection } from 'mysql2';
import type { Connection, ConnectionOptions, FieldPacket, ResultSetHeader } from 'mysql2';
import type { ConnectionConfig, Driver, DriverConnection, DriverResult, DriverRowBatch } from '@athanor/core';
import { ConfigurationError } from '@athanor/core';
import { streamRows } from './mysql-stream';

let nextConnectionId = 1;

const CLOSE_TIMEOUT_MS = 2_000;
const MIN_SAFE = BigInt(Number.MIN_SAFE_INTEGER);
const MAX_SAFE = BigInt(Number.MAX_SAFE_INTEGER);
/**
 * Prepared statements are cached per connection by SQL text. The server caps them for all
 * sessions together (max_prepared_stmt_count, 16382 by default), so each connection keeps few.
 */
const MAX_PREPARED_STATEMENTS = 256;

export type MysqlFlavor = 'mysql' | 'mariadb';

function intOption(options: Readonly<Record<string, string>>, name: string): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigurationError(`MySQL URL option ${name}=${raw} must be a non-negative integer`);
  return value;
}

function sslOption(options: Readonly<Record<string, string>>): ConnectionOptions['ssl'] {
  const mode = (options['ssl-mode'] ?? options.sslmode ?? options.ssl)?.toLowerCase();
  if (mode === undefined || mode === 'disabled' || mode === 'false' || mode === '0') return undefined;
  if (mode === 'required' || mode === 'require' || mode === 'preferred') return { rejectUnauthorized: false };
  return {};
}

export function connectionOptions(config: ConnectionConfig): ConnectionOptions {
  const { options } = config;
  return {
    host: config.host ?? '127.0.0.1',
    port: config.port ?? 3306,
    user: config.user,
    password: config.password,
    database: config.database || undefined,
    connectTimeout: config.connectTimeoutMs ?? intOption(options, 'connect_timeout_ms') ?? 10_000,
    ssl: sslOption(options),
    // utf8mb4: four-byte characters (emoji) survive.
    charset: 'UTF8MB4_UNICODE_CI',
    rowsAsArray: true,
    // Exact values as strings; the codecs make bigints and decimals of them.
    supportBigNumbers: true,
    bigNumberStrings: true,
    // Temporal values as text, read by the codecs as UTC (the session time zone is UTC).
    dateStrings: true,
    timezone: 'Z',
    jsonStrings: true,
    multipleStatements: false,
    maxPreparedStatements: MAX_PREPARED_STATEMENTS,
  };
}

/** mysql2 refuses undefined; Uint8Arrays are sent as Buffers (binary, not text). */
function bindable(params: readonly unknown[]): unknown[] {
  const out = new Array<unknown>(params.length);
  for (let i = 0; i < params.length; i++) {
    const v = params[i];
    out[i] = v === undefined ? null : v instanceof Uint8Array && !Buffer.isBuffer(v) ? Buffer.from(v.buffer, v.byteOffset, v.byteLength) : v;
  }
  return out;
}

function insertIdOf(header: ResultSetHeader): number | bigint | undefined {
  const id = header.insertId as number | string;
  if (id === 0 || id === '0' || id === undefined) return undefined;
  if (typeof id === 'number') return id;
  const big = BigInt(id);
  return big >= MIN_SAFE && big <= MAX_SAFE ? Number(big) : big;
}

export class MysqlConnection implements DriverConnection {
  readonly id = nextConnectionId++;
  private readonly deadListeners: ((error: unknown) => void)[] = [];
  private deadError: unknown;
  private closing = false;

  constructor(
    /** The mysql2 connection, for tests and escape hatches. */
    readonly conn: Connection,
  ) {
    // Always listening: mysql2 emits 'error' on the connection when it dies while idle, and
    // an 'error' event without a listener would crash the process.
    conn.on('error', (error: unknown) => this.died(error));
    conn.on('end', () => this.died(Object.assign(new Error('Connection lost: the server closed the connection'), { code: 'PROTOCOL_CONNECTION_LOST' })));
  }

  /** The server's id for this session (what KILL takes). */
  get threadId(): number | null {
    return this.conn.threadId;
  }

  private died(error: unknown): void {
    if (this.closing || this.deadError !== undefined) return;
    this.deadError = error;
    for (const listener of this.deadListeners) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not become an unhandled error inside mysql2's event handler.
      }
    }
  }

  execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    return new Promise((resolve, reject) => {
      const done = (error: unknown, result: unknown, fields: FieldPacket[] | undefined): void => {
        if (error) return reject(error);
        if (Array.isArray(result)) {
          const columns = (fields ?? []).map((f) => f.name);
          return resolve({ rows: result as unknown[][], columns, rowCount: result.length });
        }
        const header = result as ResultSetHeader;
        const lastInsertId = insertIdOf(header);
        resolve(
          lastInsertId === undefined
            ? { rows: [], columns: [], rowCount: header.affectedRows }
            : { rows: [], columns: [], rowCount: header.affectedRows, lastInsertId },
        );
      };
      // Statements with parameters are prepared on the server and bound there (cached per
      // connection); without parameters, the text protocol saves the prepare round trip.
      if (params.length === 0) this.conn.query({ sql }, done);
      else this.conn.execute({ sql, values: bindable(params) }, done);
    });
  }

  async *stream(sql: string, params: readonly unknown[], batchSize: number): AsyncIterable<DriverRowBatch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer; got ${batchSize}`);
    // Issued on first iteration, like the other drivers: an unconsumed stream sends nothing.
    const command = params.length === 0 ? this.conn.query({ sql }) : this.conn.execute({ sql, values: bindable(params) });
    yield* streamRows(this.conn, command, batchSize);
  }

  ping(): Promise<void> {
    if (this.deadError !== undefined) return Promise.reject(this.deadError);
    return new Promise((resolve, reject) => this.conn.ping((error) => (error ? reject(error) : resolve())));
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    if (this.deadError !== undefined) {
      this.conn.destroy();
      return;
    }
    let timer: NodeJS.Timeout | undefined;
    const graceful = new Promise<boolean>((resolve) => this.conn.end((error) => resolve(!error)));
    const timeout = new Promise<boolean>((resolve) => {
      timer = setTimeout(() => resolve(false), CLOSE_TIMEOUT_MS);
      timer.unref();
    });
    const ok = await Promise.race([graceful, timeout]);
    clearTimeout(timer);
    if (!ok) this.conn.destroy();
  }

  onDead(listener: (error: unknown) => void): void {
    this.deadListeners.push(listener);
  }
}

function query(conn: Connection, sql: string): Promise<unknown[]> {
  return new Promise((resolve, reject) => conn.query({ sql }, (error, rows) => (error ? reject(error) : resolve(rows as unknown[]))));
}

/** 'x.y.z-MariaDB…' (or MySQL's 'x.y.z') → [x, y]. */
export function parseServerVersion(version: string): { mariadb: boolean; major: number; minor: number } {
  const mariadb = /mariadb/i.test(version);
  // MariaDB's handshake may prefix '5.5.5-'; VERSION() does not.
  const m = /(\d+)\.(\d+)\.\d+/.exec(version.replace(/^5\.5\.5-/, ''));
  return { mariadb, major: m ? Number(m[1]) : 0, minor: m ? Number(m[2]) : 0 };
}

/**
 * Opens mysql2 connections. URL options: `ssl-mode`/`sslmode`/`ssl`, `connect_timeout_ms`.
 * With the 'mariadb' flavor the server must be MariaDB 10.5+ (INSERT/DELETE … RETURNING).
 */
export class MysqlDriver implements Driver {
  private readonly options: ConnectionOptions;

  constructor(
    readonly config: ConnectionConfig,
    readonly flavor: MysqlFlavor = 'mysql',
  ) {
    this.options = connectionOptions(config);
  }

  async connect(): Promise<MysqlConnection> {
    const conn = createConnection(this.options);
    // Until MysqlConnection takes over, a failing socket must not emit an unhandled 'error'.
    const swallow = (): void => {};
    conn.on('error', swallow);
    try {
      await new Promise<void>((resolve, reject) => conn.connect((error) => (error ? reject(error) : resolve())));
      // DATETIME text is read and written as UTC; TIMESTAMP columns convert through this zone.
      await query(conn, "SET time_zone = '+00:00'");
      if (this.flavor === 'mariadb') await this.checkMariadb(conn);
    } catch (error) {
      conn.destroy();
      throw error;
    } finally {
      conn.removeListener('error', swallow);
    }
    return new MysqlConnection(conn);
  }

  private async checkMariadb(conn: Connection): Promise<void> {
    const [[version]] = (await query(conn, 'SELECT VERSION()')) as [[string]];
    const v = parseServerVersion(version);
    if (!v.mariadb || v.major < 10 || (v.major === 10 && v.minor < 5)) {
      throw new ConfigurationError(
        `The mariadb dialect needs MariaDB 10.5 or later (INSERT/DELETE … RETURNING); the server is ${version}. ` +
          'Use the mysql dialect (mysqlDialect) for MySQL or older MariaDB.',
      );
    }
  }
}
