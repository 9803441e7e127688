import 'reflect-metadata';
import { Collection, Column, deleteFrom, Entity, ManyToOne, OneToMany, OneToOne, PrimaryKey, Registry, ref, table } from '@athanor/core';
import type { AnyTable, Ref } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';

/**
 * A refresh cascade reaching an object whose row vanished (deleted by another connection)
 * drops it from the session and from what held it in memory: a loaded inverse one-to-one
 * (`author.profile`) that pointed at it reads null afterwards, as the row that linked them is
 * gone. Nothing is written for it: the row no longer exists.
 */

const registry = new Registry({ name: 'refresh-cascade-inverse-one-tests' });

@Entity({ registry, table: 'vanish1_authors' })
class Author {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @OneToOne(() => Profile, { mappedBy: 'author', cascade: ['save', 'refresh'] }) profile!: Ref<Profile> | null;
}

@Entity({ registry, table: 'vanish1_clubs' })
class Club {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @OneToMany(() => Profile, 'club', { cascade: ['save', 'refresh'] }) profiles = new Collection<Profile>(this);
}

@Entity({ registry, table: 'vanish1_profiles' })
class Profile {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) bio!: string;
  @OneToOne(() => Author, { nullable: true }) author!: Ref<Author> | null;
  @ManyToOne(() => Club, { nullable: true }) club!: Ref<Club> | null;
}

const profiles = table(Profile) as AnyTable;

describeEachDialect('refresh cascade: an inverse one-to-one whose owning row vanished', (ctx) => {
  const db = useTestEngine(ctx, {
    setUp: (engine) => engine.createAll([Author, Club, Profile]),
    reset: async (engine) => {
      for (const t of [table(Profile), table(Author), table(Club)] as AnyTable[]) await engine.execute(deleteFrom(t));
    },
  });

  /** ann and bob, each with a profile; both profiles in club c1. */
  async function seed(): Promise<{ ann: number; bob: number; club: number; annProfile: number; bobProfile: number }> {
    return db.engine.session(async (s) => {
      const club = s.add(Object.assign(new Club(), { name: 'c1' }));
      const [ann, bob] = ['ann', 'bob'].map((name) => s.add(Object.assign(new Author(), { name })));
      const [pa, pb] = [ann!, bob!].map((author) => s.add(Object.assign(new Profile(), { bio: `${author.name}'s`, author: ref(author), club: ref(club) })));
      await s.flush();
      return { ann: ann!.id, bob: bob!.id, club: club.id, annProfile: pa!.id, bobProfile: pb!.id };
    });
  }

  /** Delete a profile's row outside the session, as another connection would. */
  const vanish = (id: number) => db.engine.execute(deleteFrom(profiles).where(profiles.$column('id').eq(id)));

  test('refresh(author) reaching its vanished profile: author.profile reads null, the profile leaves the session, nothing is written', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const [ann] = await s.find(Author, { where: { id: ids.ann }, load: { profile: 'selectin' } });
    const profile = ann!.profile!.get();
    expect(profile.bio).toBe("ann's");
    await vanish(ids.annProfile);
    await s.refresh(ann!);
    expect(s.contains(profile)).toBe(false);
    expect(ann!.profile).toBeNull();
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.statements).toEqual([]);
  });

  test("refresh(club) reaching a vanished profile: its author's loaded profile reads null, the other author's is reloaded and kept", async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const authors = await s.find(Author, { where: { id: { in: [ids.ann, ids.bob] } }, load: { profile: 'selectin' } });
    const ann = authors.find((a) => a.id === ids.ann)!;
    const bob = authors.find((a) => a.id === ids.bob)!;
    const [club] = await s.find(Club, { where: { id: ids.club }, load: { profiles: 'selectin' } });
    const bobProfile = bob.profile!.get();
    expect(club!.profiles.getItems()).toHaveLength(2);
    bobProfile.bio = 'local edit';
    await vanish(ids.annProfile);
    await s.refresh(club!);
    expect(ann.profile).toBeNull();
    expect(bob.profile!.get()).toBe(bobProfile);
    expect(bobProfile.bio).toBe("bob's");
    // The refreshed club's collection was reset; loaded again, it has the row that is there.
    await club!.profiles.load();
    expect(club!.profiles.getItems()).toEqual([bobProfile]);
    // Null because the row is gone, not a change to write: the author is not dirty, the commit writes nothing.
    expect(s.isModified(ann)).toBe(false);
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.statements).toEqual([]);
  });

  test("the profile loaded before its author (its Ref to the author holding only a key): the author's profile still reads null", async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const [club] = await s.find(Club, { where: { id: ids.club }, load: { profiles: 'selectin' } });
    const [ann] = await s.find(Author, { where: { id: ids.ann }, load: { profile: 'selectin' } });
    const profile = ann!.profile!.get();
    expect(club!.profiles.getItems()).toContain(profile);
    await vanish(ids.annProfile);
    await s.refresh(club!);
    expect(s.contains(profile)).toBe(false);
    expect(ann!.profile).toBeNull();
  });

  test('an author whose profile is not loaded keeps it unloaded; a profile pointing elsewhere is left alone', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const [ann] = await s.find(Author, { where: { id: ids.ann } });
    const [club] = await s.find(Club, { where: { id: ids.club }, load: { profiles: 'selectin' } });
    const profile = club!.profiles.getItems().find((p) => p.id === ids.annProfile)!;
    await vanish(ids.annProfile);
    await s.refresh(club!);
    expect(s.contains(profile)).toBe(false);
    // Not loaded before, not loaded after: the next load reads what the database has (no row).
    expect(ann!.profile).toBeUndefined();
  });
});
