import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Compilable, CompiledQuery, Logger } from '@athanor/core';

/** A raw statement for engine tests: the SQL and parameters as given. */
export function q<R = Record<string, unknown>>(
  sql: string,
  params: readonly unknown[] = [],
  extra: Omit<Partial<CompiledQuery>, 'sql' | 'params'> = {},
): Compilable<R> {
  const compiled = { sql, params, ...extra };
  return { compile: () => compiled };
}

/** A read-only statement (routable to replicas). */
export const read = <R = Record<string, unknown>>(sql: string, params: readonly unknown[] = []): Compilable<R> =>
  q<R>(sql, params, { readOnly: true });

export interface LogLine {
  readonly level: 'debug' | 'info' | 'warn' | 'error';
  readonly message: string;
}

export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  debug(message: string): void {
    this.lines.push({ level: 'debug', message });
  }
  info(message: string): void {
    this.lines.push({ level: 'info', message });
  }
  warn(message: string): void {
    this.lines.push({ level: 'warn', message });
  }
  error(message: string): void {
    this.lines.push({ level: 'error', message });
  }
  at(level: LogLine['level']): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}

export function tempDir(prefix = 'athanor-engine-'): { dir: string; file(name: string): string; cleanup(): void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, file: (name) => join(dir, name), cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function deferred<T = void>(): { promise: Promise<T>; resolve(value: T): void; reject(error: unknown): void } {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Wait until `check` holds (polling), failing after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`Timed out waiting for ${what}`);
    await delay(2);
  }
}
