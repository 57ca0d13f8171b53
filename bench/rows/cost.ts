/**
 * Row 8: what an event costs the whole system when the store is not at full load. Single
 * events are offered evenly at a few realistic rates, to the API and one worker process;
 * the CPU time of the API, the worker, Redis and the service's PostgreSQL backends is read
 * over the held period (cut into `runs` windows) and divided by the events accepted in it.
 * Then, still under the same load, probes measure the freshness (as row 5 does, outside
 * the CPU windows: their lookups are not the service's cost). The saturated figure is
 * row 3's held period with one worker process, run here unless row 3 already ran it.
 */
import { eventJson } from '../bodies';
import type { BenchContext } from '../context';
import { waitUntilDrained, waitUntilSettled } from '../environment';
import { startPacedLoad } from '../paced-load';
import { postgresCpuReader, type PostgresCpu } from '../postgres-cpu';
import { cpuMsOf } from '../processes';
import { redisCpuMs } from '../sampler';
import { ensureWorkers, workerCounts, type Service } from '../service';
import { median, sleep } from '../stats';
import type { Measure } from '../table';
import { percentileMs, probeOnce } from './freshness';
import { measureSustained, type SustainedResult } from './sustained';

export const COST_RATES = [200, 1_000, 5_000] as const;
const COST_WORKERS = 1;
/** The most CPU per event each rate may spend, as a multiple of the saturated run's. */
const TARGET_MULTIPLE: Record<number, number> = { 200: 4, 1_000: 2 };
const INGEST_P99_MS = 10;
const FRESHNESS_P99_MS = 50;

export type CpuOwner = keyof SustainedResult['cpuPerEvent'];
const OWNERS: CpuOwner[] = ['api', 'workers', 'redis', 'postgres'];

export interface CostPoint {
  /** Events/s offered; for the saturated run, what row 3 offered. */
  offeredPerSec: number;
  saturated: boolean;
  /** CPU time per event, µs, by process kind (the median window's for each). */
  cpuPerEvent: Record<CpuOwner, number>;
  totalPerEvent: number;
  eventsPerJob?: number;
  ingestP99Ms?: number;
  freshnessP99Ms?: number;
  targetPerEvent?: number;
  /** The bare Koa app's CPU per request at the same offered rate (the HTTP edge alone), µs. */
  barePerRequest?: number;
}

export interface CostResult {
  points: CostPoint[];
  measures: Measure[];
}

async function readMark(service: Service, accepted: number, postgresCpu: PostgresCpu) {
  const [api, workers, redis, postgres, counts] = await Promise.all([
    cpuMsOf(service.api.pid),
    Promise.all(service.workers.map((worker) => cpuMsOf(worker.pid))),
    redisCpuMs(service),
    postgresCpu(),
    workerCounts(service),
  ]);
  const cpu = { api, workers: workers.reduce((a, b) => a + b, 0), redis, postgres };
  return { at: performance.now(), accepted, cpu, ...counts };
}

type Mark = Awaited<ReturnType<typeof readMark>>;

async function measureRate(ctx: BenchContext, rate: number) {
  const { options, service } = ctx;
  const heldS = options.quick ? 9 : 30;
  const probeS = options.quick ? 6 : 15;
  const load = startPacedLoad({
    method: 'POST',
    url: `${service.apiUrl}/api/v1/ingest`,
    body: () => eventJson(),
    overallRate: rate,
    durationS: options.warmupSeconds + heldS + probeS,
    // The ingest p99 is the held period's (and the probes'), as the CPU is.
    latencyAfterS: options.warmupSeconds,
  });
  const postgresCpu = postgresCpuReader(service.env);
  await postgresCpu();
  await sleep(options.warmupSeconds * 1_000);
  const marks: Mark[] = [await readMark(service, load.okSoFar(), postgresCpu)];
  for (let i = 1; i <= options.runs; i++) {
    await sleep(marks[0]!.at + (i * heldS * 1_000) / options.runs - performance.now());
    marks.push(await readMark(service, load.okSoFar(), postgresCpu));
  }
  const freshness: number[] = [];
  const deadline = performance.now() + probeS * 1_000;
  while (performance.now() < deadline) {
    freshness.push(await probeOnce(service.apiUrl));
    await sleep(5 + Math.random() * 10);
  }
  const result = await load.done;
  await waitUntilDrained(service.env, 60_000);

  const windows = marks.slice(1).map((mark, i) => {
    const previous = marks[i]!;
    const events = Math.max(1, mark.accepted - previous.accepted);
    const perEvent = (who: CpuOwner) => ((mark.cpu[who] - previous.cpu[who]) * 1_000) / events;
    return Object.fromEntries(OWNERS.map((who) => [who, perEvent(who)])) as Record<
      CpuOwner,
      number
    >;
  });
  const [start, end] = [marks[0]!, marks.at(-1)!];
  return {
    windows,
    acceptedPerSec: ((end.accepted - start.accepted) * 1_000) / (end.at - start.at),
    eventsPerJob: (end.folded - start.folded) / Math.max(1, end.recencyJobs - start.recencyJobs),
    ingestP99Ms: result.p99Ms,
    freshnessP99Ms: percentileMs(freshness, 99),
    probes: freshness.length,
    refused: result.non2xx,
    errors: result.errors,
  };
}

/**
 * The floor under the API's share: the bare Koa app (bench/bare-koa.ts) taking the same
 * single events at the same even rate, alone (the service idles meanwhile). Its CPU per
 * request is what an HTTP server in Node pays per request at that rate on this machine,
 * before any queueing; its p99 is the machine's own at that rate.
 */
