import type { Contender } from '../model';
import { athanor } from './athanor';
import { raw } from './raw';

/** Every contender, in the order each run visits them (the baseline first). */
export const CONTENDERS: readonly Contender[] = [raw, athanor];

export function contenderById(id: string): Contender | undefined {
  return CONTENDERS.find((c) => c.id === id);
}
