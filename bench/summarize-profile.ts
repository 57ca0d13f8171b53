/**
 * Summarizes V8 CPU profiles (`node --cpu-prof`, or `npm run bench -- --cpu-prof`, which
 * writes them to bench/results/profiles/): the functions with the most self time, and the
 * packages (or source folders) the time is spent in.
 *
 * Usage: npx tsx bench/summarize-profile.ts FILE.cpuprofile [--top 25] [--per N]
 * (`--per N`: also show each line's time divided by N, in µs: per request, per event…)
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface SelfTime {
  name: string;
  ms: number;
  share: number;
}

/** Where a script lives: `pkg:<package>`, a project folder, `node:internal`, or a VM state. */
function placeOf(url: string, functionName: string): string {
  if (!url) return functionName.startsWith('(') ? functionName : '(native)';
  // The bench's compiled copy of the service lives under node_modules/.cache/rti-bench.
  const compiled = /\.cache\/rti-bench\/(.*)$/.exec(url)?.[1];
  if (compiled) return compiled;
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
  if (pkg) return `pkg:${pkg}`;
  if (url.startsWith('node:')) return url.split('/').slice(0, 2).join('/');
  const relative = url.replace(/^file:\/\//, '');
  const inProject = /\/(src|jobs|bench)\/(.*)$/.exec(relative);
  return inProject ? `${inProject[1]}/${inProject[2]}` : path.basename(relative);
}

function rank(totals: Map<string, number>, totalMs: number, top: number): SelfTime[] {
  return Array.from(totals, ([name, ms]) => ({ name, ms, share: ms / totalMs }))
    .sort((a, b) => b.ms - a.ms)
    .slice(0, top);
}

/** Self time by function and by place (package or folder), highest first. */
export function summarizeProfile(profile: Profile, top = 25) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) => {
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0));
  });
  const byFunction = new Map<string, number>();
  const byPlace = new Map<string, number>();
  let totalMs = 0;
  for (const [id, us] of selfUs) {
    const { functionName, url, lineNumber } = byId.get(id)!.callFrame;
    const place = placeOf(url, functionName);
    const file = place.startsWith('pkg:')
      ? /node_modules\/(?:@[^/]+\/)?[^/]+\/(.*)$/.exec(url)?.[1]
      : undefined;
    const where = file ? `${place}/${file}` : place;
    const name = `${functionName || '(anonymous)'} ${where}${url ? `:${lineNumber + 1}` : ''}`;
    const ms = us / 1_000;
    totalMs += ms;
    byFunction.set(name, (byFunction.get(name) ?? 0) + ms);
    byPlace.set(place, (byPlace.get(place) ?? 0) + ms);
  }
  return {
    totalMs,
    functions: rank(byFunction, totalMs, top),
    places: rank(byPlace, totalMs, top),
  };
}

function print(title: string, rows: SelfTime[], per?: number): void {
  console.log(`\n${title}`);
  for (const { name, ms, share } of rows) {
    const each = per ? `${((ms * 1_000) / per).toFixed(1).padStart(7)} µs each  ` : '';
    console.log(
      `${(share * 100).toFixed(1).padStart(6)} %  ${ms.toFixed(0).padStart(7)} ms  ${each}${name}`,
    );
  }
}

if (require.main === module) {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { top: { type: 'string', default: '25' }, per: { type: 'string' } },
  });
  const [file] = positionals;
  if (!file) {
    console.error('usage: tsx bench/summarize-profile.ts FILE.cpuprofile [--top N] [--per N]');
    process.exit(2);
  }
  const per = values.per === undefined ? undefined : Number(values.per);
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const summary = summarizeProfile(profile, Number(values.top));
  console.log(`${path.basename(file)}: ${(summary.totalMs / 1_000).toFixed(1)} s sampled`);
  print('self time by function', summary.functions, per);
  print('self time by package or folder', summary.places, per);
}
