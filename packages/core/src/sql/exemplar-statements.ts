import { keepExemplar } from '../runtime/exemplars';
import { deleteFrom, insert, update } from './builders/mutations';
import { select } from './builders/select';
import { and } from './expression/operators';
import { table } from './schema/table';
import { integer, text } from './types/types';

/**
 * Statements of the common shapes, built once and kept (see runtime/exemplars.ts): an
 * application builds its statements per call, and when all of them die before a full
 * collection, the hidden classes of their nodes die too and the builders and compilers
 * optimized for them are deoptimized (measured: ~20 deoptimizations per pass of a key-read
 * loop after each full GC). The table is private to this module: nothing registers it.
 */
const t = table('_exemplar', { id: integer().primaryKey(), name: text() });
keepExemplar([
  select(t),
  t.id.eq(1),
  and(t.id.eq(1), t.name.eq('a')),
  select(t).where(t.id.eq(1)),
  select(t).where(and(t.id.eq(1), t.name.eq('a'))).orderBy(t.id).limit(1).offset(1),
  select(t.id, t.name).from(t).where(t.id.in([1, 2])),
  insert(t).values({ id: 1, name: 'a' }),
  update(t).set({ name: 'a' }).where(t.id.eq(1)),
  deleteFrom(t).where(t.id.eq(1)),
]);
