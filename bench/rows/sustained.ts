/**
 * Row 3: the whole pipeline under a fixed offered rate (a share of this run's bare Koa
 * POST rate, sent evenly), held after a warm-up. The held period is cut into `runs` equal
 * windows; each gives one figure of events persisted (rows in web_events) and folded (the
 * workers' own counter) per second. The backlog at the start and the end of the held
 * period tells whether the workers keep up. Memory is read before and after (row 7).
 */
import { batchJson, eventJson } from '../bodies';
import { postRate, type BenchContext } from '../context';
import {
  persistedRows,
  prefixMemory,
  readBacklog,
  resetQueues,
  waitUntilDrained,
  waitUntilSettled,
  type PrefixMemory,
} from '../environment';
import type { LoadResult } from '../load';
import { startPacedLoad } from '../paced-load';
import { postgresCpuReader, type PostgresCpu } from '../postgres-cpu';
import { cpuMsOf, rssOf } from '../processes';
import { redisCpuMs, redisUsedMb, startSampler, workerRssMb, type Sample } from '../sampler';
import { startWorkers, stopWorkers, workerCounts, type Service } from '../service';
import { median, sleep } from '../stats';
import type { Measure } from '../table';

export interface MemoryReading extends PrefixMemory {
  apiRssMb: number;
  workerRssMb: number;
  redisMb: number;
}

export interface SustainedResult {
  label: string;
  workers: number;
  offeredPerSec: number;
  measures: Measure[];
  timeline: Sample[];
  /** The held period on the timeline, seconds (the warm-up comes before it). */
  heldFrom: number;
  heldTo: number;
  before: MemoryReading;
  after: MemoryReading;
  /** CPU time per event over the held period, µs, by process kind (row 8 sums them). */
  cpuPerEvent: Record<CpuOwner, number>;
}

type CpuOwner = 'api' | 'workers' | 'redis' | 'postgres';

async function readMemory(service: Service): Promise<MemoryReading> {
  return {
    apiRssMb: (await rssOf(service.api.pid)).rssMb,
    workerRssMb: await workerRssMb(service),
    redisMb: await redisUsedMb(service),
    ...(await prefixMemory(service.env)),
  };
}

/** Everything counted at one instant of the held period. */
async function readMark(service: Service, accepted: number, postgresCpu: PostgresCpu) {
  const at = performance.now();
  const [persisted, counts, backlog, api, workers, redis, postgres] = await Promise.all([
    persistedRows(service.env),
    workerCounts(service),
    readBacklog(service.env),
    cpuMsOf(service.api.pid),
    Promise.all(service.workers.map((worker) => cpuMsOf(worker.pid))),
    redisCpuMs(service),
    postgresCpu(),
  ]);
  const cpu = { api, workers: workers.reduce((a, b) => a + b, 0), redis, postgres };
  return {
    at,
    accepted,
    persisted,
    ...counts,
    backlog: Math.max(backlog.persist, backlog.recency),
    cpu,
  };
}

type Mark = Awaited<ReturnType<typeof readMark>>;

export async function measureSustained(
  ctx: BenchContext,
  workers: number,
  concurrency: number,
): Promise<SustainedResult> {
  const { options, service } = ctx;
  await stopWorkers(service);
  await waitUntilSettled(service.env);
  await resetQueues(service.env);
  await startWorkers(service, workers);
  const before = await readMemory(service);

  const batch = options.sustainedBatch;
  const offeredPerSec = Math.round(
    options.sustainedRateRatio * median(postRate(ctx.reference).values),
  );
  const load = startPacedLoad({
    method: 'POST',
    url: `${service.apiUrl}/api/v1/${batch === 1 ? 'ingest' : 'ingest/batch'}`,
    body: batch === 1 ? () => eventJson() : () => batchJson(batch),
    eventsPerRequest: batch,
    overallRate: offeredPerSec / batch,
    durationS: options.warmupSeconds + options.sustainedSeconds,
  });
  const accepted = () => load.okSoFar() * batch;
  const sampler = startSampler(service, accepted);
  const postgresCpu = postgresCpuReader(service.env);
  await postgresCpu();

  await sleep(options.warmupSeconds * 1_000);
  const marks = [await readMark(service, accepted(), postgresCpu)];
  const windowMs = (options.sustainedSeconds * 1_000) / options.runs;
  for (let i = 1; i <= options.runs; i++) {
    await sleep(marks[0]!.at + i * windowMs - performance.now());
    marks.push(await readMark(service, accepted(), postgresCpu));
  }
  const result = await load.done;
  const drainS = (await waitUntilDrained(service.env, 300_000)) / 1_000;
  const timeline = await sampler.stop();
  const after = await readMemory(service);

  const label = `3 sustained, ${workers} worker process${workers > 1 ? 'es' : ''} × ${concurrency}`;
  const onTimeline = (mark: Mark) => (mark.at - sampler.startedAt) / 1_000;
  const cpuPerEvent = cpuPerEventOf(marks);
  return {
    label,
    workers,
    offeredPerSec,
    measures: sustainedMeasures(ctx, label, marks, {
      offeredPerSec,
      result,
      drainS,
      cpuPerEvent,
    }),
    timeline,
    heldFrom: onTimeline(marks[0]!),
    heldTo: onTimeline(marks.at(-1)!),
    before,
    after,
    cpuPerEvent,
  };
}

