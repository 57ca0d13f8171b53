/**
 * Rows 1 and 2, with the bare Koa POST they are compared to: single-event and batch
 * ingest with no worker running, so only the API and Redis work. The four measurements
 * take turns, run after run, so drift of the machine hits them alike. Events pile up in
 * the queues; they are removed between runs. Besides rates and latencies, the CPU time
 * the server process spends per request (or event) is measured: on a shared machine it
 * moves much less than the rates do.
 */
import { batchJson, eventJson } from '../bodies';
import type { BenchContext } from '../context';
import { resetQueues, waitUntilSettled } from '../environment';
import { runLoadOn, type LoadOptions, type LoadResult, type ServerLoadResult } from '../load';
import { startPacedLoad } from '../paced-load';
import { spread } from '../stats';
import type { Measure } from '../table';

const BATCH_SIZES = [100, 500] as const;

interface Measurement {
  pid: number;
  load: LoadOptions;
}

export async function measureIngest(ctx: BenchContext, withRows: boolean): Promise<Measure[]> {
  const { options, service, reference } = ctx;
  const base = { method: 'POST' as const, connections: options.connections };
  const api = service.api.pid;
  const plan: Record<string, Measurement> = {
    bare: {
      pid: service.ref.pid,
      load: { ...base, url: `${service.refUrl}/ingest`, body: () => eventJson() },
    },
  };
  if (withRows) {
    plan.single = {
      pid: api,
      load: { ...base, url: `${service.apiUrl}/api/v1/ingest`, body: () => eventJson() },
    };
    for (const size of BATCH_SIZES) {
      plan[`batch${size}`] = {
        pid: api,
        load: {
          ...base,
          url: `${service.apiUrl}/api/v1/ingest/batch`,
          body: () => batchJson(size),
          eventsPerRequest: size,
        },
      };
    }
  }
  const run = async (name: string, durationS: number) => {
    const { pid, load } = plan[name]!;
    const result = await runLoadOn([pid], { ...load, durationS });
    if (pid === api) {
      await waitUntilSettled(service.env);
      await resetQueues(service.env);
    }
    return result;
  };
  const results: Record<string, ServerLoadResult[]> = {};
  for (const name of Object.keys(plan)) await run(name, options.warmupSeconds);
  for (let i = 0; i < options.runs; i++) {
    for (const name of Object.keys(plan)) {
      (results[name] ??= []).push(await run(name, options.loadSeconds));
    }
  }
  reference.post.push(...results.bare!);
  if (!withRows) return [];

  // Row 2's p99 above is taken with 50 connections kept busy, so it is 50 ÷ throughput
  // (Little's law). The same batches offered evenly at half the rate just measured (as
  // from independent clients, bench/paced-load.ts) show the latency of a batch that does
  // not queue behind 49 others.
  const paced: Record<number, { offered: number; runs: LoadResult[] }> = {};
  for (const size of BATCH_SIZES) {
    const rate = spread(results[`batch${size}`]!.map((r) => r.okPerSec)).median;
    paced[size] = { offered: (rate / 2) * size, runs: [] };
  }
  for (let i = 0; i < options.runs; i++) {
    for (const size of BATCH_SIZES) {
      const { load } = plan[`batch${size}`]!;
      const overallRate = paced[size]!.offered / size;
      const result = await startPacedLoad({ ...load, overallRate, durationS: options.loadSeconds })
        .done;
      await waitUntilSettled(service.env);
      await resetQueues(service.env);
      paced[size]!.runs.push(result);
    }
  }

  const bare = (pick: (run: ServerLoadResult) => number) => ({
    label: 'bare POST',
    values: results.bare!.map(pick),
  });
  const single = results.single!;
  const row1 = '1 single-event ingest, workers stopped';
  const measures: Measure[] = [
    {
      row: row1,
      label: 'accepted',
      unit: 'req/s',
      values: single.map((r) => r.okPerSec),
      reference: bare((r) => r.okPerSec),
      target: { minRatio: 0.6, text: '≥ 0.60×' },
    },
    {
      row: row1,
      label: 'p50',
      unit: 'ms',
      values: single.map((r) => r.p50Ms),
      reference: bare((r) => r.p50Ms),
    },
    {
      row: row1,
      label: 'p99',
      unit: 'ms',
      values: single.map((r) => r.p99Ms),
      reference: bare((r) => r.p99Ms),
      target: { max: 10, text: '≤ 10 ms' },
    },
    {
      row: row1,
      label: 'API CPU per request',
      unit: 'µs',
      values: single.map((r) => r.cpuUsPerRequest),
      reference: bare((r) => r.cpuUsPerRequest),
    },
  ];
  for (const size of BATCH_SIZES) {
    const runs = results[`batch${size}`]!;
    const row = `2 batch ingest, ${size} events/request`;
    measures.push(
      {
        row,
        label: 'accepted',
        unit: 'events/s',
        values: runs.map((r) => r.eventsPerSec),
        reference: bare((r) => r.okPerSec),
        target: { minRatio: 4, text: '≥ 4.0×' },
      },
      {
        row,
        label: 'p99',
        unit: 'ms',
        values: runs.map((r) => r.p99Ms),
        reference: bare((r) => r.p99Ms),
        target: { max: 50, text: '≤ 50 ms' },
      },
      {
        row,
        label: 'p99 at half that rate',
        unit: 'ms',
        values: paced[size]!.runs.map((r) => r.p99Ms),
        reference: bare((r) => r.p99Ms),
        note: `${Math.round(paced[size]!.offered).toLocaleString('en-US')} events/s offered evenly (bench/paced-load.ts)`,
      },
      {
        row,
        label: 'API CPU per event',
        unit: 'µs',
        values: runs.map((r) => r.cpuUsPerRequest / size),
        reference: bare((r) => r.cpuUsPerRequest),
      },
    );
  }
  return measures;
}
