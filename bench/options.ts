/**
 * The bench's command line (`npm run bench -- [options]`), with the sizes of a full run
 * and of a quick one (`--quick`, under two minutes).
 */
import { parseArgs } from 'node:util';
import type { Runtime } from './processes';

export const ROW_IDS = ['1', '2', '3', '4', '5', '6', '8', '9', '10'] as const;
export type RowId = (typeof ROW_IDS)[number];

export interface BenchOptions {
  quick: boolean;
  /** Runs of each short measurement (the table shows their median and min–max). */
  runs: number;
  connections: number;
  /** Seconds of each short load run, and of the warm-up before the first one. */
  loadSeconds: number;
  warmupSeconds: number;
  /** Row 3: seconds the offered rate is held (after `warmupSeconds`), and worker process counts tried. */
  sustainedSeconds: number;
  sustainedWorkers: number[];
  /** Row 3: the offered rate as a share of the bare Koa POST rate of this run. */
  sustainedRateRatio: number;
  /** Row 3 and the fill of row 4: events per request (1 = single-event requests). */
  sustainedBatch: number;
  /** Row 4: events queued per run, and events per fill request. */
  drainEvents: number;
  drainBatch: number;
  /** Rows 4–6 run with this many worker processes. */
  workers: number;
  /** Row 5: seconds of probing, and the background rate, events/s. */
  freshnessSeconds: number;
  freshnessRate: number;
  runtime: Runtime;
  cpuProf: boolean;
  rows: Set<RowId>;
  /** Extra environment for the service's processes (`--env NAME=value`, repeatable). */
  serviceEnv: Record<string, string>;
  /** Render docs/performance.md, the README and media/bench.svg (a complete run without --env). */
  writeDocs: boolean;
  /** Render media/cost.svg whenever row 8 ran (`--only 8` too), but not with --env or --no-docs. */
  writeCostChart: boolean;
  /** A name for this run, kept in the JSON and its file name (for tuning series). */
  label?: string;
}

const USAGE = `usage: npm run bench -- [--quick] [--runs N] [--connections N] [--workers N]
  [--sustained-workers 1,2] [--batch N] [--only 1,3,…] [--env NAME=value …]
  [--tsx] [--cpu-prof] [--no-docs] [--label NAME]`;

export function parseOptions(argv: string[]): BenchOptions {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean', default: false },
      runs: { type: 'string' },
      connections: { type: 'string', default: '50' },
      workers: { type: 'string' },
      'sustained-workers': { type: 'string' },
      batch: { type: 'string', default: '1' },
      only: { type: 'string' },
      env: { type: 'string', multiple: true, default: [] },
      tsx: { type: 'boolean', default: false },
      'cpu-prof': { type: 'boolean', default: false },
      'no-docs': { type: 'boolean', default: false },
      label: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    process.exit(0);
  }
  const quick = values.quick;
  const serviceEnv = Object.fromEntries(
    values.env.map((pair) => {
      const at = pair.indexOf('=');
      if (at < 1) throw new Error(`--env expects NAME=value, got "${pair}"`);
      return [pair.slice(0, at), pair.slice(at + 1)];
    }),
  );
  const only = values.only?.split(',').map((id) => id.trim());
  const unknownRow = only?.find((id) => !ROW_IDS.includes(id as RowId));
  if (unknownRow !== undefined) throw new Error(`--only: no row "${unknownRow}"\n${USAGE}`);
  const workers = Number(values.workers ?? 2);
  return {
    quick,
    runs: Math.max(3, Number(values.runs ?? (quick ? 3 : 5))),
    connections: Number(values.connections),
    loadSeconds: quick ? 2 : 5,
    warmupSeconds: quick ? 1 : 3,
    sustainedSeconds: quick ? 15 : 60,
    sustainedWorkers: values['sustained-workers']
      ? values['sustained-workers'].split(',').map(Number)
      : quick
        ? [workers]
        : [1, 2],
    sustainedRateRatio: 0.33,
    sustainedBatch: Number(values.batch),
    drainEvents: quick ? 50_000 : 200_000,
    drainBatch: 100,
    workers,
    freshnessSeconds: quick ? 9 : 30,
    freshnessRate: 1_000,
    runtime: values.tsx ? 'tsx' : 'built',
    cpuProf: values['cpu-prof'],
    rows: new Set((only ?? ROW_IDS) as RowId[]),
    serviceEnv,
    writeDocs: !values['no-docs'] && only === undefined && values.env.length === 0,
    writeCostChart: !values['no-docs'] && values.env.length === 0,
    label: values.label,
  };
}