function cpuPerEventOf(marks: Mark[]): Record<CpuOwner, number> {
  const [start, end] = [marks[0]!, marks.at(-1)!];
  const events = Math.max(1, end.accepted - start.accepted);
  const perEvent = (who: CpuOwner) => ((end.cpu[who] - start.cpu[who]) * 1_000) / events;
  return {
    api: perEvent('api'),
    workers: perEvent('workers'),
    redis: perEvent('redis'),
    postgres: perEvent('postgres'),
  };
}

function sustainedMeasures(
  ctx: BenchContext,
  row: string,
  marks: Mark[],
  {
    offeredPerSec,
    result,
    drainS,
    cpuPerEvent,
  }: {
    offeredPerSec: number;
    result: LoadResult;
    drainS: number;
    cpuPerEvent: Record<CpuOwner, number>;
  },
): Measure[] {
  const windows = marks.slice(1).map((mark, i) => {
    const previous = marks[i]!;
    const seconds = (mark.at - previous.at) / 1_000;
    const rate = (key: 'accepted' | 'persisted' | 'folded') =>
      (mark[key] - previous[key]) / seconds;
    return { accepted: rate('accepted'), persisted: rate('persisted'), folded: rate('folded') };
  });
  const [start, end] = [marks[0]!, marks.at(-1)!];
  const reference = postRate(ctx.reference);
  const failures = result.non2xx + result.errors;
  return [
    {
      row,
      label: 'accepted',
      unit: 'events/s',
      values: windows.map((w) => w.accepted),
      reference,
      note:
        `offered ${offeredPerSec.toLocaleString('en-US')} events/s ` +
        `(${ctx.options.sustainedRateRatio} × bare POST)` +
        (failures > 0 ? `; ${result.non2xx} non-2xx answers, ${result.errors} errors` : ''),
    },
    {
      row,
      label: 'persisted',
      unit: 'events/s',
      values: windows.map((w) => w.persisted),
      reference,
      target: { minRatio: 0.3, text: '≥ 0.30×' },
    },
    {
      row,
      label: 'folded',
      unit: 'events/s',
      values: windows.map((w) => w.folded),
      reference,
      target: { minRatio: 0.3, text: '≥ 0.30×' },
    },
    { row, label: 'backlog at start', unit: 'events', values: [start.backlog] },
    {
      row,
      label: 'backlog at end',
      unit: 'events',
      values: [end.backlog],
      // Flat: the held period ends with less than one second of offered events more queued.
      target: { met: end.backlog - start.backlog < offeredPerSec, text: 'flat' },
    },
    {
      row,
      label: 'events per job',
      unit: '',
      values: [(end.folded - start.folded) / Math.max(1, end.recencyJobs - start.recencyJobs)],
    },
    { row, label: 'ingest p99', unit: 'ms', values: [result.p99Ms] },
    { row, label: 'API CPU per event', unit: 'µs', values: [cpuPerEvent.api] },
    { row, label: 'workers CPU per event', unit: 'µs', values: [cpuPerEvent.workers] },
    {
      row,
      label: 'Redis CPU per event',
      unit: 'µs',
      values: [cpuPerEvent.redis],
      note: 'the whole Redis server, which other users share',
    },
    {
      row,
      label: 'PostgreSQL CPU per event',
      unit: 'µs',
      values: [cpuPerEvent.postgres],
      note: "the service's own backends",
    },
    { row, label: 'queues empty after', unit: 's', values: [drainS] },
  ];
}
