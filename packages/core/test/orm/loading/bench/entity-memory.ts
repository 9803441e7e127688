/**
 * Heap bytes per loaded entity (not a test): 50,000 posts loaded by `find` into one session
 * on SQLite, heap measured after forced collections before and after, with the entities
 * held. What W2 allocates and keeps per row: the decoded row, the instance, its state, its
 * identity-map share.
 *
 *   node --expose-gc -r @swc-node/register packages/core/test/orm/loading/bench/entity-memory.ts
 */
import 'reflect-metadata';
import { rmSync } from 'node:fs';
import { Column, createEngine, Entity, insert, ManyToOne, PrimaryKey, Registry, table } from '../../../../src/index';
import type { AnyTable, Ref } from '../../../../src/index';
import { sqliteDialect } from '../../../../../sqlite/src/index';

const registry = new Registry({ name: 'entity-memory' });

@Entity({ registry, table: 'em_users' })
class MUser {
  @PrimaryKey() id!: number;
  @Column({ length: 50 }) username!: string;
}

@Entity({ registry, table: 'em_posts' })
class MPost {
  @PrimaryKey() id!: number;
  @Column({ length: 200 }) title!: string;
  @Column() views!: number;
  @ManyToOne(() => MUser) author!: Ref<MUser>;
}

const POSTS = 50_000;
const file = '/tmp/athanor-entity-memory.sqlite';

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc === undefined) throw new Error('Run with node --expose-gc.');
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const engine = createEngine(`sqlite://${file}`, { dialect: sqliteDialect });
  await engine.createAll(registry);
  await engine.execute(insert(table(MUser) as AnyTable).values([{ id: 1, username: 'author' }] as never));
  const posts = Array.from({ length: POSTS }, (_, i) => ({ id: i + 1, title: `post ${i + 1}`, views: i, authorId: 1 }));
  for (let i = 0; i < POSTS; i += 2000) await engine.execute(insert(table(MPost) as AnyTable).values(posts.slice(i, i + 2000) as never));
  for (let warm = 0; warm < 3; warm++) {
    await using s = engine.session();
    await s.find(MPost);
  }
  const samples: number[] = [];
  for (let run = 0; run < 5; run++) {
    gc();
    gc();
    const before = process.memoryUsage().heapUsed;
    await using s = engine.session();
    const loaded = await s.find(MPost);
    gc();
    gc();
    const after = process.memoryUsage().heapUsed;
    samples.push((after - before) / loaded.length);
  }
  samples.sort((a, b) => a - b);
  console.log(`bytes per entity (median of ${samples.length}): ${samples[Math.floor(samples.length / 2)]!.toFixed(1)}  [${samples.map((b) => b.toFixed(1)).join(', ')}]`);
  await engine.dispose();
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
}

void main();
