import { Client } from 'pg';
import type { ClientConfig, QueryArrayResult } from 'pg';
import Cursor from 'pg-cursor';
import type { ConnectionConfig, Driver, DriverConnection, DriverResult, DriverRowBatch } from '@athanor/core';
import { ConfigurationError } from '@athanor/core';
import { athanorPgTypes } from './postgres-type-parsers';

let nextConnectionId = 1;

/** How long close() waits for a graceful goodbye before giving up on a dead socket. */
const CLOSE_TIMEOUT_MS = 2_000;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]*$/;

/** `?search_path=a,b` becomes a startup parameter, so every session starts in the right schema. */
function searchPathOption(value: string): string {
  const schemas = value.split(',').map((s) => s.trim());
  for (const schema of schemas) {
    if (!IDENTIFIER.test(schema)) {
      throw new ConfigurationError(`PostgreSQL URL option search_path: '${schema}' is not a plain schema name`);
    }
  }
  return `-c search_path=${schemas.join(',')}`;
}

function sslOption(options: Readonly<Record<string, string>>): ClientConfig['ssl'] {
  const mode = options.sslmode ?? options.ssl;
  if (mode === undefined || mode === 'disable' || mode === 'false' || mode === '0') return undefined;
  // 'require' encrypts without verifying the certificate, as libpq's sslmode=require does.
  if (mode === 'require' || mode === 'prefer' || mode === 'no-verify') return { rejectUnauthorized: false };
  return true;
}

function positiveInt(options: Readonly<Record<string, string>>, name: string): number | undefined {
  const raw = options[name];
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new ConfigurationError(`PostgreSQL URL option ${name}=${raw} must be a non-negative integer`);
  return value;
}

export function clientConfig(config: ConnectionConfig): ClientConfig {
  const { options } = config;
  const startup = [options.options, options.search_path !== undefined ? searchPathOption(options.search_path) : undefined]
    .filter((o): o is string => o !== undefined && o !== '')
    .join(' ');
  return {
    host: config.host ?? options.host,
    port: config.port,
    user: config.user,
    password: config.password,
    database: config.database || undefined,
    connectionTimeoutMillis: config.connectTimeoutMs ?? positiveInt(options, 'connect_timeout_ms') ?? 10_000,
    statement_timeout: positiveInt(options, 'statement_timeout'),
    application_name: options.application_name ?? 'athanor',
    ssl: sslOption(options),
    options: startup === '' ? undefined : startup,
    keepAlive: true,
    types: athanorPgTypes,
  };
}

const PREPARED_CAPACITY = 256;

export class PostgresConnection implements DriverConnection {
  readonly id = nextConnectionId++;
  private readonly deadListeners: ((error: unknown) => void)[] = [];
  private deadError: unknown;
  private closing = false;

  constructor(
    /** The pg Client, for tests and escape hatches. */
    readonly client: Client,
  ) {
    // Always listening: an 'error' event without a listener would crash the process, and
    // pg emits one when an idle connection's backend is terminated.
    client.on('error', (error) => this.died(error));
    client.on('end', () => this.died(new Error('Connection terminated')));
  }

  private died(error: unknown): void {
    if (this.closing || this.deadError !== undefined) return;
    this.deadError = error;
    for (const listener of this.deadListeners) {
      try {
        listener(error);
      } catch {
        // A listener's failure must not turn into an unhandled error in pg's event handler.
      }
    }
  }

  /**
   * Statements with parameters are prepared once per connection under a name, so the server
   * parses and plans them once (an unnamed statement costs a Parse every time: about twice the
   * round trip for a primary-key read). The first PREPARED_CAPACITY distinct texts get names;
   * later ones run unnamed rather than growing the server's memory without bound.
   */
  private readonly preparedNames = new Map<string, string>();

  private nameFor(sql: string, params: readonly unknown[]): string | undefined {
    if (params.length === 0) return undefined;
    let name = this.preparedNames.get(sql);
    if (name === undefined && this.preparedNames.size < PREPARED_CAPACITY) {
      name = `ath_${this.preparedNames.size + 1}`;
      this.preparedNames.set(sql, name);
    }
    return name || undefined;
  }

  async execute(sql: string, params: readonly unknown[]): Promise<DriverResult> {
    const name = this.nameFor(sql, params);
    let raw: QueryArrayResult | QueryArrayResult[];
    try {
      // Without parameters pg uses the simple protocol, which may run several statements and
      // answer with one result each; the last one is the statement's result.
      raw = (await this.client.query({ text: sql, values: params as unknown[], rowMode: 'array', name })) as QueryArrayResult | QueryArrayResult[];
    } catch (error) {
      // A table replaced under a prepared statement (DDL) changes its result type; PostgreSQL
      // then refuses the cached plan. Run it unnamed from now on.
      if (name === undefined || (error as { code?: string }).code !== '0A000') throw error;
      this.preparedNames.set(sql, '');
      raw = (await this.client.query({ text: sql, values: params as unknown[], rowMode: 'array' })) as QueryArrayResult | QueryArrayResult[];
    }
    const result = Array.isArray(raw) ? raw[raw.length - 1] : raw;
    if (result === undefined) return { rows: [], columns: [], rowCount: 0 };
    const columns = result.fields.map((f) => f.name);
    return { rows: result.rows, columns, rowCount: result.rowCount ?? result.rows.length };
  }

  async *stream(sql: string, params: readonly unknown[], batchSize: number): AsyncIterable<DriverRowBatch> {
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`batchSize must be a positive integer; got ${batchSize}`);
    const cursor = this.client.query(new Cursor<unknown[]>(sql, params as unknown[], { rowMode: 'array', types: athanorPgTypes }));
    // The callback form of read() also hands over the result, which knows the column names.
    const read = (): Promise<DriverRowBatch> =>
      new Promise((resolve, reject) => {
        cursor.read(batchSize, (error, rows, result) => {
          if (error) reject(error);
          else resolve(Object.assign(rows, { columns: (result?.fields ?? []).map((f) => f.name) }));
        });
      });
    try {
      for (;;) {
        const rows = await read();
        if (rows.length > 0) yield rows;
        if (rows.length < batchSize) break;
      }
    } finally {
      // Closing the portal lets the connection run the next statement; a dead one has nothing to close.
      if (this.deadError === undefined) await cursor.close();
    }
  }

  async ping(): Promise<void> {
    if (this.deadError !== undefined) throw this.deadError;
    await this.client.query('SELECT 1');
  }

  async close(): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
      timer.unref();
    });
    await Promise.race([this.client.end().catch(() => undefined), timeout]);
    clearTimeout(timer);
  }

  onDead(listener: (error: unknown) => void): void {
    this.deadListeners.push(listener);
  }
}

/**
 * Opens pg Clients. URL options: `search_path`, `sslmode` / `ssl`, `statement_timeout` (ms),
 * `connect_timeout_ms`, `application_name`, `options` (libpq startup options).
 */
export class PostgresDriver implements Driver {
  private readonly clientConfig: ClientConfig;

  constructor(readonly config: ConnectionConfig) {
    this.clientConfig = clientConfig(config);
  }

  async connect(): Promise<PostgresConnection> {
    const client = new Client(this.clientConfig);
    // Errors before connect() settles (a refused socket) must not go unhandled either.
    const swallow = (): void => {};
    client.on('error', swallow);
    try {
      await client.connect();
    } catch (error) {
      await client.end().catch(() => undefined);
      throw error;
    } finally {
      client.removeListener('error', swallow);
    }
    return new PostgresConnection(client);
  }
}
