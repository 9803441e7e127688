import { registry } from '../model';

/**
 * The session tests share ../model with the flush tests; this path is kept for the tests that
 * still import from it.
 */
export { Member, Team } from '../model';

/** Every entity of the model: what createAll needs for any of them. */
export const ENTITIES = registry.entities.map((m) => m.class);
