import type { Engine, StatementEvent } from '@athanor/core';

export interface RecordedStatement {
  readonly sql: string;
  readonly params: readonly unknown[];
}

/** BEGIN/COMMIT/SAVEPOINT and friends: how many there are differs by dialect, not by behaviour. */
const TRANSACTION_CONTROL = /^\s*(BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|START\s+TRANSACTION|SET\s+TRANSACTION|END)\b/i;

export function isTransactionControl(sql: string): boolean {
  return TRANSACTION_CONTROL.test(sql);
}

/**
 * Records the statements an engine sends (its beforeExecute event), for tests that assert how
 * many statements an operation issues and what they look like.
 */
export class StatementRecorder {
  /** Every statement, transaction control included. */
  readonly all: RecordedStatement[] = [];
  private readonly listener = (event: StatementEvent): void => {
    this.all.push({ sql: event.sql, params: event.params });
  };
  private active = true;

  constructor(private readonly engine: Engine) {
    engine.on('beforeExecute', this.listener);
  }

  /** The statements without transaction control (BEGIN, COMMIT, SAVEPOINT…). */
  get statements(): RecordedStatement[] {
    return this.all.filter((s) => !isTransactionControl(s.sql));
  }

  /** SQL text of `statements`. */
  get sql(): string[] {
    return this.statements.map((s) => s.sql);
  }

  /** Number of `statements`. */
  get count(): number {
    return this.statements.length;
  }

  clear(): void {
    this.all.length = 0;
  }

  /** Run `fn` and return what it recorded (the recorder is cleared first). */
  async during<T>(fn: () => Promise<T>): Promise<{ result: T; statements: RecordedStatement[] }> {
    this.clear();
    const result = await fn();
    return { result, statements: this.statements };
  }

  stop(): void {
    if (!this.active) return;
    this.active = false;
    this.engine.off('beforeExecute', this.listener);
  }
}
