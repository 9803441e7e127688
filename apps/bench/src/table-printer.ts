/** The final tables, one per database, as plain text (also pasted into RESULTS.md). */
import type { BenchRecord, DbId, Skipped } from './model';
import type { BenchResult } from './runner';

const HEADERS = ['workload', 'contender', 'median ms', 'min–max ms', '× raw', 'stmts/run', 'peak RSS MB', 'metrics (median)'];
const RIGHT = [false, false, true, true, true, true, true, false];

export function formatMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms < 10) return ms.toFixed(2);
  if (ms < 100) return ms.toFixed(1);
  return ms.toFixed(0);
}

function formatMetric(value: number): string {
  if (Number.isInteger(value)) return value.toLocaleString('en-US');
  if (value >= 1000) return Math.round(value).toLocaleString('en-US');
  if (value >= 100) return value.toFixed(0);
  if (value >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function row(r: BenchRecord): string[] {
  const metrics = r.metrics ? Object.entries(r.metrics).map(([k, v]) => `${k} ${formatMetric(v)}`).join(', ') : '';
  return [
    r.workload,
    r.contender,
    formatMs(r.medianMs),
    `${formatMs(r.minMs)}–${formatMs(r.maxMs)}`,
    r.ratio === undefined ? '–' : `${r.ratio.toFixed(2)}×`,
    String(r.statements),
    r.rssMb.toFixed(0),
    metrics,
  ];
}

/** An aligned table; `markdown` gives pipes and a header rule GitHub renders. */
export function formatTable(records: readonly BenchRecord[], markdown = false): string {
  const cells = records.map(row);
  const widths = HEADERS.map((h, i) => Math.max(h.length, ...cells.map((c) => c[i]!.length)));
  const pad = (values: readonly string[]): string[] => values.map((v, i) => (RIGHT[i] ? v.padStart(widths[i]!) : v.padEnd(widths[i]!)));
  if (markdown) {
    const line = (values: readonly string[]): string => `| ${pad(values).join(' | ')} |`;
    const rule = `|${widths.map((w, i) => (RIGHT[i] ? `${'-'.repeat(w + 1)}:` : '-'.repeat(w + 2))).join('|')}|`;
    return [line(HEADERS), rule, ...cells.map(line)].join('\n');
  }
  const line = (values: readonly string[]): string => pad(values).join('  ').trimEnd();
  return [line(HEADERS), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.map(line)].join('\n');
}

function skippedLines(skipped: readonly Skipped[], db: DbId): string[] {
  return skipped.filter((s) => s.db === db).map((s) => `  not run: ${s.workload}${s.contender ? ` / ${s.contender}` : ''}: ${s.reason}`);
}

/** Every database's table with its server version, notes and what was not run. */
export function formatReport(result: BenchResult, heading: (db: DbId, server: string) => string = (db, server) => `== ${db} (${server})`, markdown = false): string {
  const out: string[] = [];
  const dbs = new Set<DbId>([...result.databases.map((d) => d.db), ...result.skipped.map((s) => s.db)]);
  for (const db of dbs) {
    const info = result.databases.find((d) => d.db === db);
    out.push(heading(db, info?.server ?? 'not available'), '');
    const records = result.records.filter((r) => r.db === db);
    if (records.length > 0) out.push(formatTable(records, markdown), '');
    for (const note of info?.notes ?? []) out.push(`  ${note}`);
    out.push(...skippedLines(result.skipped, db));
    out.push('');
  }
  for (const warning of result.warnings) out.push(`warning: ${warning}`);
  return out.join('\n').trimEnd() + '\n';
}
