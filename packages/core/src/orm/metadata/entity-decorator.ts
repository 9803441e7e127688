import { MappingError } from '../../errors/errors';
import type { EntityOptions } from './decorator-options';
import type { EntityClass } from './entity-metadata';
import { defaultRegistry } from './registry';

/**
 * Map a class: `@Entity()` (table named by the naming strategy), `@Entity('users')`, or
 * `@Entity({ table, schema, registry, discriminatorColumn, discriminatorValue })`. Only records
 * the class in its registry; the registry configures and validates on first use.
 */
export function Entity(nameOrOptions?: string | EntityOptions): <C extends EntityClass>(target: C) => void {
  const options: EntityOptions = typeof nameOrOptions === 'string' ? { table: nameOrOptions } : (nameOrOptions ?? {});
  if (options.table !== undefined && (typeof options.table !== 'string' || options.table.length === 0)) {
    throw new MappingError(`@Entity: the table name must be a non-empty string; got ${JSON.stringify(options.table)}.`);
  }
  return (target) => (options.registry ?? defaultRegistry).register(target, options);
}
