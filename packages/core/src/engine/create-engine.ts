import { ConfigurationError } from '../errors/errors';
import { resolveDialect } from './dialect-registry';
import { Engine } from './engine';
import type { EngineOptions } from './engine-options';
import { parseUrl, redactUrl } from './url';

/**
 * An engine for a database URL: `sqlite::memory:`, `sqlite:app.db`, `postgres://…`,
 * `mysql://…` / `mariadb://…`. The dialect is `options.dialect`, else the one registered for
 * the scheme, else loaded from its package (@athanor/sqlite, @athanor/postgres, @athanor/mysql).
 */
export function createEngine(url: string, options: EngineOptions = {}): Engine {
  const config = parseUrl(url);
  const dialect = options.dialect ?? resolveDialect(config.scheme);
  const replicas = (options.replicas ?? []).map((replicaUrl) => {
    const replica = parseUrl(replicaUrl);
    if (replica.scheme !== config.scheme) {
      throw new ConfigurationError(
        `Replica '${redactUrl(replicaUrl)}' is a ${replica.scheme} URL but the primary is ${config.scheme}; ` +
          'replicas must be the same kind of database',
      );
    }
    return replica;
  });
  return new Engine(config, dialect, options, replicas);
}
