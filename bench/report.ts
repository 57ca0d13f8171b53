/**
 * Where the results go: bench/results/latest.json (and a dated copy beside it, both
 * git-ignored), the full table inside docs/performance.md's Results section, a short
 * headline table inside the README's Performance section (each between its markers, the
 * prose around it untouched), and the row 3 chart in media/bench.svg.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderChart, type ChartRun } from './chart';
import { ROOT, RESULTS_DIR } from './processes';
import { markdownTable, type Figure } from './table';

export const DOCS_FILES = {
  full: path.join(ROOT, 'docs', 'performance.md'),
  headline: path.join(ROOT, 'README.md'),
};
export const CHART_FILE = path.join(ROOT, 'media', 'bench.svg');
const MARKERS = {
  full: ['<!-- bench:results:start -->', '<!-- bench:results:end -->'],
  headline: ['<!-- bench:headline:start -->', '<!-- bench:headline:end -->'],
} as const;

/** The README's rows: each reference rate and the main figure of every row, by row number. */
const HEADLINE: ReadonlyArray<readonly [row: string, label: string]> = [
  ['0', 'POST'],
  ['0', 'GET'],
  ['1', 'accepted'],
  ['1', 'p99'],
  ['2', 'accepted'],
  ['3', 'persisted'],
  ['4', 'drained'],
  ['5', 'p99'],
  ['6', 'answered'],
  ['7', 'API RSS peak during'],
  ['8', 'CPU per event, whole system'],
  ['9', 'backlog drained'],
  ['9', 'one shard carries (recency data)'],
  ['9', "the queues' master carries (queues)"],
  ['10', 'persisted'],
];

export function headlineFigures(figures: Figure[]): Figure[] {
  return figures.filter((figure) =>
    HEADLINE.some(([row, label]) => figure.row.split(' ')[0] === row && figure.label === label),
  );
}

export async function saveJson(results: object, label?: string): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const json = `${JSON.stringify(results, null, 2)}\n`;
  const stamp = new Date().toISOString().replaceAll(':', '-').replace(/\..*/, '');
  const name = label ? `${stamp}-${label.replace(/[^\w.=-]+/g, '_')}` : stamp;
  await writeFile(path.join(RESULTS_DIR, `${name}.json`), json);
  const latest = path.join(RESULTS_DIR, 'latest.json');
  await writeFile(latest, json);
  return latest;
}

/** `file`'s text with the block between its markers replaced by `lines`. */
async function replaceBlock(
  file: string,
  [start, end]: readonly [string, string],
  lines: string[],
): Promise<string> {
  const current = await readFile(file, 'utf8');
  const [before, rest] = current.split(start);
  const after = rest?.split(end)[1];
  if (before === undefined || after === undefined) {
    throw new Error(`${file} has no ${start} … ${end} block`);
  }
  return `${before}${[start, ...lines, end].join('\n')}${after}`;
}

/**
 * Replaces the full table (with the machine, the settings and every note) in
 * docs/performance.md and the headline table in the README. `heading[0]` names the run
 * and its date; both tables carry it.
 */
export async function writeDocsTable(
  figures: Figure[],
  heading: string[],
  files: { full: string; headline: string } = DOCS_FILES,
): Promise<void> {
  const notes = figures
    .filter((figure) => figure.note)
    .map((figure) => `- ${figure.row}, ${figure.label}: ${figure.note}`);
  const full = await replaceBlock(files.full, MARKERS.full, [
    ...heading,
    '',
    markdownTable(figures),
    '',
    ...notes,
  ]);
  const fullLink = path
    .relative(path.dirname(files.headline), files.full)
    .split(path.sep)
    .join('/');
  const headline = await replaceBlock(files.headline, MARKERS.headline, [
    `${heading[0]} Every figure, its notes and the machine: [${fullLink}](${fullLink}#results).`,
    '',
    markdownTable(headlineFigures(figures)),
  ]);
  // Both blocks are found before either file is written: a missing marker changes nothing.
  await writeFile(files.full, full);
  await writeFile(files.headline, headline);
}

export async function writeChart(runs: ChartRun[], title: string): Promise<void> {
  await mkdir(path.dirname(CHART_FILE), { recursive: true });
  await writeFile(CHART_FILE, await renderChart(runs, title));
}
