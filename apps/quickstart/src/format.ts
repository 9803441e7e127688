/** Plain-text tables for the terminal: one header row, a rule, then the rows. */

function cell(value: unknown): string {
  if (value === null || value === undefined) return 'NULL';
  if (value instanceof Date) return value.toISOString();
  if (Buffer.isBuffer(value)) return `<${value.length} bytes>`;
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

const isNumeric = (value: unknown): boolean =>
  typeof value === 'number' || typeof value === 'bigint' || (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value));

/** Render rows as an aligned table; numbers are right-aligned. */
export function formatTable(rows: readonly Record<string, unknown>[], columns?: readonly string[]): string {
  const keys = columns ?? (rows.length > 0 ? Object.keys(rows[0]!) : []);
  if (keys.length === 0) return '(no columns)';
  const cells = rows.map((row) => keys.map((k) => cell(row[k])));
  const widths = keys.map((k, i) => Math.max(k.length, ...cells.map((r) => r[i]!.length)));
  const right = keys.map((k) => rows.length > 0 && rows.every((row) => row[k] === null || isNumeric(row[k])));
  const line = (values: readonly string[]): string =>
    values.map((v, i) => (right[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!))).join(' | ').trimEnd();
  const out = [line(keys), widths.map((w) => '-'.repeat(w)).join('-+-')];
  for (const r of cells) out.push(line(r));
  out.push(`(${rows.length} ${rows.length === 1 ? 'row' : 'rows'})`);
  return out.join('\n');
}
