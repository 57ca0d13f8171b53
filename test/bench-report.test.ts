/**
 * The bench's report (bench/report.ts): the full table goes between its markers in
 * docs/performance.md and the headline rows between theirs in the README, the prose around
 * each untouched; a file without its markers is an error, not a silent append.
 */
import { mkdtemp, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import test from 'ava';
import { headlineFigures, writeDocsTable } from '../bench/report';
import { toFigure, type Measure } from '../bench/table';

const bare = { label: 'bare POST', values: [100, 110, 120] };
const MEASURES: Measure[] = [
  { row: '0 bare Koa (reference)', label: 'POST', unit: 'req/s', values: [100, 110, 120] },
  { row: '0 bare Koa (reference)', label: 'POST p99', unit: 'ms', values: [4, 5, 6] },
  {
    row: '1 single-event ingest, workers stopped',
    label: 'accepted',
    unit: 'req/s',
    values: [50, 55, 60],
    reference: bare,
    target: { minRatio: 0.6, text: '≥ 0.60×' },
    note: 'the note of row 1',
  },
  { row: '1 single-event ingest, workers stopped', label: 'p50', unit: 'ms', values: [3] },
  { row: '10 a later row', label: 'accepted', unit: 'req/s', values: [1] },
];

async function files(t: { teardown: (fn: () => Promise<void>) => void }) {
  const root = await mkdtemp(path.join(tmpdir(), 'bench-report-'));
  t.teardown(() => rm(root, { recursive: true, force: true }));
  await mkdir(path.join(root, 'docs'));
  const full = path.join(root, 'docs', 'performance.md');
  const headline = path.join(root, 'README.md');
  await writeFile(
    full,
    '# Perf\n\nbefore\n<!-- bench:results:start -->\nold\n<!-- bench:results:end -->\nafter\n',
  );
  await writeFile(
    headline,
    '# App\n\nintro\n<!-- bench:headline:start -->\nold\n<!-- bench:headline:end -->\nrest\n',
  );
  return { full, headline };
}

test('the full table, with notes, goes to the docs; the headline rows to the README', async (t) => {
  const paths = await files(t);
  const figures = MEASURES.map(toFigure);
  await writeDocsTable(figures, ['Quick run of 2026-01-01T00:00Z.', '', 'Machine: m.'], paths);

  const full = await readFile(paths.full, 'utf8');
  t.true(full.startsWith('# Perf\n\nbefore\n<!-- bench:results:start -->\nQuick run of'));
  t.true(full.endsWith('<!-- bench:results:end -->\nafter\n'));
  t.false(full.includes('\nold\n'));
  t.true(full.includes('Machine: m.'));
  t.true(full.includes('| POST p99 |'));
  t.true(full.includes('| p50 |'));
  t.true(full.includes('- 1 single-event ingest, workers stopped, accepted: the note of row 1'));
  t.true(full.includes('| 0.50× bare POST 110 | ≥ 0.60× | NO |'));

  const readme = await readFile(paths.headline, 'utf8');
  t.true(readme.startsWith('# App\n\nintro\n<!-- bench:headline:start -->\nQuick run of'));
  t.true(readme.endsWith('<!-- bench:headline:end -->\nrest\n'));
  t.true(readme.includes('[docs/performance.md](docs/performance.md#results)'));
  t.true(readme.includes('| 0 bare Koa (reference) | POST | 110 req/s |'));
  t.true(readme.includes('| 1 single-event ingest, workers stopped | accepted | 55.0 req/s |'));
  t.false(readme.includes('POST p99'), 'not a headline row');
  t.false(readme.includes('| p50 |'), 'not a headline row');
  t.false(readme.includes('a later row'), 'row 10 is not row 1');
  t.false(readme.includes('Machine: m.'), 'the machine is in the docs only');
  t.false(readme.includes('the note of row 1'), 'notes are in the docs only');
});

test('the headline keeps the figures of its list, in the table’s order', (t) => {
  const labels = headlineFigures(MEASURES.map(toFigure)).map((f) => `${f.row}: ${f.label}`);
  t.deepEqual(labels, [
    '0 bare Koa (reference): POST',
    '1 single-event ingest, workers stopped: accepted',
  ]);
});

test('a file without its markers is refused, and neither file is changed', async (t) => {
  const paths = await files(t);
  await writeFile(paths.headline, '# App\n\nno markers\n');
  const docsBefore = await readFile(paths.full, 'utf8');
  await t.throwsAsync(writeDocsTable(MEASURES.map(toFigure), ['Run.'], paths), {
    message: /has no <!-- bench:headline:start -->/,
  });
  t.is(await readFile(paths.headline, 'utf8'), '# App\n\nno markers\n');
  t.is(await readFile(paths.full, 'utf8'), docsBefore);
});
