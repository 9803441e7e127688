/** Order statistics over run times and latencies. */

export function sortedCopy(values: ArrayLike<number>): Float64Array {
  return Float64Array.from(values as ArrayLike<number>).sort();
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const s = sortedCopy(values);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

/** Nearest-rank percentile (p in 0..1) of sorted values. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil(p * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

/** Median of each metric over runs (metrics missing from a run are left out of its median). */
export function medianMetrics(list: readonly (Readonly<Record<string, number>> | undefined)[]): Record<string, number> | undefined {
  const byKey = new Map<string, number[]>();
  for (const metrics of list) {
    if (!metrics) continue;
    for (const [key, value] of Object.entries(metrics)) {
      let values = byKey.get(key);
      if (!values) byKey.set(key, (values = []));
      values.push(value);
    }
  }
  if (byKey.size === 0) return undefined;
  return Object.fromEntries([...byKey].map(([key, values]) => [key, median(values)]));
}
