/**
 * The live progress line (stderr). On a terminal one line is rewritten in place; otherwise
 * (CI, a pipe) only the finished steps are printed, one per line.
 */
export interface Progress {
  /** Replace the live line. */
  update(text: string): void;
  /** Print a line that stays. */
  log(text: string): void;
  /** Clear the live line. */
  done(): void;
}

export const silentProgress: Progress = { update() {}, log() {}, done() {} };

export function terminalProgress(stream: NodeJS.WriteStream = process.stderr): Progress {
  const live = stream.isTTY === true;
  const started = performance.now();
  let shown = false;
  const elapsed = (): string => `${((performance.now() - started) / 1000).toFixed(0).padStart(4)} s`;
  const clear = (): void => {
    if (shown) stream.write('\r\x1b[K');
    shown = false;
  };
  return {
    update(text) {
      if (!live) return;
      const columns = stream.columns ?? 120;
      clear();
      stream.write(`[${elapsed()}] ${text}`.slice(0, columns - 1));
      shown = true;
    },
    log(text) {
      clear();
      stream.write(`[${elapsed()}] ${text}\n`);
    },
    done: clear,
  };
}
