import { ConfigurationError } from '../errors/errors';
import type { Dialect } from './driver';
import { canonicalScheme } from './url';

/**
 * Kept on a global symbol so that two copies of @athanor/core in one process (a hoisting
 * accident in node_modules) still see each other's registrations.
 */
const REGISTRY_KEY = Symbol.for('athanor.dialectRegistry');
type Registry = Map<string, Dialect>;

function registry(): Registry {
  const holder = globalThis as { [REGISTRY_KEY]?: Registry };
  return (holder[REGISTRY_KEY] ??= new Map());
}

/** Make a dialect available to `createEngine` under one or more URL schemes. */
export function registerDialect(schemes: string | readonly string[], dialect: Dialect): void {
  for (const scheme of typeof schemes === 'string' ? [schemes] : schemes) {
    registry().set(canonicalScheme(scheme), dialect);
  }
}

export function registeredDialect(scheme: string): Dialect | undefined {
  return registry().get(canonicalScheme(scheme));
}

/** The package (and its driver) that provides each built-in scheme. */
const PACKAGES: Readonly<Record<string, { readonly pkg: string; readonly driver: string }>> = {
  sqlite: { pkg: '@athanor/sqlite', driver: 'better-sqlite3' },
  postgres: { pkg: '@athanor/postgres', driver: 'pg' },
  mysql: { pkg: '@athanor/mysql', driver: 'mysql2' },
  mariadb: { pkg: '@athanor/mysql', driver: 'mysql2' },
};

/** Where to look for dialect packages: the application, not @athanor/core's own folder. */
export function defaultResolvePaths(): string[] {
  const paths = [process.cwd()];
  if (require.main?.paths) paths.push(...require.main.paths);
  return paths;
}

/**
 * The dialect for a scheme: registered already, or loaded from its package (which registers
 * itself on import). Core never imports dialect packages statically: they depend on core.
 */
export function resolveDialect(scheme: string, paths: readonly string[] = defaultResolvePaths()): Dialect {
  const canonical = canonicalScheme(scheme);
  const known = registeredDialect(canonical);
  if (known) return known;
  const source = PACKAGES[canonical];
  if (!source) {
    throw new ConfigurationError(
      `Unknown database URL scheme '${scheme}:'. Built in: sqlite:, postgres:, postgresql:, mysql:, mariadb:. ` +
        `For another database, register its dialect with registerDialect('${scheme}', dialect) ` +
        `or pass createEngine(url, { dialect }).`,
    );
  }
  const install = `npm install ${source.pkg} ${source.driver}`;
  let resolved: string;
  try {
    resolved = require.resolve(source.pkg, { paths: [...paths] });
  } catch (cause) {
    throw new ConfigurationError(
      `The '${canonical}' dialect is not installed: install ${source.pkg}: ${install}`,
      { cause },
    );
  }
  let exported: unknown;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    exported = require(resolved);
  } catch (cause) {
    throw new ConfigurationError(
      `${source.pkg} could not be loaded (${(cause as Error)?.message ?? cause}); ` +
        `is its driver installed? ${install}`,
      { cause },
    );
  }
  const dialect = registeredDialect(canonical) ?? findDialectExport(exported, canonical);
  if (!dialect) {
    throw new ConfigurationError(
      `${source.pkg} was loaded but registered no '${canonical}' dialect; ` +
        `pass it explicitly: createEngine(url, { dialect })`,
    );
  }
  registerDialect(canonical, dialect);
  return dialect;
}

function findDialectExport(exported: unknown, scheme: string): Dialect | undefined {
  if (exported === null || typeof exported !== 'object') return undefined;
  const record = exported as Record<string, unknown>;
  const candidates = [record[`${scheme}Dialect`], record.dialect, record.default, ...Object.values(record)];
  return candidates.find(isDialect);
}

function isDialect(value: unknown): value is Dialect {
  return (
    value !== null &&
    typeof value === 'object' &&
    typeof (value as Dialect).createDriver === 'function' &&
    typeof (value as Dialect).translateError === 'function'
  );
}
