/**
 * media/bench.svg: row 3 over time, one column per worker configuration, sampled every
 * second: events accepted, persisted and folded per second, and the backlog of each queue.
 * Rendered by vega-lite → vega with no browser and no canvas (`renderer: 'none'`).
 */
import type { TopLevelSpec } from 'vega-lite' with { 'resolution-mode': 'import' };
import type { Sample } from './sampler';

export interface ChartRun {
  label: string;
  timeline: Sample[];
  /** The held period (after the warm-up), shaded. */
  heldFrom: number;
  heldTo: number;
}

const THROUGHPUT = 'events per second';
const BACKLOG = 'backlog, events';

const configOf = (label: string) => label.replace(/^3 sustained, /, '');

/** The held periods, one per panel, as rectangles. */
function heldPeriods(runs: ChartRun[]) {
  return runs.flatMap(({ label, heldFrom, heldTo }) =>
    [THROUGHPUT, BACKLOG].map((panel) => ({
      config: configOf(label),
      panel,
      from: heldFrom,
      to: heldTo,
    })),
  );
}

function lines(runs: ChartRun[]) {
  return runs.flatMap(({ label, timeline }) =>
    timeline.slice(1).flatMap((sample, i) => {
      const previous = timeline[i]!;
      const seconds = sample.t - previous.t;
      const rate = (key: 'accepted' | 'persisted' | 'folded') =>
        Math.max(0, (sample[key] - previous[key]) / seconds);
      const t = Math.round(sample.t * 10) / 10;
      const config = configOf(label);
      return [
        { config, t, panel: THROUGHPUT, series: 'accepted', value: rate('accepted') },
        { config, t, panel: THROUGHPUT, series: 'persisted', value: rate('persisted') },
        { config, t, panel: THROUGHPUT, series: 'folded', value: rate('folded') },
        { config, t, panel: BACKLOG, series: 'persist backlog', value: sample.backlogPersist },
        { config, t, panel: BACKLOG, series: 'recency backlog', value: sample.backlogRecency },
      ];
    }),
  );
}

/** A vega-lite spec as SVG text. */
export async function renderSvg(spec: object): Promise<string> {
  const vega = await import('vega');
  const vegaLite = await import('vega-lite');
  const { spec: compiled } = vegaLite.compile(spec as TopLevelSpec);
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  return svg;
}

export async function renderChart(runs: ChartRun[], title: string): Promise<string> {
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title,
    data: { values: [...heldPeriods(runs), ...lines(runs)] },
    facet: {
      row: { field: 'panel', title: null, sort: [THROUGHPUT, BACKLOG] },
      column: { field: 'config', title: null },
    },
    spec: {
      width: 380,
      height: 170,
      layer: [
        {
          transform: [{ filter: 'isValid(datum.from)' }],
          mark: { type: 'rect', color: '#888', opacity: 0.1 },
          encoding: { x: { field: 'from', type: 'quantitative' }, x2: { field: 'to' } },
        },
        {
          transform: [{ filter: 'isValid(datum.series)' }],
          mark: { type: 'line', strokeWidth: 1.5 },
          encoding: {
            x: {
              field: 't',
              type: 'quantitative',
              title: 'seconds since the load started (shaded: the held period)',
            },
            y: { field: 'value', type: 'quantitative', title: null },
            color: { field: 'series', type: 'nominal', title: null },
          },
        },
      ],
    },
    resolve: { scale: { y: 'independent' } },
    config: { font: 'sans-serif', background: 'white' },
  } as const;
  return renderSvg(spec);
}
