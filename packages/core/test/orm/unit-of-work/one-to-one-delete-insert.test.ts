import 'reflect-metadata';
import { Collection, Column, deleteFrom, Entity, ManyToOne, OneToMany, OneToOne, PrimaryKey, ref, Registry, select, stateOf, table, UniqueViolationError } from '@athanor/core';
import type { AnyTable, Ref } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';

/**
 * One flush deletes a row holding a one-to-one key (unique) and gives the same key to another
 * row, new or updated. Deletes run last, so the deleted row must let go first: a nullable key
 * is set to NULL before the flush (as a changed key is), a key that cannot be NULL has its
 * delete run before the inserts, its deleted children still before it.
 */

const registry = new Registry({ name: 'one-to-one-delete-insert-tests' });

@Entity({ registry, table: 'o2o_people' })
class Person {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @OneToOne(() => Profile, { mappedBy: 'person' }) profile!: Ref<Profile> | null;
  @OneToOne(() => Passport, { mappedBy: 'holder' }) passport!: Ref<Passport> | null;
}

/** The nullable one-to-one. */
@Entity({ registry, table: 'o2o_profiles' })
class Profile {
  @PrimaryKey() id!: number;
  @Column({ length: 30, unique: true }) bio!: string;
  @OneToOne(() => Person, { nullable: true }) person!: Ref<Person> | null;
}

/** The one-to-one whose key cannot be NULL; stamps are deleted with it. */
@Entity({ registry, table: 'o2o_passports' })
class Passport {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) code!: string;
  @OneToOne(() => Person) holder!: Ref<Person>;
  @OneToMany(() => Stamp, 'passport', { cascade: ['save', 'delete'] }) stamps = new Collection<Stamp>(this);
}

@Entity({ registry, table: 'o2o_stamps' })
class Stamp {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) place!: string;
  @ManyToOne(() => Passport) passport!: Ref<Passport>;
}

/** A nullable one-to-one without an inverse side: assigning it records no write on the person. */
@Entity({ registry, table: 'o2o_badges' })
class Badge {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) label!: string;
  @OneToOne(() => Person, { nullable: true }) wearer!: Ref<Person> | null;
}

const TABLES = [table(Badge), table(Stamp), table(Passport), table(Profile), table(Person)] as AnyTable[];

