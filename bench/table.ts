/**
 * The bench's one table: each figure as the median of its runs with min–max, beside its
 * reference (the bare Koa app, measured in the same run) as a ratio, and its target.
 * Rendered as text for the terminal and as Markdown for docs/performance.md (every row)
 * and the README (the headline rows), by bench/report.ts.
 */
import { spread, type Spread } from './stats';

export interface Target {
  /** The figure divided by its reference must be at least this. */
  minRatio?: number;
  /** The figure itself must be at most this (in its unit). */
  max?: number;
  /** Judged by the row itself (a flat backlog, flat memory): true when met. */
  met?: boolean;
  text: string;
}

export interface Measure {
  row: string;
  label: string;
  unit: string;
  values: number[];
  reference?: { label: string; values: number[] };
  target?: Target;
  note?: string;
}

export interface Figure extends Measure, Spread {
  referenceMedian?: number;
  ratio?: number;
  met?: boolean;
}

export function toFigure(measure: Measure): Figure {
  const figure: Figure = { ...measure, ...spread(measure.values) };
  if (measure.reference) {
    figure.referenceMedian = spread(measure.reference.values).median;
    figure.ratio = figure.median / figure.referenceMedian;
  }
  const { target } = measure;
  if (target) {
    const checks: boolean[] = [];
    if (target.minRatio !== undefined) checks.push((figure.ratio ?? NaN) >= target.minRatio);
    if (target.max !== undefined) checks.push(figure.median <= target.max);
    if (target.met !== undefined) checks.push(target.met);
    figure.met = checks.every(Boolean);
  }
  return figure;
}

const grouped = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatNumber(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '–';
  if (Math.abs(value) >= 100) return grouped.format(value);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

function cells(figure: Figure): string[] {
  const unit = figure.unit ? ` ${figure.unit}` : '';
  const ratio =
    figure.ratio === undefined
      ? '–'
      : `${figure.ratio.toFixed(2)}× ${figure.reference!.label} ${formatNumber(figure.referenceMedian)}`;
  const met = figure.met === undefined ? '' : figure.met ? 'yes' : 'NO';
  return [
    figure.row,
    figure.label,
    `${formatNumber(figure.median)}${unit}`,
    `${formatNumber(figure.min)}–${formatNumber(figure.max)}`,
    ratio,
    figure.target?.text ?? '',
    met,
  ];
}

const HEADER = ['row', 'measure', 'median', 'min–max', 'ratio to bare Koa', 'target', 'met'];

/** The table for a terminal: aligned columns, the row name only on its first line. */
export function textTable(figures: Figure[]): string {
  const lines = [HEADER, ...figures.map(cells)].map((line, i, all) =>
    i > 0 && line[0] === all[i - 1]![0] ? ['', ...line.slice(1)] : line,
  );
  const widths = HEADER.map((_, c) => Math.max(...lines.map((line) => line[c]!.length)));
  const render = (line: string[]) =>
    line.map((cell, c) => (c >= 2 && c <= 3 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!)));
  const rule = widths.map((width) => '-'.repeat(width));
  return [render(lines[0]!), rule, ...lines.slice(1).map(render)]
    .map((line) => line.join('  ').trimEnd())
    .join('\n');
}

export function markdownTable(figures: Figure[]): string {
  const escape = (cell: string) => cell.replaceAll('|', '\\|');
  const lines = figures
    .map(cells)
    .map((line, i, all) => (i > 0 && line[0] === all[i - 1]![0] ? ['', ...line.slice(1)] : line));
  return [
    `| ${HEADER.join(' | ')} |`,
    `|${HEADER.map((_, c) => (c >= 2 && c <= 3 ? '---:' : '---')).join('|')}|`,
    ...lines.map((line) => `| ${line.map(escape).join(' | ')} |`),
  ].join('\n');
}
