/**
 * MikroORM's code for the ORM workloads, each in its documented style: a fresh `em.fork()`
 * per run (per `w4SessionReads` reads in W4; N1's fork lives from setup on), `persist` + one
 * `flush` for writes (its unit of work orders and batches the INSERTs/UPDATEs), `find`/`findOne` for reads, `populate` for W3 with its
 * default loading strategy. One ORM instance per workload setup, closed at teardown.
 */
import type { MikroORM } from '@mikro-orm/core';
import { w1Post, w1User, W1_RESET_SQL, w5NextAge } from '../../checks';
import { scatteredKeys } from '../../dataset';
import type { Implementation } from '../../model';
import {
  type ChangeOutcome,
  inspectN1,
  inspectPkReads,
  inspectPosts,
  inspectUsersWithPosts,
  inspectW5,
  n1Pick,
  type PkReadsOutcome,
  w1Inspector,
} from '../peer-results';
import { N1Item, Post, User } from './entities';
import { openMikroOrm } from './orm';

const closer = (orm: MikroORM) => () => orm.close(true);

const w1: Implementation = async (ctx) => {
  const orm = await openMikroOrm(ctx);
  const { sizes } = ctx;
  const check = w1Inspector(sizes);
  const reset = async (): Promise<void> => {
    const connection = orm.em.getConnection();
    await connection.execute(W1_RESET_SQL.posts, [sizes.posts], 'run');
    await connection.execute(W1_RESET_SQL.users, [sizes.users], 'run');
  };
  return {
    reset,
    async run(): Promise<{ users: User[]; posts: Post[] }> {
      const em = orm.em.fork();
      const users: User[] = [];
      const posts: Post[] = [];
      for (let i = 1; i <= sizes.w1Users; i++) {
        const user = Object.assign(new User(), w1User(i));
        users.push(user);
        for (let j = 0; j < sizes.postsPerUser; j++) {
          const post = Object.assign(new Post(), w1Post(i, j));
          // Adding to the inverse side sets `post.author`; persisting a user cascades to its posts.
          user.posts.add(post);
          posts.push(post);
        }
      }
      em.persist(users);
      await em.flush();
      return { users, posts };
    },
    inspect: ({ users, posts }: { users: User[]; posts: Post[] }) => check({ userIds: users.map((u) => u.id), postAuthorIds: posts.map((p) => p.author.id) }),
    // Leave the seeded tables to the workloads after W1.
    teardown: () => reset().finally(closer(orm)),
  };
};

const w2: Implementation = async (ctx) => {
  const orm = await openMikroOrm(ctx);
  return {
    run: () => orm.em.fork().find(Post, {}),
    inspect: inspectPosts,
    teardown: closer(orm),
  };
};

const w3: Implementation = async (ctx) => {
  const orm = await openMikroOrm(ctx);
  const limit = ctx.sizes.w3Users;
  return {
    run: () => orm.em.fork().find(User, {}, { populate: ['posts'], orderBy: { id: 'asc' }, limit }),
    inspect: (users: User[]) => inspectUsersWithPosts(users.map((u) => ({ posts: u.posts.getItems() }))),
    teardown: closer(orm),
  };
};

const w4: Implementation = async (ctx) => {
  const orm = await openMikroOrm(ctx);
  const { sizes } = ctx;
  const keys = scatteredKeys(sizes.w4Reads, sizes.users);
  return {
    async run(): Promise<PkReadsOutcome> {
      const outcome: PkReadsOutcome = { found: 0, idSum: 0 };
      let em = orm.em.fork();
      for (let r = 0; r < keys.length; r++) {
        if (r > 0 && r % sizes.w4SessionReads === 0) em = orm.em.fork();
        const user = await em.findOne(User, keys[r]!);
        if (user !== null) {
          outcome.found++;
          outcome.idSum += user.id;
        }
      }
      return outcome;
    },
    inspect: inspectPkReads,
    teardown: closer(orm),
  };
};

const w5: Implementation = async (ctx) => {
  const orm = await openMikroOrm(ctx);
  return {
    async run(): Promise<ChangeOutcome> {
      const em = orm.em.fork();
      const users = await em.find(User, {});
      let changed = 0;
      for (const user of users) {
        const next = w5NextAge(user.age);
        if (next !== user.age) changed++;
        user.age = next;
      }
      await em.flush();
      return { loaded: users.length, changed };
    },
    inspect: inspectW5,
    teardown: closer(orm),
  };
};

const n1: Implementation = async (ctx) => {
  const orm = await openMikroOrm(ctx);
  // Setup (untimed), as for Athanor: one fork loads and holds every row.
  const em = orm.em.fork();
  const items = await em.find(N1Item, {}, { orderBy: { id: 'asc' } });
  let changed = 0;
  em.getEventManager().registerSubscriber({ afterFlush: ({ uow }) => void (changed = uow.getChangeSets().length) });
  let run = 0;
  return {
    async run(): Promise<ChangeOutcome> {
      const { index, counter } = n1Pick(run++, items.length);
      items[index]!.counter = counter;
      // The flush has to find the one change among everything the fork holds.
      await em.flush();
      return { loaded: items.length, changed };
    },
    inspect: inspectN1,
    teardown: closer(orm),
  };
};

export const mikroOrmImplementations = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5, N1: n1 } as const;