describeEachDialect('one flush: a deleted row lets go of its one-to-one key for another row', (ctx) => {
  const db = useTestEngine(ctx, {
    setUp: (engine) => engine.createAll([Person, Profile, Passport, Stamp, Badge]),
    reset: async (engine) => {
      for (const t of TABLES) await engine.execute(deleteFrom(t));
    },
  });

  /** ann (profile 'a', passport 'A1' with a stamp), bob (profile 'b', passport 'B1'); profile 'c' linked to no one. */
  async function seed(): Promise<Record<'ann' | 'bob' | 'a' | 'b' | 'c' | 'annPass' | 'bobPass', number>> {
    return db.engine.session(async (s) => {
      const ann = s.add(Object.assign(new Person(), { name: 'ann' }));
      const bob = s.add(Object.assign(new Person(), { name: 'bob' }));
      const [a, b, c] = ['a', 'b', 'c'].map((bio) => s.add(Object.assign(new Profile(), { bio })));
      a!.person = ref(ann);
      b!.person = ref(bob);
      const annPass = s.add(Object.assign(new Passport(), { code: 'A1', holder: ref(ann) }));
      annPass.stamps.add(Object.assign(new Stamp(), { place: 'rome' }));
      const bobPass = s.add(Object.assign(new Passport(), { code: 'B1', holder: ref(bob) }));
      await s.flush();
      return { ann: ann.id, bob: bob.id, a: a!.id, b: b!.id, c: c!.id, annPass: annPass.id, bobPass: bobPass.id };
    });
  }

  /** bio → person id. */
  async function profiles(): Promise<Record<string, number | null>> {
    const p = table(Profile);
    const rows = await db.engine.execute(select({ bio: p.bio, person: p.personId }).from(p));
    return Object.fromEntries(rows.map((r) => [r.bio, r.person === null ? null : Number(r.person)]));
  }

  /** code → holder id. */
  async function passports(): Promise<Record<string, number>> {
    const p = table(Passport);
    const rows = await db.engine.execute(select({ code: p.code, holder: p.holderId }).from(p));
    return Object.fromEntries(rows.map((r) => [r.code, Number(r.holder)]));
  }

  /** The writes issued, each as its verb and table (`UPDATE o2o_profiles`); reads (the flush's loads of unloaded links) left out. */
  const writes = () => db.recorder.statements.filter((q) => !/^SELECT/i.test(q.sql));
  const shapes = (): string[] =>
    writes().map((q) => {
      const m = /^(INSERT INTO|UPDATE|DELETE FROM)\b.*?\b(o2o_\w+)/is.exec(q.sql);
      return m === null ? q.sql : `${m[1]!.split(' ')[0]!.toUpperCase()} ${m[2]}`;
    });

  test('nullable key, the new profile given through the inverse side: the old one is released, then inserted, then deleted', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const [ann] = await s.find(Person, { where: { id: ids.ann }, load: { profile: 'selectin' } });
    const old = ann!.profile!.get();
    s.delete(old);
    ann!.profile = ref(Object.assign(new Profile(), { bio: 'new' }));
    db.recorder.clear();
    await s.commit();
    expect(shapes()).toEqual(['UPDATE o2o_profiles', 'INSERT o2o_profiles', 'DELETE o2o_profiles']);
    expect(await profiles()).toEqual({ b: ids.bob, c: null, new: ids.ann });
  });

  test('nullable key, the new profile given through its own side (the old one not loaded from the person)', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const ann = (await s.get(Person, ids.ann))!;
    const old = (await s.get(Profile, ids.a))!;
    s.delete(old);
    s.add(Object.assign(new Profile(), { bio: 'new', person: ref(ann) }));
    db.recorder.clear();
    await s.commit();
    expect(shapes()).toEqual(['UPDATE o2o_profiles', 'INSERT o2o_profiles', 'DELETE o2o_profiles']);
    expect(writes()[0]!.params).toEqual([null, ids.a]);
    expect(await profiles()).toEqual({ b: ids.bob, c: null, new: ids.ann });
  });

  test('nullable key without an inverse side: a new badge for the wearer of a deleted one', async () => {
    const ids = await seed();
    const old = await db.engine.session(async (s) => {
      const badge = s.add(Object.assign(new Badge(), { label: 'old', wearer: ref((await s.get(Person, ids.ann))!) }));
      await s.flush();
      return badge.id;
    });
    await using s = db.engine.session();
    const ann = (await s.get(Person, ids.ann))!;
    s.delete((await s.get(Badge, old))!);
    s.add(Object.assign(new Badge(), { label: 'new', wearer: ref(ann) }));
    db.recorder.clear();
    await s.commit();
    expect(shapes()).toEqual(['UPDATE o2o_badges', 'INSERT o2o_badges', 'DELETE o2o_badges']);
    const b = table(Badge);
    expect(await db.engine.execute(select({ label: b.label, wearer: b.wearerId }).from(b))).toEqual([{ label: 'new', wearer: ids.ann }]);
  });

  test('nullable key taken by an update: profile c moves to ann, whose profile is deleted (one release for both)', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const ann = (await s.get(Person, ids.ann))!;
    const [old, c] = [(await s.get(Profile, ids.a))!, (await s.get(Profile, ids.c))!];
    s.delete(old);
    c.person = ref(ann);
    db.recorder.clear();
    await s.commit();
    expect(shapes()).toEqual(['UPDATE o2o_profiles', 'UPDATE o2o_profiles', 'DELETE o2o_profiles']);
    expect(await profiles()).toEqual({ b: ids.bob, c: ids.ann });
  });

  test("a key that cannot be NULL: the old passport's delete (its stamps first) runs before the new one's insert", async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const ann = (await s.get(Person, ids.ann))!;
    const old = (await s.get(Passport, ids.annPass))!;
    await old.stamps.load();
    s.delete(old);
    const fresh = s.add(Object.assign(new Passport(), { code: 'A2', holder: ref(ann) }));
    fresh.stamps.add(Object.assign(new Stamp(), { place: 'oslo' }));
    db.recorder.clear();
    await s.commit();
    expect(shapes()).toEqual(['DELETE o2o_stamps', 'DELETE o2o_passports', 'INSERT o2o_passports', 'INSERT o2o_stamps']);
    expect(await passports()).toEqual({ A2: ids.ann, B1: ids.bob });
    const st = table(Stamp);
    expect((await db.engine.execute(select({ place: st.place }).from(st))).map((r) => r.place)).toEqual(['oslo']);
  });

  test("a key that cannot be NULL taken by an update: bob's passport moves to ann, whose passport is deleted first", async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const ann = (await s.get(Person, ids.ann))!;
    const [old, bobs] = [(await s.get(Passport, ids.annPass))!, (await s.get(Passport, ids.bobPass))!];
    await old.stamps.load();
    s.delete(old);
    bobs.holder = ref(ann);
    db.recorder.clear();
    await s.commit();
    expect(shapes()).toEqual(['DELETE o2o_stamps', 'DELETE o2o_passports', 'UPDATE o2o_passports']);
    expect(await passports()).toEqual({ B1: ids.ann });
  });

  test('a delete whose key nobody takes stays last, with no release', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const old = (await s.get(Profile, ids.a))!;
    const pass = (await s.get(Passport, ids.bobPass))!;
    s.delete(old);
    s.delete(pass);
    s.add(Object.assign(new Profile(), { bio: 'spare' }));
    db.recorder.clear();
    await s.commit();
    const done = shapes();
    expect(done[0]).toBe('INSERT o2o_profiles');
    expect(done.slice(1).sort()).toEqual(['DELETE o2o_passports', 'DELETE o2o_profiles']);
    expect(await profiles()).toEqual({ b: ids.bob, c: null, spare: null });
  });

  test('a failed flush: the release is rolled back with it, the snapshot restored, and the flush succeeds once fixed', async () => {
    const ids = await seed();
    const s = db.engine.session();
    const ann = (await s.get(Person, ids.ann))!;
    const old = (await s.get(Profile, ids.a))!;
    const snapshot = stateOf(old)!.snapshot;
    s.delete(old);
    const fresh = s.add(Object.assign(new Profile(), { bio: 'new', person: ref(ann) }));
    // A unique bio already taken makes the insert fail after the release.
    const clash = s.add(Object.assign(new Profile(), { bio: 'b' }));
    db.recorder.clear();
    await expect(s.flush()).rejects.toThrow(UniqueViolationError);
    expect(shapes()[0]).toBe('UPDATE o2o_profiles');
    expect(stateOf(old)!.snapshot).toBe(snapshot);
    expect(await profiles()).toEqual({ a: ids.ann, b: ids.bob, c: null });
    await s.rollback();
    s.delete(old);
    s.add(fresh);
    clash.bio = 'other';
    s.add(clash);
    await s.commit();
    expect(await profiles()).toEqual({ b: ids.bob, c: null, new: ids.ann, other: null });
    await s.close();
  });
});
