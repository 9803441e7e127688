import type { EntityOptions } from '../decorator-options';
import type { EntityClass, EntityMetadata } from '../entity-metadata';
import type { NamingStrategy } from '../naming-strategy';
import { createDraft } from './drafts';
import type { ConfigureContext } from './drafts';
import { finalize } from './finalize';
import { linkInheritance } from './inheritance';
import { configureJoinTables } from './join-tables';
import { primaryKeyOf, resolveTargets } from './keys';
import { Problems } from './problems';
import { configureRelations } from './relations';
import { configureTables } from './tables';

export interface ConfigureInput {
  readonly registryName: string;
  readonly naming: NamingStrategy;
  /** Classes registered since the last configure, in registration order. */
  readonly pending: readonly (readonly [EntityClass, EntityOptions])[];
  readonly configured: ReadonlyMap<Function, EntityMetadata>;
  /** Table names in use (`schema.table` → user); updated on success. */
  readonly tableNames: Map<string, string>;
  readonly otherRegistryOf: (cls: Function) => string | undefined;
}

/**
 * Resolve and validate what the decorators recorded, phase by phase; a phase that finds
 * problems stops the run with one MappingError listing them all. Nothing is kept on failure.
 */
export function configureEntities(input: ConfigureInput): Map<Function, EntityMetadata> {
  const ctx: ConfigureContext = {
    registryName: input.registryName,
    naming: input.naming,
    problems: new Problems(),
    drafts: new Map(),
    configured: input.configured,
    tableNames: new Map(input.tableNames),
    otherRegistryOf: input.otherRegistryOf,
  };
  const check = (): void => ctx.problems.throwIfAny(ctx.registryName);
  for (const [cls, options] of input.pending) ctx.drafts.set(cls, createDraft(ctx, cls, options));
  check();
  linkInheritance(ctx);
  check();
  resolveTargets(ctx);
  check();
  for (const d of ctx.drafts.values()) primaryKeyOf(ctx, d.meta);
  check();
  configureRelations(ctx);
  check();
  configureTables(ctx);
  check();
  configureJoinTables(ctx);
  check();
  const result = finalize(ctx);
  for (const [k, v] of ctx.tableNames) input.tableNames.set(k, v);
  return result;
}
