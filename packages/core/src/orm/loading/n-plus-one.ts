import type { Logger } from '../../engine/logger';
import { InvalidArgumentError, NotLoadedError } from '../../errors/errors';
import type { EntityMetadata, RelationProperty } from '../metadata/entity-metadata';
import { variableName } from '../relations/ref';
import type { NPlusOneOptions } from './load-types';

/**
 * The N+1 detector: counts, per session and relationship, the lazy loads that went to the
 * database for a single parent (a `for … await` loop over parents issues one statement per
 * parent; loads issued together are batched and are not counted). Past `warnAfter`, it warns
 * once through the engine's logger, or (mode `throw`) fails each further such load.
 */

/** A relationship was loaded one parent at a time too often (the detector's strict mode). */
export class NPlusOneError extends NotLoadedError {
  override readonly code: string = 'N_PLUS_ONE';
}

export const DEFAULT_WARN_AFTER = 10;

export interface DetectorSettings {
  readonly warnAfter: number;
  readonly mode: 'warn' | 'throw';
}

/** Settings from the session's option, else the engine's; undefined when the detector is off. */
export function detectorSettings(session: NPlusOneOptions | false | undefined, engine: NPlusOneOptions | false | undefined): DetectorSettings | undefined {
  const given = session !== undefined ? session : engine;
  if (given === undefined || given === false) return undefined;
  if (given === null || typeof given !== 'object') throw new InvalidArgumentError('nPlusOne takes { warnAfter?: number, mode?: "warn" | "throw" }, or false.');
  const warnAfter = given.warnAfter ?? DEFAULT_WARN_AFTER;
  if (!Number.isInteger(warnAfter) || warnAfter < 0) throw new InvalidArgumentError(`nPlusOne.warnAfter must be an integer ≥ 0 (got ${String(given.warnAfter)}).`);
  const mode = given.mode ?? 'warn';
  if (mode !== 'warn' && mode !== 'throw') throw new InvalidArgumentError(`nPlusOne.mode is 'warn' or 'throw' (got ${JSON.stringify(mode)}).`);
  return { warnAfter, mode };
}

export class NPlusOneDetector {
  private readonly singles = new Map<RelationProperty, number>();
  private readonly warned = new Set<RelationProperty>();

  constructor(
    private readonly settings: DetectorSettings,
    private readonly logger: Logger,
  ) {}

  /** A lazy load of `r` for one parent is about to run a statement. */
  single(owner: EntityMetadata, r: RelationProperty): void {
    const count = (this.singles.get(r) ?? 0) + 1;
    this.singles.set(r, count);
    if (count <= this.settings.warnAfter) return;
    const message = nPlusOneMessage(owner, r, count);
    if (this.settings.mode === 'throw') throw new NPlusOneError(message);
    if (this.warned.has(r)) return;
    this.warned.add(r);
    this.logger.warn(message);
  }
}

export function nPlusOneMessage(owner: EntityMetadata, r: RelationProperty, count: number): string {
  const v = variableName(owner.name);
  const many = `${v}s`;
  const x = v.charAt(0);
  return (
    `N+1 loading: ${owner.name}.${r.name} was loaded for one ${owner.name} at a time ${count} times in this session ` +
    `(\`await ${v}.${r.name}.load()\` in a loop, one statement each). Load it with the query that fetches the ${owner.name}s: ` +
    `\`load: { ${r.name}: 'selectin' }\`, or load them together: \`await session.populate(${many}, ['${r.name}'])\` ` +
    `or \`await Promise.all(${many}.map((${x}) => ${x}.${r.name}.load()))\` (one statement).`
  );
}
