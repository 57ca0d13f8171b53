/**
 * Row 5: freshness. While a background load sends single events at `freshnessRate`
 * events/s (evenly), probe loops each send one VIEW of a user no one else uses and,
 * from the moment its 202 arrives, poll GET /api/v1/users/{id}/recently-viewed every
 * millisecond until the view is listed. The time between is the freshness (it includes
 * one lookup round trip; the polling resolution is about 1 ms). The probing period is cut
 * into `runs` windows, each giving a p50 and a p99.
 */
import { createHistogram } from 'node:perf_hooks';
import { eventJson } from '../bodies';
import type { BenchContext } from '../context';
import { startPacedLoad } from '../paced-load';
import { ensureWorkers } from '../service';
import { sleep } from '../stats';
import type { Measure } from '../table';

const PROBES = 2;
const PROBE_GAME = 42;
const PROBE_TIMEOUT_MS = 10_000;
let probeUser = 1_000_000;

/** The `p`-th percentile of a window, in ms: Node's histogram, as for the loads' latencies. */
export function percentileMs(windowMs: number[], p: number): number {
  if (windowMs.length === 0) return NaN;
  const histogram = createHistogram();
  for (const ms of windowMs) histogram.record(Math.max(1, Math.round(ms * 1_000)));
  return histogram.percentile(p) / 1_000;
}

interface Probe {
  at: number;
  ms: number;
}

export async function probeOnce(apiUrl: string): Promise<number> {
  probeUser += 1;
  const user = probeUser;
  const answer = await fetch(`${apiUrl}/api/v1/ingest`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: eventJson(user, PROBE_GAME),
  });
  await answer.arrayBuffer();
  if (answer.status !== 202) throw new Error(`probe ingest answered ${answer.status}`);
  const accepted = performance.now();
  const lookup = `${apiUrl}/api/v1/users/${user}/recently-viewed?limit=1`;
  while (performance.now() - accepted < PROBE_TIMEOUT_MS) {
    const { items } = (await (await fetch(lookup)).json()) as { items: unknown[] };
    if (items.length > 0) return performance.now() - accepted;
    await sleep(1);
  }
  return Infinity;
}

export async function measureFreshness(ctx: BenchContext): Promise<Measure[]> {
  const { options, service } = ctx;
  await ensureWorkers(service, options.workers);
  const background = startPacedLoad({
    method: 'POST',
    url: `${service.apiUrl}/api/v1/ingest`,
    body: () => eventJson(),
    overallRate: options.freshnessRate,
    durationS: options.warmupSeconds + options.freshnessSeconds,
  });
  await sleep(options.warmupSeconds * 1_000);
  const started = performance.now();
  const deadline = started + options.freshnessSeconds * 1_000;
  const probes: Probe[] = [];
  await Promise.all(
    Array.from({ length: PROBES }, async () => {
      while (performance.now() < deadline) {
        probes.push({ at: performance.now() - started, ms: await probeOnce(service.apiUrl) });
        await sleep(5 + Math.random() * 10);
      }
    }),
  );
  const load = await background.done;

  const windowMs = (options.freshnessSeconds * 1_000) / options.runs;
  const windows = Array.from({ length: options.runs }, (_, i) =>
    probes.filter((p) => p.at >= i * windowMs && p.at < (i + 1) * windowMs).map((p) => p.ms),
  );
  const timeouts = probes.filter((p) => !Number.isFinite(p.ms)).length;
  const row = `5 freshness at ${options.freshnessRate.toLocaleString('en-US')} events/s`;
  const bare = (pick: (run: { p50Ms: number; p99Ms: number }) => number) => ({
    label: 'bare POST',
    values: ctx.reference.post.map(pick),
  });
  return [
    {
      row,
      label: 'p50',
      unit: 'ms',
      values: windows.map((w) => percentileMs(w, 50)),
      reference: bare((r) => r.p50Ms),
      target: { max: 10, text: '≤ 10 ms' },
      note: `${probes.length} probes${timeouts ? `, ${timeouts} not visible within 10 s` : ''}; background ${Math.round(load.eventsPerSec)} events/s accepted`,
    },
    {
      row,
      label: 'p99',
      unit: 'ms',
      values: windows.map((w) => percentileMs(w, 99)),
      reference: bare((r) => r.p99Ms),
      target: { max: 50, text: '≤ 50 ms' },
    },
  ];
}
