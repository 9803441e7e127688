import { ref, select, table } from '@athanor/core';
import { describeEachDialect } from '@athanor/testing';
import { Profile, useModel, User } from '../model';

/**
 * Assigning the inverse side of a one-to-one (`author.profile = profile`, Profile owning
 * `author_id`, unique): the owning side follows as for `post.author = author`, and the profile
 * linked before loses its link, whether it was loaded or not.
 */

describeEachDialect('inverse one-to-one assignment', (ctx) => {
  const db = useModel(ctx);

  /** ann with profile 'a', bob with 'b', and a spare profile 'c' linked to no one. */
  async function seed(): Promise<{ ann: number; bob: number; a: number; b: number; c: number }> {
    return db.engine.session(async (s) => {
      const ann = s.add(Object.assign(new User(), { name: 'ann' }));
      const bob = s.add(Object.assign(new User(), { name: 'bob' }));
      const [a, b, c] = ['a', 'b', 'c'].map((bio) => s.add(Object.assign(new Profile(), { bio })));
      a!.author = ref(ann);
      b!.author = ref(bob);
      await s.flush();
      return { ann: ann.id, bob: bob.id, a: a!.id, b: b!.id, c: c!.id };
    });
  }

  /** bio → author id, from the table. */
  async function links(): Promise<Record<string, number | null>> {
    const p = table(Profile);
    const rows = await db.engine.execute(select({ bio: p.bio, author: p.authorId }).from(p));
    return Object.fromEntries(rows.map((r) => [r.bio, r.author === null ? null : Number(r.author)]));
  }

  test('both sides loaded: the new profile gets the key, the previous one loses it', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const [ann] = await s.find(User, { where: { id: ids.ann }, load: { profile: 'selectin' } });
    const a = ann!.profile!.get();
    const c = (await s.get(Profile, ids.c))!;
    ann!.profile = ref(c);
    expect(c.author!.get()).toBe(ann);
    expect(a.author).toBeNull();
    expect(ann!.profile!.get()).toBe(c);
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.sql.filter((q) => /^SELECT/i.test(q))).toEqual([]);
    expect(await links()).toEqual({ a: null, b: ids.bob, c: ids.ann });
  });

  test('the previous profile not loaded: the flush finds it (one SELECT) and clears its key first', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const ann = (await s.get(User, ids.ann))!;
    const c = (await s.get(Profile, ids.c))!;
    expect(ann.profile).toBeUndefined();
    ann.profile = ref(c);
    expect(c.author!.get()).toBe(ann);
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.sql.filter((q) => /^SELECT/i.test(q))).toHaveLength(1);
    expect(await links()).toEqual({ a: null, b: ids.bob, c: ids.ann });
  });

  test("taking another author's profile: that author's side becomes null, both keys move", async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const authors = await s.find(User, { orderBy: { id: 'asc' }, load: { profile: 'selectin' } });
    const [ann, bob] = authors;
    const b = bob!.profile!.get();
    ann!.profile = ref(b);
    expect(bob!.profile).toBeNull();
    expect(b.author!.get()).toBe(ann);
    await s.commit();
    expect(await links()).toEqual({ a: null, b: ids.ann, c: null });
  });

  test('a new profile is saved (the default save cascade) with the key; null clears the link', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const ann = (await s.get(User, ids.ann))!;
    const fresh = Object.assign(new Profile(), { bio: 'd' });
    ann.profile = ref(fresh);
    expect(s.new).toEqual([fresh]);
    await s.commit();
    expect(await links()).toEqual({ a: null, b: ids.bob, c: null, d: ids.ann });
    await using s2 = db.engine.session();
    const bob = (await s2.get(User, ids.bob))!;
    bob.profile = null;
    await s2.commit();
    expect(await links()).toEqual({ a: null, b: null, c: null, d: ids.ann });
  });

  test('outside a session both sides follow in memory; a swap of two profiles flushes without a unique-key clash', async () => {
    const ann = Object.assign(new User(), { name: 'ann' });
    const [p, q] = [Object.assign(new Profile(), { bio: 'p' }), Object.assign(new Profile(), { bio: 'q' })];
    ann.profile = ref(p);
    expect(p.author!.get()).toBe(ann);
    ann.profile = ref(q);
    expect(p.author).toBeNull();
    expect(q.author!.get()).toBe(ann);
    const ids = await seed();
    await using s = db.engine.session();
    const authors = await s.find(User, { orderBy: { id: 'asc' }, load: { profile: 'selectin' } });
    const [a, b] = [authors[0]!.profile!.get(), authors[1]!.profile!.get()];
    authors[0]!.profile = ref(b);
    authors[1]!.profile = ref(a);
    expect([a.author!.get(), b.author!.get()]).toEqual([authors[1], authors[0]]);
    await s.commit();
    expect(await links()).toEqual({ a: ids.bob, b: ids.ann, c: null });
  });

  test('setting the owning side updates a loaded inverse side, and loading does not count as a change', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const authors = await s.find(User, { orderBy: { id: 'asc' }, load: { profile: 'selectin' } });
    expect(s.isModified(authors[0]!)).toBe(false);
    db.recorder.clear();
    await s.flush();
    expect(db.recorder.count).toBe(0);
    const c = (await s.get(Profile, ids.c))!;
    c.author = ref(authors[1]!);
    expect(authors[1]!.profile!.get()).toBe(c);
    await s.commit();
    expect(await links()).toEqual({ a: ids.ann, b: null, c: ids.bob });
  });
});
