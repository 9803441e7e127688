import { ConfigurationError } from '../errors/errors';
import type { ConnectionConfig } from './driver';

/** URL scheme spellings and the canonical scheme each one stands for. */
const SCHEME_ALIASES: Readonly<Record<string, string>> = {
  sqlite: 'sqlite',
  sqlite3: 'sqlite',
  postgres: 'postgres',
  postgresql: 'postgres',
  pg: 'postgres',
  mysql: 'mysql',
  // Its own scheme: MariaDB has RETURNING that MySQL lacks, so it gets its own dialect flavor.
  mariadb: 'mariadb',
};

/** The canonical scheme for a URL scheme; schemes we do not know map to themselves. */
export function canonicalScheme(scheme: string): string {
  const lower = scheme.toLowerCase();
  return SCHEME_ALIASES[lower] ?? lower;
}

const EXAMPLES =
  "examples: 'sqlite::memory:', 'sqlite:app.db', 'postgres://user:pass@localhost:5432/app', " +
  "'mysql://root@127.0.0.1:3306/app'";

/**
 * Parse a database URL into the settings a driver needs.
 *
 * SQLite takes a path rather than a host: `sqlite::memory:`, `sqlite:rel/app.db`,
 * `sqlite://rel/app.db`, `sqlite:///abs/app.db`, each optionally followed by `?key=value`.
 * Network databases use the usual `scheme://user:password@host:port/database?options`.
 */
export function parseUrl(url: string, extra: { connectTimeoutMs?: number } = {}): ConnectionConfig {
  if (typeof url !== 'string' || url.trim() === '') {
    throw new ConfigurationError(`A database URL is required (${EXAMPLES})`);
  }
  const colon = url.indexOf(':');
  if (colon <= 0 || !/^[a-zA-Z][a-zA-Z0-9+.-]*$/.test(url.slice(0, colon))) {
    throw new ConfigurationError(`Invalid database URL '${redactUrl(url)}': it has no scheme (${EXAMPLES})`);
  }
  const scheme = canonicalScheme(url.slice(0, colon));
  const base = extra.connectTimeoutMs !== undefined ? { connectTimeoutMs: extra.connectTimeoutMs } : {};
  if (scheme === 'sqlite') return { ...parseSqlite(url, url.slice(colon + 1)), ...base };
  return { ...parseNetworkUrl(url, scheme), ...base };
}

function parseSqlite(url: string, rest: string): ConnectionConfig {
  const q = rest.indexOf('?');
  let path = q >= 0 ? rest.slice(0, q) : rest;
  const options = q >= 0 ? parseQuery(rest.slice(q + 1)) : {};
  // 'sqlite://rel.db' is relative and 'sqlite:///abs.db' absolute (SQLAlchemy's convention).
  if (path.startsWith('//')) path = path.slice(2);
  path = safeDecode(url, path);
  if (path === '') {
    throw new ConfigurationError(
      `Invalid SQLite URL '${url}': no database file; use 'sqlite::memory:' or 'sqlite:path/to/app.db'`,
    );
  }
  return { url, scheme: 'sqlite', database: path, options };
}

function parseNetworkUrl(url: string, scheme: string): ConnectionConfig {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new ConfigurationError(`Invalid database URL '${redactUrl(url)}' (${EXAMPLES})`);
  }
  if (!url.slice(url.indexOf(':') + 1).startsWith('//')) {
    throw new ConfigurationError(
      `Invalid database URL '${redactUrl(url)}': expected '${scheme}://user:password@host:port/database'`,
    );
  }
  const config: {
    -readonly [K in keyof ConnectionConfig]: ConnectionConfig[K];
  } = { url, scheme, database: '', options: {} };
  // Brackets belong to the URL syntax of IPv6 hosts, not to the address the driver dials.
  const host = safeDecode(url, parsed.hostname.replace(/^\[(.*)\]$/, '$1'));
  if (host !== '') config.host = host;
  if (parsed.port !== '') config.port = Number(parsed.port);
  if (parsed.username !== '') config.user = safeDecode(url, parsed.username);
  if (parsed.password !== '') config.password = safeDecode(url, parsed.password);
  const database = safeDecode(url, parsed.pathname.replace(/^\//, ''));
  if (database.includes('/')) {
    throw new ConfigurationError(`Invalid database URL '${redactUrl(url)}': database name '${database}' contains '/'`);
  }
  config.database = database;
  config.options = parseQuery(parsed.search.replace(/^\?/, ''));
  return config;
}

function parseQuery(query: string): Record<string, string> {
  const options: Record<string, string> = {};
  for (const [key, value] of new URLSearchParams(query)) options[key] = value;
  return options;
}

function safeDecode(url: string, text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    throw new ConfigurationError(`Invalid database URL '${redactUrl(url)}': bad percent-encoding in '${text}'`);
  }
}

/** The URL with its password replaced, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^:/?#@]*:)[^@/?#]*@/, '$1***@');
}
