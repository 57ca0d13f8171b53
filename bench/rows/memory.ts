/**
 * Row 7: memory around each sustained run (row 3). Processes: the RSS of the API and of
 * the largest worker process before the run, at its peak during it, and after it (queues
 * empty again), compared to the bare Koa process; "flat" compares the start and the end
 * of the held period (a fresh process grows to its working size during the warm-up).
 * Redis: the memory of the queues' keys (it should stay flat under steady load: completed
 * jobs are removed) at the start and the end of the held period, and the growth of the
 * recency data per event folded.
 */
import type { BenchContext } from '../context';
import type { Sample } from '../sampler';
import type { SustainedResult } from './sustained';
import type { Measure } from '../table';

const LIMIT_MB = 200;
/** A figure counts as flat when it ends within this share (and 5 MB) of where it started. */
const FLAT_SHARE = 0.2;
const isFlat = (from: number, to: number) => to <= from * (1 + FLAT_SHARE) + 5;

/** The last sample at or before `t` (the first one if none). */
const sampleAt = (timeline: Sample[], t: number) =>
  timeline.filter((s) => s.t <= t).at(-1) ?? timeline[0]!;

export function memoryMeasures(
  ctx: BenchContext,
  runs: SustainedResult[],
  apiPeakMb: number,
): Measure[] {
  const row = '7 memory around row 3';
  const reference = { label: 'bare Koa RSS', values: ctx.reference.rssMb };
  const processMeasures = (name: 'API' | 'worker', key: 'apiRssMb' | 'workerRssMb'): Measure[] => {
    const held = runs.map((run) => ({
      from: sampleAt(run.timeline, run.heldFrom)[key],
      to: sampleAt(run.timeline, run.heldTo)[key],
    }));
    const flat = held.every(({ from, to }) => isFlat(from, to));
    return [
      {
        row,
        label: `${name} RSS before`,
        unit: 'MB',
        values: runs.map((run) => run.before[key]),
        reference,
      },
      {
        row,
        label: `${name} RSS peak during`,
        unit: 'MB',
        values: runs.map((run) => Math.max(...run.timeline.map((s) => s[key]))),
        reference,
        target: { max: LIMIT_MB, text: `< ${LIMIT_MB} MB` },
      },
      {
        row,
        label: `${name} RSS after`,
        unit: 'MB',
        values: runs.map((run) => run.after[key]),
        reference,
        target: { max: LIMIT_MB, met: flat, text: `< ${LIMIT_MB} MB, flat` },
        note: `held period: ${held.map(({ from, to }) => `${from.toFixed(0)} → ${to.toFixed(0)} MB`).join(', ')}`,
      },
    ];
  };
  const queueAt = (run: SustainedResult, t: number) => sampleAt(run.timeline, t).queueMb;
  // Judged from the middle of the held period: until then the queues fill up to the
  // completed jobs BullMQ keeps (removeOnComplete), which is a bound, not a leak.
  const middle = (run: SustainedResult) => (run.heldFrom + run.heldTo) / 2;
  const queueFlat = runs.every((run) =>
    isFlat(queueAt(run, middle(run)), queueAt(run, run.heldTo)),
  );
  const folded = runs.reduce((sum, run) => sum + (run.timeline.at(-1)?.folded ?? 0), 0);
  const dataGrowth = runs.reduce((sum, run) => sum + run.after.dataMb - run.before.dataMb, 0);
  return [
    ...processMeasures('API', 'apiRssMb'),
    {
      row,
      label: 'API RSS peak, whole bench',
      unit: 'MB',
      values: [apiPeakMb],
      reference,
      note: 'the API peak (VmHWM) over every row, the batch rows included',
    },
    ...processMeasures('worker', 'workerRssMb'),
    {
      row,
      label: 'Redis queues, held start',
      unit: 'MB',
      values: runs.map((run) => queueAt(run, run.heldFrom)),
    },
    {
      row,
      label: 'Redis queues, held middle',
      unit: 'MB',
      values: runs.map((run) => queueAt(run, middle(run))),
    },
    {
      row,
      label: 'Redis queues, held end',
      unit: 'MB',
      values: runs.map((run) => queueAt(run, run.heldTo)),
      target: { met: queueFlat, text: 'flat' },
    },
    {
      row,
      label: 'Redis recency data growth',
      unit: 'B/event',
      values: [(dataGrowth * 2 ** 20) / Math.max(1, folded)],
      note: 'recently-viewed sets and session hashes (with their per-event markers), kept for 24 h–90 days',
    },
    {
      row,
      label: 'Redis used_memory before',
      unit: 'MB',
      values: runs.map((run) => run.before.redisMb),
    },
    {
      row,
      label: 'Redis used_memory after',
      unit: 'MB',
      values: runs.map((run) => run.after.redisMb),
      note: 'the whole Redis server, which other users share',
    },
  ];
}
