import 'reflect-metadata';
import { addEntityListener, Column, Entity, PrimaryKey, Registry } from '@athanor/core';
import { describeEachDialect, useTestEngine } from '@athanor/testing';

/**
 * Listeners by class where no class declares a hook (this file's only model has none): a
 * flush skips looking at its objects one by one only while no listener is registered, and
 * finds them again as soon as one is (lifecycle-hooks.ts, mayHaveHooks).
 */

const registry = new Registry({ name: 'listeners-only' });

@Entity({ registry, table: 'plain_notes' })
class Note {
  @PrimaryKey() id!: number;
  @Column({ length: 40 }) text!: string;
}

describeEachDialect('entity listeners without declared hooks', (ctx) => {
  const db = useTestEngine(ctx, { setUp: (engine) => engine.createAll(registry) });

  async function insert(text: string): Promise<Note> {
    const note = Object.assign(new Note(), { text });
    await db.engine.session(async (s) => {
      s.add(note);
    });
    return note;
  }

  test('a listener registered later is called; removed (twice), it is not; another one still is', async () => {
    const heard: string[] = [];
    await insert('before any listener');
    const first = addEntityListener(Note, 'afterInsert', (n) => void heard.push(`first:${n.text}`));
    const second = addEntityListener(Note, 'afterDelete', (n) => void heard.push(`deleted:${n.text}`));
    try {
      const a = await insert('a');
      expect(heard).toEqual(['first:a']);
      first();
      first();
      await insert('b');
      expect(heard).toEqual(['first:a']);
      await db.engine.session(async (s) => {
        s.delete((await s.get(Note, a.id))!);
      });
      expect(heard).toEqual(['first:a', 'deleted:a']);
    } finally {
      first();
      second();
    }
    await insert('c');
    expect(heard).toEqual(['first:a', 'deleted:a']);
  });
});
