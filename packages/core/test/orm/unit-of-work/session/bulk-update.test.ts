import { insert, select, stateOf, table } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { ENTITIES, Member } from './model';

/**
 * W5's shape through the session: every loaded object changed in the same column, one flush.
 * The update step reads each row's values from its next snapshot (no per-row set and key
 * arrays), and the session forgets its dirty set at once when every dirty object was written.
 */

const ROWS = 250;

describeEachDialect('bulk update through the session', (ctx) => {
  const db = useTestEngine(ctx, {
    setUp: async (engine) => {
      await engine.createAll(ENTITIES);
      await engine.execute(insert(table(Member)).values(Array.from({ length: ROWS }, (_, i) => ({ name: `m${i}` }))));
    },
  });

  const names = async (): Promise<Map<number, string>> => {
    const m = table(Member);
    const rows = await db.engine.execute(select(m.id, m.name).from(m));
    return new Map(rows.map((r) => [r.id as number, r.name as string]));
  };

  test('every object changed: the rows are written, the session is clean and holds no object as changed', async () => {
    await using s = db.engine.session();
    const members = await s.find(Member);
    expect(members).toHaveLength(ROWS);
    for (const m of members) m.name = `${m.name}!`;
    expect(s.unitOfWork.dirty.size).toBe(ROWS);
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.sql.every((sql) => /^UPDATE/i.test(sql))).toBe(true);
    expect(s.dirty).toEqual([]);
    expect(s.unitOfWork.dirty.size).toBe(0);
    expect(members.every((m) => !s.isModified(m))).toBe(true);
    expect(members.every((m) => stateOf(m)!.snapshot![1] === m.name)).toBe(true);
    await s.commit();
    const stored = await names();
    expect(members.every((m) => stored.get(m.id) === m.name && m.name.endsWith('!'))).toBe(true);
    // The next write of one object is one UPDATE of that row.
    members[7]!.name = 'again';
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.sql.filter((sql) => /^UPDATE/i.test(sql))).toHaveLength(1);
    expect((await names()).get(members[7]!.id)).toBe('again');
  });

  test('an object written back to its loaded value is not updated, and still leaves the dirty set', async () => {
    await using s = db.engine.session();
    const members = await s.find(Member);
    for (const m of members) m.name = `${m.name}?`;
    const back = members[3]!;
    back.name = back.name.slice(0, -1);
    await s.flush();
    expect(s.unitOfWork.dirty.size).toBe(0);
    expect(s.isModified(back)).toBe(false);
    await s.commit();
    const stored = await names();
    expect(stored.get(back.id)).toBe(back.name);
    expect(back.name.endsWith('?')).toBe(false);
    expect(members.filter((m) => m !== back).every((m) => stored.get(m.id) === m.name && m.name.endsWith('?'))).toBe(true);
  });
});
