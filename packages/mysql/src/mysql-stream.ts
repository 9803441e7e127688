import type { Connection, FieldPacket } from 'mysql2';
import type { DriverRowBatch } from '@athanor/core';

/** The event side of a mysql2 query/execute command issued without a callback. */
interface RowEmitter {
  on(event: 'fields', listener: (fields: FieldPacket[]) => void): this;
  on(event: 'result', listener: (row: unknown) => void): this;
  on(event: 'error', listener: (error: unknown) => void): this;
  on(event: 'end', listener: () => void): this;
}

/**
 * Rows of a running command in batches, with backpressure: once a batch is full the socket is
 * paused until the consumer asks for more, so at most about one batch is held in memory.
 *
 * The MySQL protocol cannot abandon a result half-way; a consumer that stops early makes the
 * remaining rows be read and dropped before the connection can run anything else.
 */
export async function* streamRows(conn: Connection, command: unknown, batchSize: number): AsyncGenerator<DriverRowBatch> {
  const emitter = command as RowEmitter;
  let columns: readonly string[] = [];
  let rows: unknown[][] = [];
  let finished = false;
  let failure: { error: unknown } | undefined;
  let discarding = false;
  let paused = false;
  let wake: (() => void) | undefined;
  const notify = (): void => {
    const w = wake;
    wake = undefined;
    w?.();
  };

  emitter.on('fields', (fields) => {
    columns = fields.map((f) => f.name);
  });
  emitter.on('result', (row) => {
    // Statements without a result set report an OK packet here, not a row.
    if (discarding || !Array.isArray(row)) return;
    rows.push(row);
    if (rows.length >= batchSize && !paused) {
      paused = true;
      conn.pause();
      notify();
    }
  });
  emitter.on('error', (error) => {
    failure = { error };
    finished = true;
    notify();
  });
  emitter.on('end', () => {
    finished = true;
    notify();
  });

  const resume = (): void => {
    if (paused) {
      paused = false;
      conn.resume();
    }
  };

  try {
    for (;;) {
      if (rows.length >= batchSize || (finished && rows.length > 0)) {
        const batch = rows.length > batchSize ? rows.splice(0, batchSize) : rows;
        if (batch === rows) rows = [];
        yield Object.assign(batch, { columns });
        continue;
      }
      if (failure) throw failure.error;
      if (finished) return;
      const arrived = new Promise<void>((resolve) => {
        wake = resolve;
      });
      resume();
      await arrived;
    }
  } finally {
    if (!finished) {
      discarding = true;
      rows = [];
      const drained = new Promise<void>((resolve) => {
        wake = resolve;
      });
      resume();
      if (!finished) await drained;
    }
  }
}
