import 'reflect-metadata';
import { Collection, Column, deleteFrom, Entity, ManyToOne, NotFoundError, OneToMany, PrimaryKey, Registry, ref, table } from '@athanor/core';
import type { AnyTable, Ref } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';

/**
 * A refresh cascade reaching an object whose row was deleted meanwhile (by another
 * connection): as `refresh(child)` itself finds no row and SQLAlchemy treats a vanished row as
 * deleted, the child leaves the session (detached, out of the identity map) and the loaded
 * collections that held it, instead of staying expired with no row to reload.
 */

const registry = new Registry({ name: 'refresh-cascade-vanished-tests' });

@Entity({ registry, table: 'vanish_owners' })
class Owner {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @OneToMany(() => Pet, 'owner', { cascade: ['all'] }) pets = new Collection<Pet>(this);
}

@Entity({ registry, table: 'vanish_vets' })
class Vet {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  /** `refresh` without the rest of `all`. */
  @OneToMany(() => Pet, 'vet', { cascade: ['save', 'refresh'] }) pets = new Collection<Pet>(this);
}

@Entity({ registry, table: 'vanish_pets' })
class Pet {
  @PrimaryKey() id!: number;
  @Column({ length: 30 }) name!: string;
  @ManyToOne(() => Owner) owner!: Ref<Owner>;
  @ManyToOne(() => Vet, { nullable: true }) vet!: Ref<Vet> | null;
}

const pets = table(Pet) as AnyTable;

describeEachDialect('refresh cascade: a child whose row vanished', (ctx) => {
  const db = useTestEngine(ctx, {
    setUp: (engine) => engine.createAll([Owner, Vet, Pet]),
    reset: async (engine) => {
      for (const t of [table(Pet), table(Owner), table(Vet)] as AnyTable[]) await engine.execute(deleteFrom(t));
    },
  });

  /** ann owns rex and tom, both seen by vet val. */
  async function seed(): Promise<{ ann: number; val: number; rex: number; tom: number }> {
    return db.engine.session(async (s) => {
      const ann = s.add(Object.assign(new Owner(), { name: 'ann' }));
      const val = s.add(Object.assign(new Vet(), { name: 'val' }));
      const [rex, tom] = ['rex', 'tom'].map((name) => Object.assign(new Pet(), { name, vet: ref(val) }));
      ann.pets.add(rex!);
      ann.pets.add(tom!);
      await s.flush();
      return { ann: ann.id, val: val.id, rex: rex!.id, tom: tom!.id };
    });
  }

  /** Delete a pet's row outside the session, as another connection would. */
  const vanish = (id: number) => db.engine.execute(deleteFrom(pets).where(pets.$column('id').eq(id)));

  test('refresh(owner): the vanished pet leaves the session and every loaded collection; the other is reloaded', async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const [ann] = await s.find(Owner, { where: { id: ids.ann }, load: { pets: 'selectin' } });
    const [val] = await s.find(Vet, { where: { id: ids.val }, load: { pets: 'selectin' } });
    const rex = ann!.pets.getItems().find((p) => p.name === 'rex')!;
    const tom = ann!.pets.getItems().find((p) => p.name === 'tom')!;
    expect(val!.pets.getItems()).toEqual(expect.arrayContaining([rex, tom]));
    tom.name = 'local edit';
    rex.name = 'local edit';
    await vanish(ids.tom);
    db.recorder.clear();
    await expect(s.refresh(ann!)).resolves.toBe(ann);
    // The owner's row, then the pets' rows: one statement each, nothing else.
    expect(db.recorder.sql).toHaveLength(2);
    expect(rex.name).toBe('rex');
    expect(s.contains(rex)).toBe(true);
    expect(s.contains(tom)).toBe(false);
    // Out of the other parent's loaded collection (not refreshed), out of the identity map.
    expect(val!.pets.getItems()).toEqual([rex]);
    db.recorder.clear();
    expect(await s.get(Pet, ids.tom)).toBeNull();
    expect(db.recorder.sql).toHaveLength(1);
    // The owner's collection, loaded again, has only the row that is there.
    await ann!.pets.load();
    expect(ann!.pets.getItems()).toEqual([rex]);
    // The vanished pet's unflushed change is not written (its row is gone): nothing to flush.
    db.recorder.clear();
    await s.commit();
    expect(db.recorder.statements).toEqual([]);
  });

  test("cascade ['refresh'] alone (vet.pets) behaves the same; refresh(pet) itself still raises NotFoundError", async () => {
    const ids = await seed();
    await using s = db.engine.session();
    const [val] = await s.find(Vet, { where: { id: ids.val }, load: { pets: 'selectin' } });
    const [rex, tom] = [...val!.pets.getItems()].sort((a, b) => a.id - b.id);
    await vanish(ids.rex);
    await s.refresh(val!);
    expect([s.contains(rex!), s.contains(tom!)]).toEqual([false, true]);
    await val!.pets.load();
    expect(val!.pets.getItems()).toEqual([tom]);
    await vanish(ids.tom);
    await expect(s.refresh(tom!)).rejects.toThrow(NotFoundError);
    await expect(s.refresh(tom!)).rejects.toThrow(`the Pet row no longer exists.`);
  });
});
