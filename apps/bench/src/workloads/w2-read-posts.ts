/**
 * W2: load all 50,000 posts as entities. Athanor: `session.find(Post)` in a fresh session per
 * run (hydration, identity map and change tracking included); raw: the one SELECT of W2-core.
 */
import { postsCheck } from '../checks';
import { benchEngine } from '../contenders/athanor';
import { Post } from '../entities';
import type { Implementation, Inspection, Workload } from '../model';
import { rawReadAllPosts } from './w2-core-read-posts';

function inspect(rows: readonly { readonly views: number }[]): Inspection {
  let views = 0;
  for (const row of rows) views += row.views;
  return postsCheck(rows.length, views);
}

const athanor: Implementation = async (ctx) => {
  const engine = benchEngine(ctx);
  return {
    async run(): Promise<Post[]> {
      const session = engine.session();
      try {
        return await session.find(Post);
      } finally {
        await session.close();
      }
    },
    inspect,
    teardown: () => engine.dispose(),
  };
};

export const w2ReadPosts: Workload = {
  id: 'W2',
  title: 'load all 50,000 posts as entities (fresh session per run)',
  expectedStatements: () => 1,
  implementations: { raw: rawReadAllPosts, athanor },
};
