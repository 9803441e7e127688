import type { Contender } from '../model';
import { athanor } from './athanor';
import { drizzle } from './drizzle';
import { mikroOrm } from './mikro-orm';
import { raw } from './raw';
import { typeOrm } from './typeorm';

/** Every contender, in the order each run visits them (the baseline first). */
export const CONTENDERS: readonly Contender[] = [raw, athanor, mikroOrm, typeOrm, drizzle];

export function contenderById(id: string): Contender | undefined {
  return CONTENDERS.find((c) => c.id === id);
}
