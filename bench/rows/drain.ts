/**
 * Row 4: backlog drain. With both queues paused (the workers connected but taking
 * nothing, as if stopped), `drainEvents` events are ingested in batch requests; then the
 * queues are resumed, and the clock runs until both are empty. Each run is one figure.
 */
import { batchJson } from '../bodies';
import { postRate, type BenchContext } from '../context';
import {
  persistedRows,
  prefixMemory,
  unfinishedJobs,
  waitUntilDrained,
  waitUntilSettled,
} from '../environment';
import { runLoad } from '../load';
import { ensureWorkers } from '../service';
import type { Measure } from '../table';

export async function measureDrain(ctx: BenchContext): Promise<Measure[]> {
  const { options, service } = ctx;
  const { env } = service;
  await ensureWorkers(service, options.workers);
  const queues = Object.values(env.queues);
  const rates: number[] = [];
  const eventsPerJob: number[] = [];
  const lost: number[] = [];
  for (let i = 0; i < options.runs; i++) {
    await waitUntilDrained(env, 300_000);
    await waitUntilSettled(env);
    await Promise.all(queues.map((queue) => queue.pause()));
    const rowsBefore = await persistedRows(env);
    const fill = await runLoad({
      method: 'POST',
      url: `${service.apiUrl}/api/v1/ingest/batch`,
      body: () => batchJson(options.drainBatch),
      eventsPerRequest: options.drainBatch,
      amount: Math.ceil(options.drainEvents / options.drainBatch),
      connections: options.connections,
    });
    await waitUntilSettled(env);
    const events = fill.ok * options.drainBatch;
    eventsPerJob.push(events / ((await unfinishedJobs(env)) / queues.length));
    const started = performance.now();
    await Promise.all(queues.map((queue) => queue.resume()));
    await waitUntilDrained(env, 600_000);
    rates.push(events / ((performance.now() - started) / 1_000));
    lost.push(events - ((await persistedRows(env)) - rowsBefore));
  }
  // What the queues keep once empty: the completed jobs BullMQ retains (removeOnComplete).
  const { queueMb } = await prefixMemory(env, ['queueMb']);
  const row = `4 backlog drain, ${options.drainEvents.toLocaleString('en-US')} events`;
  const missing = lost.reduce((a, b) => a + b, 0);
  return [
    {
      row,
      label: 'drained',
      unit: 'events/s',
      values: rates,
      reference: postRate(ctx.reference),
      target: { minRatio: 1, text: '≥ 1.0×' },
      note: missing
        ? `${missing} accepted events were not in web_events after the drain`
        : undefined,
    },
    { row, label: 'events per job', unit: '', values: eventsPerJob },
    {
      row,
      label: 'Redis queues after',
      unit: 'MB',
      values: [queueMb],
      note: 'the queues empty: what is left is the completed jobs kept (removeOnComplete), with their events',
    },
  ];
}
