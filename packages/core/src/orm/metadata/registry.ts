import { MappingError } from '../../errors/errors';
import { registerTableResolver } from '../../sql/schema/entity-table';
import type { AnyTable } from '../../sql/schema/table';
import { configureEntities } from './configure/configure';
import type { EntityOptions, RegistryOptions } from './decorator-options';
import type { EntityClass, EntityMetadata } from './entity-metadata';
import { defaultNamingStrategy } from './naming-strategy';
import type { NamingStrategy } from './naming-strategy';

/** Which registry each entity class belongs to (a class belongs to one). */
const owners = new WeakMap<Function, Registry>();

let anonymous = 0;

/**
 * A set of mapped entities. `@Entity` records classes here (the default registry unless
 * `@Entity({ registry })` says otherwise); `configure()` — run lazily by the first lookup —
 * resolves forward references, builds each entity's EntityMetadata and Core table, and
 * validates, raising one MappingError that lists every problem. Registries do not see each
 * other: a relationship to a class of another registry is an error.
 *
 * Entities registered after a successful configure are configured by the next lookup; the
 * metadata already built never changes.
 */
export class Registry {
  readonly name: string;
  private naming: NamingStrategy;
  private readonly pending: [EntityClass, EntityOptions][] = [];
  private readonly configured = new Map<Function, EntityMetadata>();
  private readonly tableNames = new Map<string, string>();
  private readonly problems: string[] = [];

  constructor(options: RegistryOptions = {}) {
    this.name = options.name ?? `registry-${++anonymous}`;
    this.naming = options.namingStrategy ?? defaultNamingStrategy;
  }

  get namingStrategy(): NamingStrategy {
    return this.naming;
  }

  /** Set before the first configure; names of configured entities never change. */
  set namingStrategy(strategy: NamingStrategy) {
    if (this.configured.size > 0) {
      throw new MappingError(`Registry '${this.name}': set the naming strategy before the registry is configured (its first use); ${this.configured.size} entities are mapped already.`);
    }
    this.naming = strategy;
  }

  /** Add an entity class (what `@Entity` does). */
  register(cls: EntityClass, options: EntityOptions = {}): void {
    if (typeof cls !== 'function') throw new MappingError('Registry.register() takes an entity class.');
    const owner = owners.get(cls);
    if (owner !== undefined) {
      this.problems.push(
        owner === this
          ? `${cls.name}: @Entity is applied twice; keep one.`
          : `${cls.name} is already an entity of registry '${owner.name}'; a class belongs to one registry.`,
      );
      return;
    }
    owners.set(cls, this);
    this.pending.push([cls, Object.freeze({ ...options })]);
  }

  /** Whether `cls` was registered here (configured or not). */
  has(cls: Function): boolean {
    return owners.get(cls) === this;
  }

  /** True when every registered entity has been configured. */
  get isConfigured(): boolean {
    return this.pending.length === 0 && this.problems.length === 0;
  }

  /** Resolve, build and validate every entity registered so far; throws MappingError. */
  configure(): this {
    if (this.problems.length > 0) {
      throw new MappingError(this.problems.length === 1 ? this.problems[0]! : `${this.problems.length} mapping problems in registry '${this.name}':\n${this.problems.map((p) => `  - ${p}`).join('\n')}`);
    }
    if (this.pending.length === 0) return this;
    const built = configureEntities({
      registryName: this.name,
      naming: this.naming,
      pending: this.pending,
      configured: this.configured,
      tableNames: this.tableNames,
      otherRegistryOf: (cls) => {
        const owner = owners.get(cls);
        return owner !== undefined && owner !== this ? owner.name : undefined;
      },
    });
    for (const [cls, meta] of built) this.configured.set(cls, meta);
    this.pending.length = 0;
    return this;
  }

  /** The metadata of an entity of this registry (configuring first if needed). */
  get(cls: EntityClass): EntityMetadata {
    const meta = this.find(cls);
    if (meta) return meta;
    const owner = owners.get(cls);
    throw new MappingError(
      owner !== undefined
        ? `${cls.name} is an entity of registry '${owner.name}', not of '${this.name}'.`
        : `${typeof cls === 'function' ? cls.name || 'The class' : String(cls)} is not an entity: decorate it with @Entity()${this === defaultRegistry ? '' : ` (with registry: the '${this.name}' registry)`}.`,
    );
  }

  /** Like `get`, but undefined for a class that is not an entity of this registry. */
  find(cls: Function): EntityMetadata | undefined {
    if (owners.get(cls) !== this) return undefined;
    this.configure();
    return this.configured.get(cls);
  }

  /** Every entity's metadata, in registration order (configuring first). */
  get entities(): readonly EntityMetadata[] {
    this.configure();
    return [...this.configured.values()];
  }

  /** Every table the entities map: entity tables (one per single-table hierarchy) and generated join tables. */
  tables(): AnyTable[] {
    return tablesOf(this.entities);
  }
}

/** The tables of some entities: theirs and the generated join tables of their many-to-many relationships. */
export function tablesOf(entities: readonly EntityMetadata[]): AnyTable[] {
  const out = new Set<AnyTable>();
  for (const m of entities) out.add(m.table);
  for (const m of entities) {
    for (const r of m.relations) {
      if (r.joinTable && !r.joinTable.entity) out.add(r.joinTable.table);
    }
  }
  return [...out];
}

/** Where `@Entity` records entities that do not name a registry. */
export const defaultRegistry = new Registry({ name: 'default' });

/** The registry an entity class belongs to. */
export function registryOf(cls: Function): Registry | undefined {
  return owners.get(cls);
}

/** The metadata of an entity class, from whichever registry holds it. */
export function metadataOf(cls: EntityClass): EntityMetadata {
  return (owners.get(cls) ?? defaultRegistry).get(cls);
}

// `table(User)` in Core asks the ORM through this resolver.
registerTableResolver((cls) => owners.get(cls)?.get(cls).table);
