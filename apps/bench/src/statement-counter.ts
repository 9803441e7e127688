import type { Engine, StatementEvent } from '@athanor/core';

/**
 * Counts the statements a run issues. Raw code calls `add()` per driver call (always on: an
 * increment costs nothing measurable). Athanor engines are `watch()`ed: the counter listens to
 * `beforeExecute` only between `start()` and `stop()`, because a listener takes the engine
 * off its fast path — the runner counts in the warm-up run and times without listeners.
 */
export class StatementCounter {
  private n = 0;
  private counting = false;
  private readonly engines = new Set<Engine>();
  private readonly listener = (_event: StatementEvent): void => {
    this.n++;
  };

  /**
   * True between `start()` and `stop()`. Peer ORMs report statements through a logger or
   * query hook that runs on every statement; they count only while this is true.
   */
  get active(): boolean {
    return this.counting;
  }

  add(statements = 1): void {
    this.n += statements;
  }

  watch(engine: Engine): void {
    if (this.engines.has(engine)) return;
    this.engines.add(engine);
    if (this.counting) engine.on('beforeExecute', this.listener);
  }

  start(): void {
    this.n = 0;
    if (this.counting) return;
    this.counting = true;
    for (const engine of this.engines) engine.on('beforeExecute', this.listener);
  }

  /** Stop listening; the statements counted since `start()`. */
  stop(): number {
    if (this.counting) {
      this.counting = false;
      for (const engine of this.engines) engine.off('beforeExecute', this.listener);
    }
    return this.n;
  }
}
