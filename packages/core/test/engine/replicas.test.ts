import { ConfigurationError, createEngine, type Engine } from '@athanor/core';
import '@athanor/sqlite';
import { delay, MemoryLogger, q, read, tempDir, until } from './helpers';
import { recordingSqlite } from './sqlite-support';

/**
 * Each database file holds a row naming itself, so a read shows where it was routed. (No real
 * replication: routing is what is tested.)
 */
async function seed(url: string, name: string): Promise<void> {
  const engine = createEngine(url);
  await engine.execute(q('create table whoami (name text)'));
  await engine.execute(q('insert into whoami values (?)', [name]));
  await engine.dispose();
}

const WHO = 'select name from whoami';
const who = async (target: { execute: Engine['execute'] }, readOnly = true): Promise<string> =>
  ((await target.execute<{ name: string }>(readOnly ? read(WHO) : q(WHO)))[0]!).name;

describe('read replicas', () => {
  const tmp = tempDir('athanor-replicas-');
  let urls: { primary: string; r1: string; r2: string };
  let engine: Engine;
  beforeEach(async () => {
    const tag = `${Date.now()}${Math.random()}`;
    urls = {
      primary: `sqlite:${tmp.file(`primary${tag}.db`)}`,
      r1: `sqlite:${tmp.file(`r1${tag}.db`)}`,
      r2: `sqlite:${tmp.file(`r2${tag}.db`)}`,
    };
    await Promise.all([seed(urls.primary, 'primary'), seed(urls.r1, 'r1'), seed(urls.r2, 'r2')]);
    engine = createEngine(urls.primary, { replicas: [urls.r1] });
  });
  afterEach(() => engine.dispose());
  afterAll(() => tmp.cleanup());

  it('sends read-only statements to the replica and everything else to the primary', async () => {
    expect(await who(engine)).toBe('r1');
    expect(await who(engine, false)).toBe('primary'); // not marked read-only: treated as a write
    expect((await engine.run(read(WHO))).rows).toEqual([{ name: 'r1' }]);
    const streamed: string[] = [];
    for await (const row of engine.stream<{ name: string }>(q(WHO, [], { readOnly: true, columns: [{ key: 'name' }] }))) {
      streamed.push(row.name);
    }
    expect(streamed).toEqual(['r1']);
  });

  it('keeps transactions on the primary, reads included', async () => {
    expect(await engine.transaction((tx) => who(tx))).toBe('primary');
    expect(await engine.transaction((tx) => who(tx), { readOnly: true })).toBe('primary');
    const conn = await engine.connect();
    expect(await who(conn)).toBe('primary');
    await conn.release();
  });

  it('primary() forces the primary', async () => {
    expect(await who(engine.primary())).toBe('primary');
    expect(engine.primary()).toBe(engine.primary());
  });

  it('spreads reads round-robin over replicas', async () => {
    const two = createEngine(urls.primary, { replicas: [urls.r1, urls.r2] });
    const seen: string[] = [];
    for (let i = 0; i < 6; i++) seen.push(await who(two));
    expect(seen).toEqual(['r1', 'r2', 'r1', 'r2', 'r1', 'r2']);
    expect(two.stats().replicas?.map((r) => r.url)).toEqual([urls.r1, urls.r2]);
    await two.dispose();
  });

  it('a read scope reads replicas until it writes, then reads its writes from the primary', async () => {
    const scope = engine.readScope();
    expect(await who(scope)).toBe('r1');
    expect(scope.hasWritten).toBe(false);
    await scope.run(q('insert into whoami values (?)', ['written']));
    expect(scope.hasWritten).toBe(true);
    expect(await who(scope)).toBe('primary');
    expect((await scope.execute<{ n: number }>(read('select count(*) as n from whoami')))[0]!.n).toBe(2);
    // Other scopes and the engine itself are unaffected.
    expect(await who(engine.readScope())).toBe('r1');
    expect(await who(engine)).toBe('r1');

    const viaTx = engine.readScope();
    await viaTx.transaction(async () => undefined);
    expect(await who(viaTx)).toBe('primary');
    const readOnlyTx = engine.readScope();
    await readOnlyTx.transaction(async () => undefined, { readOnly: true });
    expect(await who(readOnlyTx)).toBe('r1');
    const marked = engine.readScope();
    marked.markWrite();
    expect(await who(marked)).toBe('primary');
  });

  it('a replica that loses its connection is skipped, its read answered by the primary, until it is back', async () => {
    const sqlite = recordingSqlite();
    const logger = new MemoryLogger();
    const routed = createEngine(urls.primary, { dialect: sqlite.dialect, replicas: [urls.r1], replicaRecheckMs: 30, logger });
    expect(await who(routed)).toBe('r1');
    const replicaConn = sqlite.connections.find((c) => c.db.name.includes('/r1'))!;
    sqlite.breakConnection(replicaConn.id);

    expect(await who(routed)).toBe('primary'); // failed over, no error to the caller
    expect(routed.stats().replicas?.[0]?.healthy).toBe(false);
    expect(logger.at('warn')).toEqual([expect.stringContaining(`Replica ${urls.r1} failed`)]);
    expect(await who(routed)).toBe('primary'); // skipped while unhealthy

    await delay(40);
    expect(await who(routed)).toBe('primary'); // this read starts a background check…
    await until(() => routed.stats().replicas?.[0]?.healthy === true, 2000, 'replica recheck');
    expect(await who(routed)).toBe('r1'); // …which put the replica back
    await routed.dispose();
  });

  it('healthCheck covers the replicas and puts a recovered one back', async () => {
    const sqlite = recordingSqlite();
    const routed = createEngine(urls.primary, {
      dialect: sqlite.dialect,
      replicas: [urls.r1],
      replicaRecheckMs: 60_000,
      logger: new MemoryLogger(),
    });
    expect(await routed.healthCheck({ timeoutMs: 1000 })).toMatchObject({ ok: true, replicas: [{ url: urls.r1, ok: true }] });
    sqlite.breakConnection(sqlite.connections.find((c) => c.db.name.includes('/r1'))!.id);
    expect(await who(routed)).toBe('primary');
    expect(await who(routed)).toBe('primary'); // no background recheck for a minute
    expect(await routed.healthCheck({ timeoutMs: 1000 })).toMatchObject({ ok: true, replicas: [{ ok: true }] });
    expect(await who(routed)).toBe('r1');
    await routed.dispose();
  });

  it('refuses replicas of another kind of database', () => {
    expect(() => createEngine(urls.primary, { replicas: ['postgres://h/db'] })).toThrow(ConfigurationError);
  });
});
