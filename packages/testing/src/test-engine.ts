import type { Engine, EngineOptions } from '@athanor/core';
import type { DialectContext } from './dialect-matrix';
import type { StatementRecorder } from './statement-recorder';

/** The engine and statement recorder of a test block, available inside hooks and tests. */
export interface TestEngine {
  readonly engine: Engine;
  readonly recorder: StatementRecorder;
}

export interface TestEngineOptions {
  /** Once, before recording starts: create the tables, seed rows (its statements are not recorded). */
  readonly setUp?: (engine: Engine) => Promise<unknown>;
  /** Before each test, before the recorder is cleared: empty the tables the tests write. */
  readonly reset?: (engine: Engine) => Promise<unknown> | void;
  readonly engineOptions?: EngineOptions;
  /** Time allowed for `setUp` (large seeds). */
  readonly setUpTimeoutMs?: number;
}

/**
 * The set-up most ORM test blocks share: one engine for the block, `setUp` run once, statements
 * recorded from then on, and before each test `reset` run and the recording cleared. Call it
 * while declaring the block; read `engine` and `recorder` inside hooks and tests.
 */
export function useTestEngine(ctx: DialectContext, options: TestEngineOptions = {}): TestEngine {
  let engine: Engine | undefined;
  let recorder: StatementRecorder | undefined;
  beforeAll(async () => {
    engine = ctx.createEngine(options.engineOptions);
    await options.setUp?.(engine);
    recorder = ctx.recordStatements(engine);
  }, options.setUpTimeoutMs);
  beforeEach(async () => {
    await options.reset?.(engine!);
    recorder!.clear();
  });
  return {
    get engine(): Engine {
      if (engine === undefined) throw new Error('useTestEngine(): the engine exists inside beforeAll/beforeEach hooks and tests, not while tests are being declared.');
      return engine;
    },
    get recorder(): StatementRecorder {
      if (recorder === undefined) throw new Error('useTestEngine(): the recorder exists inside hooks and tests (after set-up), not while tests are being declared.');
      return recorder;
    },
  };
}
