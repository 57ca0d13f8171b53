/**
 * media/cost.svg: row 8, the whole system's CPU time per event against the offered rate,
 * stacked by process kind, with each rate's target (a multiple of the saturated figure)
 * as a tick, and the bare Koa app's CPU per request at the same rate as a diamond.
 * Rendered like media/bench.svg (vega-lite → vega, no browser).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { renderSvg } from './chart';
import { ROOT } from './processes';
import type { CostPoint } from './rows/cost';

export const COST_CHART_FILE = path.join(ROOT, 'media', 'cost.svg');

const PROCESS = { api: 'API', workers: 'worker', redis: 'Redis', postgres: 'PostgreSQL' };

const rateLabel = (point: CostPoint) =>
  point.saturated
    ? `saturated (${point.offeredPerSec.toLocaleString('en-US')}/s)`
    : `${point.offeredPerSec.toLocaleString('en-US')}/s`;

export function renderCostChart(points: CostPoint[], title: string): Promise<string> {
  const order = points.map(rateLabel);
  const bars = points.flatMap((point) =>
    Object.entries(PROCESS).map(([key, name], i) => ({
      rate: rateLabel(point),
      process: name,
      order: i,
      us: point.cpuPerEvent[key as keyof typeof PROCESS],
    })),
  );
  const targets = points
    .filter((point) => point.targetPerEvent !== undefined)
    .map((point) => ({ rate: rateLabel(point), target: point.targetPerEvent }));
  const floors = points
    .filter((point) => point.barePerRequest !== undefined)
    .map((point) => ({ rate: rateLabel(point), bare: point.barePerRequest }));
  const x = {
    field: 'rate',
    type: 'ordinal',
    sort: order,
    title: 'offered rate, single events',
    axis: { labelAngle: 0 },
  };
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    width: 420,
    height: 260,
    layer: [
      {
        data: { values: bars },
        mark: { type: 'bar' },
        encoding: {
          x,
          y: { field: 'us', type: 'quantitative', aggregate: 'sum', title: 'CPU µs per event' },
          color: { field: 'process', type: 'nominal', sort: Object.values(PROCESS), title: null },
          order: { field: 'order' },
        },
      },
      {
        data: { values: targets },
        mark: { type: 'tick', color: 'black', thickness: 2, size: 40 },
        encoding: { x, y: { field: 'target', type: 'quantitative' } },
      },
      {
        data: { values: floors },
        mark: { type: 'point', shape: 'diamond', filled: true, color: 'black', size: 60 },
        encoding: { x, y: { field: 'bare', type: 'quantitative' } },
      },
    ],
    config: { font: 'sans-serif', background: 'white' },
  } as const;
  return renderSvg(spec);
}

export async function writeCostChart(points: CostPoint[]): Promise<void> {
  await mkdir(path.dirname(COST_CHART_FILE), { recursive: true });
  const title = 'Row 8: whole-system CPU per event (tick: the target; ◆: bare Koa alone)';
  await writeFile(COST_CHART_FILE, await renderCostChart(points, title));
}
