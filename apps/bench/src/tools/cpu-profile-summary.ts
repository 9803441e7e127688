/**
 * Where a `--cpu-prof` profile spent its time, by function: self time and inclusive time.
 *
 *   node --cpu-prof --cpu-prof-dir=.work/prof --expose-gc -r @swc-node/register src/main.ts \
 *     --db sqlite --workload W4-core --contender athanor --runs 20
 *   node -r @swc-node/register src/tools/cpu-profile-summary.ts .work/prof/*.cpuprofile [top] [regex]
 *
 * The profile covers the whole process (seeding included); more runs make the workload dominate.
 */
import { readFileSync } from 'node:fs';

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}
interface Profile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

function label(n: ProfileNode): string {
  const f = n.callFrame;
  const url = f.url.replace(/^file:\/\//, '').replace(/^.*?\/(packages|apps|node_modules)\//, '$1/');
  return `${f.functionName || '(anonymous)'} ${url}:${f.lineNumber + 1}`;
}

export function summarize(profile: Profile): { totalMs: number; self: Map<string, number>; inclusive: Map<string, number> } {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let totalMs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const ms = (profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0) / 1000;
    totalMs += ms;
    let id: number | undefined = profile.samples[i]!;
    const leaf = label(byId.get(id)!);
    self.set(leaf, (self.get(leaf) ?? 0) + ms);
    const seen = new Set<string>(); // a recursive function counts once per sample
    while (id !== undefined) {
      const name = label(byId.get(id)!);
      if (!seen.has(name)) {
        seen.add(name);
        inclusive.set(name, (inclusive.get(name) ?? 0) + ms);
      }
      id = parent.get(id);
    }
  }
  return { totalMs, self, inclusive };
}

function main(argv: readonly string[]): void {
  const [file, topArg, pattern] = argv;
  if (!file) throw new Error('usage: cpu-profile-summary.ts FILE.cpuprofile [top=30] [regex]');
  const top = Number(topArg ?? 30);
  const filter = pattern ? new RegExp(pattern) : undefined;
  const { totalMs, self, inclusive } = summarize(JSON.parse(readFileSync(file, 'utf8')) as Profile);
  for (const [title, times] of [['self', self], ['inclusive', inclusive]] as const) {
    console.log(`--- ${title} time (profile total ${totalMs.toFixed(0)} ms)`);
    [...times]
      .filter(([name]) => !filter || filter.test(name))
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .forEach(([name, ms]) => console.log(`${ms.toFixed(1).padStart(9)} ms ${((100 * ms) / totalMs).toFixed(1).padStart(5)}%  ${name}`));
  }
}

if (require.main === module) main(process.argv.slice(2));
