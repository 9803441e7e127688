import { InvalidArgumentError } from '../errors/errors';
import type { CompiledQuery, ResultColumn } from '../sql/dialect';
import type { DriverResult, DriverRowBatch } from './driver';

export type ResultRow = Record<string, unknown>;
/** Turns a batch of driver rows (arrays) into row objects. */
export type RowBuilder = (rows: readonly unknown[][]) => ResultRow[];

/**
 * Builders are generated once per column list and cached on the list itself (a statement's
 * `columns` array is created once per compiled statement shape), so building a row is one
 * object literal with a fixed shape: no per-row reflection and one hidden class per query.
 */
const byResultColumns = new WeakMap<readonly ResultColumn[], RowBuilder>();
const byDriverColumns = new WeakMap<readonly string[], RowBuilder>();
/** Raw SQL has no column list of its own; drivers may hand out a new array per result. */
const byColumnNames = new Map<string, RowBuilder>();
const MAX_NAMED_BUILDERS = 512;

export function buildRows(compiled: CompiledQuery, result: DriverResult): ResultRow[] {
  const rows = result.rows;
  if (rows.length === 0) return [];
  return builderFor(compiled, result.columns)(rows);
}

const NO_COLUMNS: readonly string[] = Object.freeze([]);

/** Row objects for one streamed batch. */
export function buildBatch(compiled: CompiledQuery, batch: DriverRowBatch): ResultRow[] {
  if (compiled.columns === undefined && batch.columns === undefined) {
    throw new InvalidArgumentError(
      'stream() cannot name the columns of this statement: it was compiled without result columns ' +
        'and the driver adapter did not report them; use execute() or a statement built with select()',
    );
  }
  return builderFor(compiled, batch.columns ?? NO_COLUMNS)(batch);
}

export function builderFor(compiled: CompiledQuery, driverColumns: readonly string[]): RowBuilder {
  const columns = compiled.columns;
  if (columns !== undefined) {
    let builder = byResultColumns.get(columns);
    if (builder === undefined) {
      builder = generate(
        columns.map((c) => c.key),
        columns.map((c) => c.decode),
      );
      byResultColumns.set(columns, builder);
    }
    return builder;
  }
  let builder = byDriverColumns.get(driverColumns);
  if (builder !== undefined) return builder;
  const name = driverColumns.join('\u0000');
  builder = byColumnNames.get(name);
  if (builder === undefined) {
    builder = generate(driverColumns, []);
    if (byColumnNames.size >= MAX_NAMED_BUILDERS) byColumnNames.clear();
    byColumnNames.set(name, builder);
  }
  byDriverColumns.set(driverColumns, builder);
  return builder;
}

type Decoder = ((value: unknown) => unknown) | undefined;

let codegenAvailable = true;

function generate(keys: readonly string[], decoders: readonly Decoder[]): RowBuilder {
  if (codegenAvailable) {
    try {
      return generateCode(keys, decoders);
    } catch {
      // A Content-Security-Policy without 'unsafe-eval' forbids Function(); loop instead.
      codegenAvailable = false;
    }
  }
  return generateLoop(keys, decoders);
}

function generateCode(keys: readonly string[], decoders: readonly Decoder[]): RowBuilder {
  const args: string[] = [];
  const values: Decoder[] = [];
  const props = keys.map((key, i) => {
    // `__proto__: x` in a literal sets the prototype; the computed form defines a property.
    const name = key === '__proto__' ? `[${JSON.stringify(key)}]` : JSON.stringify(key);
    const decode = decoders[i];
    if (!decode) return `${name}: r[${i}]`;
    args.push(`d${i}`);
    values.push(decode);
    // SQL NULL stays null: decoders only ever see real values.
    return `${name}: (v = r[${i}]) == null ? null : d${i}(v)`;
  });
  const body =
    `return function buildRows(rows) {\n` +
    `  const n = rows.length, out = new Array(n);\n` +
    `  let r, v;\n` +
    `  for (let i = 0; i < n; i++) {\n` +
    `    r = rows[i];\n` +
    `    out[i] = { ${props.join(', ')} };\n` +
    `  }\n` +
    `  return out;\n` +
    `};`;
  // eslint-disable-next-line @typescript-eslint/no-implied-eval
  return new Function(...args, body)(...values) as RowBuilder;
}

function generateLoop(keys: readonly string[], decoders: readonly Decoder[]): RowBuilder {
  const width = keys.length;
  return (rows) => {
    const out = new Array<ResultRow>(rows.length);
    for (let i = 0; i < rows.length; i++) {
      const r = rows[i]!;
      const row: ResultRow = {};
      for (let c = 0; c < width; c++) {
        const value = r[c];
        const decode = decoders[c];
        Object.defineProperty(row, keys[c]!, {
          value: decode && value != null ? decode(value) : value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      out[i] = row;
    }
    return out;
  };
}