async function measureBare(ctx: BenchContext, rate: number) {
  const { options, service } = ctx;
  const heldS = options.quick ? 4 : 12;
  const load = startPacedLoad({
    method: 'POST',
    url: `${service.refUrl}/ingest`,
    body: () => eventJson(),
    overallRate: rate,
    durationS: options.warmupSeconds + heldS,
    latencyAfterS: options.warmupSeconds,
  });
  await sleep(options.warmupSeconds * 1_000);
  const mark = async () => ({ cpu: await cpuMsOf(service.ref.pid), ok: load.okSoFar() });
  const marks = [await mark()];
  for (let i = 1; i <= options.runs; i++) {
    await sleep((heldS * 1_000) / options.runs);
    marks.push(await mark());
  }
  const result = await load.done;
  const perRequest = marks
    .slice(1)
    .map((m, i) => ((m.cpu - marks[i]!.cpu) * 1_000) / Math.max(1, m.ok - marks[i]!.ok));
  return { perRequest, p99Ms: result.p99Ms };
}

const sum = (cpu: Record<CpuOwner, number>) => OWNERS.reduce((total, who) => total + cpu[who], 0);

export async function measureCost(
  ctx: BenchContext,
  concurrency: number,
  sustained: readonly SustainedResult[],
): Promise<CostResult> {
  const { service } = ctx;
  const saturatedRun =
    sustained.find((run) => run.workers === COST_WORKERS) ??
    (await measureSustained(ctx, COST_WORKERS, concurrency));
  const saturatedTotal = sum(saturatedRun.cpuPerEvent);
  const points: CostPoint[] = [];
  const measures: Measure[] = [];
  await ensureWorkers(service, COST_WORKERS);
  await waitUntilSettled(service.env);

  for (const rate of COST_RATES) {
    const run = await measureRate(ctx, rate);
    const bare = await measureBare(ctx, rate);
    const barePerRequest = median(bare.perRequest);
    const cpuPerEvent = Object.fromEntries(
      OWNERS.map((who) => [who, median(run.windows.map((w) => w[who]))]),
    ) as Record<CpuOwner, number>;
    const totals = run.windows.map(sum);
    const multiple = TARGET_MULTIPLE[rate];
    const targetPerEvent = multiple === undefined ? undefined : multiple * saturatedTotal;
    const inBudget = run.ingestP99Ms <= INGEST_P99_MS && run.freshnessP99Ms <= FRESHNESS_P99_MS;
    points.push({
      offeredPerSec: rate,
      saturated: false,
      cpuPerEvent,
      totalPerEvent: median(totals),
      eventsPerJob: run.eventsPerJob,
      ingestP99Ms: run.ingestP99Ms,
      freshnessP99Ms: run.freshnessP99Ms,
      targetPerEvent,
      barePerRequest,
    });
    const row = `8 cost at ${rate.toLocaleString('en-US')} events/s`;
    measures.push(
      {
        row,
        label: 'CPU per event, whole system',
        unit: 'µs',
        values: totals,
        reference: { label: 'saturated', values: [saturatedTotal] },
        ...(multiple !== undefined && {
          target: {
            met: median(totals) <= targetPerEvent! && inBudget,
            text: `≤ ${multiple}× saturated, p99s in budget`,
          },
        }),
        note:
          `${Math.round(run.acceptedPerSec).toLocaleString('en-US')} events/s accepted; ` +
          OWNERS.map((who) => `${who} ${cpuPerEvent[who].toFixed(0)}`).join(', ') +
          ' µs' +
          (run.refused > 0 ? `; ${run.refused} requests refused (not 2xx)` : '') +
          (run.errors > 0 ? `; ${run.errors} requests lost to connection errors` : ''),
      },
      {
        row,
        label: 'API CPU per event',
        unit: 'µs',
        values: run.windows.map((w) => w.api),
        reference: { label: 'bare POST at this rate', values: bare.perRequest },
      },
      {
        row,
        label: 'bare POST alone at this rate',
        unit: 'µs',
        values: bare.perRequest,
        reference: { label: 'saturated', values: [saturatedTotal] },
        note: `the bare Koa app's CPU per request, offered the same events evenly; p99 ${bare.p99Ms.toFixed(1)} ms`,
      },
      { row, label: 'events per job', unit: '', values: [run.eventsPerJob] },
      {
        row,
        label: 'ingest p99',
        unit: 'ms',
        values: [run.ingestP99Ms],
        target: { max: INGEST_P99_MS, text: `≤ ${INGEST_P99_MS} ms` },
      },
      {
        row,
        label: 'freshness p99',
        unit: 'ms',
        values: [run.freshnessP99Ms],
        target: { max: FRESHNESS_P99_MS, text: `≤ ${FRESHNESS_P99_MS} ms` },
        note: `${run.probes} probes`,
      },
    );
  }
  points.push({
    offeredPerSec: saturatedRun.offeredPerSec,
    saturated: true,
    cpuPerEvent: saturatedRun.cpuPerEvent,
    totalPerEvent: saturatedTotal,
  });
  measures.push({
    row: '8 cost, saturated (row 3, 1 worker process)',
    label: 'CPU per event, whole system',
    unit: 'µs',
    values: [saturatedTotal],
    note:
      `${saturatedRun.offeredPerSec.toLocaleString('en-US')} events/s offered; ` +
      OWNERS.map((who) => `${who} ${saturatedRun.cpuPerEvent[who].toFixed(0)}`).join(', ') +
      ' µs',
  });
  return { points, measures };
}
