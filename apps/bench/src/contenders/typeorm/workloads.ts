/**
 * TypeORM's code for the ORM workloads, each in its documented style: repositories, `insert`
 * for W1 (multi-row INSERTs that still hand back the generated keys, in one transaction),
 * `find` (with `relations` for W3), `findOneBy` for W4 and `save` for W5. TypeORM has no
 * unit of work over loaded entities, so N1 does not apply (see the contender's reasons).
 */
import type { DataSource } from 'typeorm';
import { w1Post, w1User, W1_RESET_SQL, w5NextAge } from '../../checks';
import { scatteredKeys } from '../../dataset';
import type { Implementation } from '../../model';
import { pgPlaceholders } from '../../schema';
import {
  type ChangeOutcome,
  inspectPkReads,
  inspectPosts,
  inspectUsersWithPosts,
  inspectW5,
  type PkReadsOutcome,
  rowsPerInsert,
  type W1Outcome,
  w1Inspector,
} from '../peer-results';
import { openDataSource } from './data-source';
import { Post, User } from './entities';

const closer = (dataSource: DataSource) => () => dataSource.destroy();

/** `?` placeholders in the shared SQL; TypeORM passes SQL to the driver as written. */
function nativeSql(dataSource: DataSource, sql: string): string {
  return dataSource.options.type === 'postgres' ? pgPlaceholders(sql) : sql;
}

const w1: Implementation = async (ctx) => {
  const dataSource = await openDataSource(ctx);
  const { sizes } = ctx;
  const usersPerInsert = rowsPerInsert(3);
  const postsPerInsert = rowsPerInsert(4);
  const reset = async (): Promise<void> => {
    await dataSource.query(nativeSql(dataSource, W1_RESET_SQL.posts), [sizes.posts]);
    await dataSource.query(nativeSql(dataSource, W1_RESET_SQL.users), [sizes.users]);
  };
  return {
    reset,
    run: () =>
      dataSource.transaction(async (manager): Promise<W1Outcome> => {
        const users = manager.getRepository(User);
        const posts = manager.getRepository(Post);
        const userIds: number[] = [];
        for (let start = 1; start <= sizes.w1Users; start += usersPerInsert) {
          const chunk: Partial<User>[] = [];
          for (let i = start; i < start + usersPerInsert && i <= sizes.w1Users; i++) chunk.push(w1User(i));
          const { identifiers } = await users.insert(chunk);
          for (const key of identifiers) userIds.push(key['id'] as number);
        }
        const postAuthorIds: number[] = [];
        let chunk: Partial<Post>[] = [];
        const flush = async (): Promise<void> => {
          await posts.insert(chunk);
          for (const post of chunk) postAuthorIds.push(post.authorId!);
          chunk = [];
        };
        for (let i = 1; i <= sizes.w1Users; i++) {
          for (let j = 0; j < sizes.postsPerUser; j++) {
            chunk.push({ ...w1Post(i, j), authorId: userIds[i - 1]! });
            if (chunk.length === postsPerInsert) await flush();
          }
        }
        if (chunk.length > 0) await flush();
        return { userIds, postAuthorIds };
      }),
    inspect: w1Inspector(sizes),
    // Leave the seeded tables to the workloads after W1.
    teardown: () => reset().finally(closer(dataSource)),
  };
};

const w2: Implementation = async (ctx) => {
  const dataSource = await openDataSource(ctx);
  const posts = dataSource.getRepository(Post);
  return { run: () => posts.find(), inspect: inspectPosts, teardown: closer(dataSource) };
};

const w3: Implementation = async (ctx) => {
  const dataSource = await openDataSource(ctx);
  const users = dataSource.getRepository(User);
  const take = ctx.sizes.w3Users;
  return {
    run: () => users.find({ relations: { posts: true }, order: { id: 'ASC' }, take }),
    inspect: (found: User[]) => inspectUsersWithPosts(found.map((u) => ({ posts: u.posts ?? [] }))),
    teardown: closer(dataSource),
  };
};

const w4: Implementation = async (ctx) => {
  const dataSource = await openDataSource(ctx);
  const users = dataSource.getRepository(User);
  const keys = scatteredKeys(ctx.sizes.w4Reads, ctx.sizes.users);
  return {
    async run(): Promise<PkReadsOutcome> {
      const outcome: PkReadsOutcome = { found: 0, idSum: 0 };
      for (const id of keys) {
        const user = await users.findOneBy({ id });
        if (user !== null) {
          outcome.found++;
          outcome.idSum += user.id;
        }
      }
      return outcome;
    },
    inspect: inspectPkReads,
    teardown: closer(dataSource),
  };
};

const w5: Implementation = async (ctx) => {
  const dataSource = await openDataSource(ctx);
  const users = dataSource.getRepository(User);
  return {
    async run(): Promise<ChangeOutcome> {
      const loaded = await users.find();
      let changed = 0;
      for (const user of loaded) {
        const next = w5NextAge(user.age);
        if (next !== user.age) changed++;
        user.age = next;
      }
      await users.save(loaded);
      return { loaded: loaded.length, changed };
    },
    inspect: inspectW5,
    teardown: closer(dataSource),
  };
};

export const typeOrmImplementations = { W1: w1, W2: w2, W3: w3, W4: w4, W5: w5 } as const;
