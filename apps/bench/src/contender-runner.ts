/**
 * One contender's prepared workload, driven by the runner phase by phase: a counting run, the
 * warm-ups, the timed runs. In process by default; with `--isolate` each contender lives in
 * a child process of its own (contender-process.ts), so the garbage one ORM leaves behind
 * does not slow the next one's runs, while the runner still interleaves them A B C A B C.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { measure } from './measure';
import type { Implementation, Inspection, SetupContext, WorkloadRun } from './model';
import { StatementCounter } from './statement-counter';

export interface Counted {
  readonly statements: number;
  readonly inspection: Inspection;
}

export interface Timed {
  readonly ms: number;
  readonly rssMb: number;
  readonly inspection: Inspection;
}

export interface ContenderRunner {
  /** Untimed, with statement counting on. */
  count(): Promise<Counted>;
  /** Untimed, counting off. */
  warm(): Promise<Inspection>;
  /** GC, then the clock around one run. */
  timed(): Promise<Timed>;
  teardown(): Promise<void>;
}

function inspect(instance: WorkloadRun, out: unknown): Inspection {
  return instance.inspect?.(out) ?? {};
}

/** The contender in this process. */
export async function inProcessRunner(
  implementation: Implementation,
  ctx: Omit<SetupContext, 'counter'>,
  gc: (() => void) | undefined,
): Promise<ContenderRunner> {
  const counter = new StatementCounter();
  const instance = await implementation({ ...ctx, counter });
  return {
    async count() {
      await instance.reset?.();
      counter.start();
      const out = await instance.run();
      const statements = counter.stop();
      return { statements, inspection: inspect(instance, out) };
    },
    async warm() {
      await instance.reset?.();
      return inspect(instance, await instance.run());
    },
    async timed() {
      await instance.reset?.();
      const measured = await measure(() => instance.run(), gc);
      return { ms: measured.ms, rssMb: measured.rssMb, inspection: inspect(instance, measured.result) };
    },
    teardown: () => instance.teardown(),
  };
}

/** What the parent asks the child to set up. */
export interface ChildSetup {
  readonly workload: string;
  readonly contender: string;
  readonly ctx: Omit<SetupContext, 'counter'>;
}

export type ChildOp =
  | { readonly op: 'setup'; readonly setup: ChildSetup }
  | { readonly op: 'count' | 'warm' | 'timed' | 'teardown' };

export type ChildRequest = ChildOp & { readonly seq: number };

export interface ChildReply {
  readonly seq: number;
  readonly result?: unknown;
  readonly error?: string;
}

const CHILD_ENTRY = resolve(__dirname, 'contender-process.ts');

/** The contender in a child process of its own, set up there and answering over IPC. */
export async function isolatedRunner(setup: ChildSetup): Promise<ContenderRunner> {
  const child: ChildProcess = fork(CHILD_ENTRY, [], {
    execArgv: ['--expose-gc', '-r', '@swc-node/register'],
    // The bench's tsconfig (decorators for the entity classes), whoever started the run.
    cwd: resolve(__dirname, '..'),
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let seq = 0;
  const pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  const failAll = (error: Error): void => {
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  };
  child.on('message', (reply: ChildReply) => {
    const p = pending.get(reply.seq);
    if (!p) return;
    pending.delete(reply.seq);
    if (reply.error !== undefined) p.reject(new Error(`${setup.contender} (child process): ${reply.error}`));
    else p.resolve(reply.result);
  });
  child.on('exit', (code, signal) => failAll(new Error(`${setup.contender}'s process exited (${signal ?? code}) before answering`)));
  child.on('error', failAll);
  const ask = <T>(request: ChildOp): Promise<T> =>
    new Promise<T>((resolveReply, reject) => {
      const id = ++seq;
      pending.set(id, { resolve: resolveReply as (value: unknown) => void, reject });
      child.send({ ...request, seq: id });
    });
  await ask({ op: 'setup', setup });
  return {
    count: () => ask<Counted>({ op: 'count' }),
    warm: () => ask<Inspection>({ op: 'warm' }),
    timed: () => ask<Timed>({ op: 'timed' }),
    async teardown() {
      try {
        await ask({ op: 'teardown' });
      } finally {
        child.disconnect();
      }
    },
  };
}
