import { DatabaseError, deleteFrom, insert, integer, ReadOnlySessionError, select, Session, sql, stateOf, table, update } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';
import { seed, Tag, User } from './model';

/** engine.session() and its scoped form, transactions, read-only sessions, Core statements in a session. */

describeEachDialect('session lifecycle', (ctx) => {
  const t = () => table(Tag);
  // Tags 1 and 2 are the seed's; tests add others.
  const db = useTestEngine(ctx, { setUp: seed, reset: (engine) => engine.execute(deleteFrom(t()).where(t().id.gt(2))) });
  const tagNames = async (): Promise<string[]> => (await db.engine.execute(select(t().name).from(t()).orderBy(t().id))).map((r) => r.name);

  test('engine.session() returns a Session outside any transaction', async () => {
    const s = db.engine.session();
    expect(s).toBeInstanceOf(Session);
    expect(s.currentTransaction).toBeUndefined();
    expect(s.engine).toBe(db.engine);
    await s.close();
  });

  test('the scoped form runs in a transaction and commits when the function resolves', async () => {
    let inside: Session | undefined;
    const result = await db.engine.session(async (s) => {
      inside = s;
      expect(s.currentTransaction?.active).toBe(true);
      await s.execute(insert(t()).values({ id: 3, name: 'scoped' }));
      // read your own write, in the transaction
      expect((await s.find(Tag, { where: { id: 3 } }))[0]!.name).toBe('scoped');
      return 'done';
    });
    expect(result).toBe('done');
    expect(inside!.isClosed).toBe(true);
    expect(await tagNames()).toEqual(['news', 'tech', 'scoped']);
    expect(db.recorder.all.some((st) => /^COMMIT/i.test(st.sql))).toBe(true);
  });

  test('the scoped form rolls back when the function throws, closes the session, and rethrows', async () => {
    let inside: Session | undefined;
    let loaded: Tag | undefined;
    await expect(
      db.engine.session(async (s) => {
        inside = s;
        await s.execute(insert(t()).values({ id: 4, name: 'doomed' }));
        loaded = (await s.get(Tag, 4))!;
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await tagNames()).toEqual(['news', 'tech']);
    expect(inside!.isClosed).toBe(true);
    expect(stateOf(loaded!)!.status).toBe('detached');
    expect(db.recorder.all.some((st) => /^ROLLBACK/i.test(st.sql))).toBe(true);
  });

  test('the scoped form takes transaction options', async () => {
    const levels = db.engine.dialect.adapter.isolationLevels;
    const level = levels.includes('serializable') ? 'serializable' : levels[0]!;
    const count = await db.engine.session((s) => s.count(User), { isolation: level });
    expect(count).toBe(5);
  });

  test('a read-only session reads, and refuses statements that may write before sending them', async () => {
    await using s = db.engine.session({ readOnly: true });
    expect(s.readOnly).toBe(true);
    expect(await s.count(User)).toBe(5);
    expect((await s.get(User, 1))!.username).toBe('ann');
    db.recorder.clear();
    await expect(s.execute(insert(t()).values({ id: 5, name: 'no' }))).rejects.toThrow(ReadOnlySessionError);
    await expect(s.execute(update(t()).set({ name: 'x' }))).rejects.toThrow(/this session is read-only/i);
    await expect(s.execute(sql`SELECT 1`)).rejects.toThrow(/raw SQL never is/);
    await expect(s.execute(select(t()).forUpdate())).rejects.toThrow(ReadOnlySessionError);
    expect(() => s.assertWritable('flush()')).toThrow('flush(): this session is read-only (engine.session({ readOnly: true })).');
    expect(db.recorder.count).toBe(0);
    expect(await tagNames()).toEqual(['news', 'tech']);
  });

  test('a read-only scoped session runs in a read-only transaction', async () => {
    const names = await db.engine.session(async (s) => (await s.find(Tag, { orderBy: { id: 'asc' } })).map((tag) => tag.name), { readOnly: true });
    expect(names).toEqual(['news', 'tech']);
    await expect(db.engine.session((s) => s.execute(insert(t()).values({ id: 6, name: 'no' })), { readOnly: true })).rejects.toThrow(ReadOnlySessionError);
  });

  test('execute() and stream() of Core statements, and scalars()', async () => {
    await using s = db.engine.session();
    const u = table(User);
    expect(await s.execute(select({ n: u.username }).from(u).where(u.age.gt(40)))).toEqual([{ n: 'dee' }]);
    const streamed: string[] = [];
    for await (const row of s.stream(select(u.username).from(u).orderBy(u.id), { batchSize: 2 })) streamed.push(row.username);
    expect(streamed).toEqual(['ann', 'bob', 'cid', 'dee', 'eve']);
    expect(await s.scalars(select({ c: u.id }).from(u).where(u.username.eq('cid')))).toEqual([3]);
  });

  test('a failing statement rejects with the translated error and returns its connection', async () => {
    await using s = db.engine.session();
    const missing = table('no_such_table', { id: integer().primaryKey() });
    await expect(s.scalars(select(missing.id).from(missing))).rejects.toBeInstanceOf(DatabaseError);
    await expect(s.scalars(select(missing.id).from(missing))).rejects.toMatchObject({ sql: expect.stringMatching(/no_such_table/) });
    expect(db.engine.pool.status().checkedOut).toBe(0);
    expect(await s.count(User)).toBe(5);
  });

  test('a closed session refuses everything, with promises rejected rather than thrown', async () => {
    const s = db.engine.session();
    await s.close();
    await expect(s.get(User, 1)).rejects.toThrow(/session is closed/);
    await expect(s.find(User)).rejects.toThrow(/session is closed/);
    await expect(s.count(User)).rejects.toThrow(/session is closed/);
    await expect(s.execute(select(t()))).rejects.toThrow(/session is closed/);
    await expect(s.stream(User).next()).rejects.toThrow(/session is closed/);
    expect(db.recorder.count).toBe(0);
  });

  test('engine.session() refuses arguments it does not understand', () => {
    expect(() => db.engine.session('nope' as never)).toThrow('engine.session() takes options, or a function to run in a transaction.');
  });
});
