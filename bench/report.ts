/**
 * Where the results go: bench/results/latest.json (and a dated copy beside it, both
 * git-ignored), the table inside the README's Performance section (between its bench markers, the
 * prose around it untouched), and the row 3 chart in media/bench.svg.
 */
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderChart, type ChartRun } from './chart';
import { ROOT, RESULTS_DIR } from './processes';
import { markdownTable, type Figure } from './table';

export const DOCS_FILE = path.join(ROOT, 'README.md');
export const CHART_FILE = path.join(ROOT, 'media', 'bench.svg');
const START = '<!-- bench:results:start -->';
const END = '<!-- bench:results:end -->';

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

/** Replaces the results block of the README's Performance section. */
export async function writeDocsTable(figures: Figure[], heading: string[]): Promise<void> {
  const notes = figures
    .filter((figure) => figure.note)
    .map((figure) => `- ${figure.row}, ${figure.label}: ${figure.note}`);
  const block = [START, ...heading, '', markdownTable(figures), '', ...notes, END].join('\n');
  const current = await readFile(DOCS_FILE, 'utf8').catch(
    () => `# Performance\n\n${START}\n${END}\n`,
  );
  const [before, rest] = current.split(START);
  const after = rest?.split(END)[1];
  if (before === undefined || after === undefined) {
    throw new Error(`${DOCS_FILE} has no ${START} … ${END} block`);
  }
  await mkdir(path.dirname(DOCS_FILE), { recursive: true });
  await writeFile(DOCS_FILE, `${before}${block}${after}`);
}

export async function writeChart(runs: ChartRun[], title: string): Promise<void> {
  await mkdir(path.dirname(CHART_FILE), { recursive: true });
  await writeFile(CHART_FILE, await renderChart(runs, title));
}
