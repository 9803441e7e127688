import { insert, table } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { Member, registry } from '../model';

/**
 * N1: a flush costs what changed, not what the session holds. 100,000 loaded, unchanged
 * objects and one changed: the dirty set holds one object and the flush sends one statement.
 * (Its time is a bench matter, not asserted here: N1 measured 0.9 ms for 100,000 held objects.)
 */

const ROWS = 100_000;

describeEachDialect('flush cost', (ctx) => {
  const db = useTestEngine(ctx, {
    setUp: async (engine) => {
      await engine.createAll(registry);
      const rows = Array.from({ length: ROWS }, (_, i) => ({ name: `m${i}` }));
      for (let i = 0; i < ROWS; i += 5_000) await engine.execute(insert(table(Member)).values(rows.slice(i, i + 5_000)));
    },
    setUpTimeoutMs: 120_000,
  });

  test('100,000 loaded unchanged objects and one changed: a dirty set of one, one UPDATE', async () => {
    await using s = db.engine.session();
    const members = await s.find(Member);
    expect(members).toHaveLength(ROWS);
    members[54_321]!.name = 'changed';
    expect(s.dirty).toEqual([members[54_321]]);
    expect(s.unitOfWork.dirty.size).toBe(1);
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.count).toBe(1);
    expect(db.recorder.sql[0]).toMatch(/^UPDATE/i);
    expect(s.dirty).toEqual([]);
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.count).toBe(0);
    // Unchanged, the next flush sends nothing.
    await s.flush();
    expect(db.recorder.count).toBe(0);
  }, 120_000);
});
