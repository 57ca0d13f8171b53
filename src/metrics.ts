/**
 * Prometheus metrics of the API (SPEC §4.5). Each app gets its own registry, so several
 * apps (tests, the benchmark) can live in one process without clashing names.
 */
import type { Queue } from 'bullmq';
import type { RedisClient } from './redis';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { QueueName } from './queue-names';
import type { RedisKeys } from './redis-keys';
import type { CacheResult } from './tracked-cache';
import { withTimeout } from './with-timeout';

/**
 * The process's default metrics (memory, GC, event loop…), with the event loop's delay
 * sampled every 100 ms rather than prom-client's 10. Each sample is a timer, and a timer
 * wakes a process that sleeps: the 10 ms default woke an idle API or worker 100 times a
 * second, about one wake-up in six of the API's at 200 events/s (docs/performance.md,
 * "Fewer timers and fetches").
 */
export function collectProcessMetrics(register: Registry): void {
  collectDefaultMetrics({ register, eventLoopMonitoringPrecision: 100 });
}

export function createApiMetrics() {
  const registry = new Registry();
  collectProcessMetrics(registry);
  const registers = [registry];
  const events = new Counter({
    name: 'rti_ingest_events_total',
    help: 'Events received by the ingestion endpoints, by outcome',
    labelNames: ['outcome'] as const,
    registers,
  });
  const lookupCache = new Counter({
    name: 'rti_lookup_cache_reads_total',
    help: 'Recently-viewed reads by how they were answered: hit (memory), miss (Redis, then kept), bypass (Redis: tracking not on)',
    labelNames: ['result'] as const,
    registers,
  });
  const cacheResults = {
    hit: lookupCache.labels('hit'),
    miss: lookupCache.labels('miss'),
    bypass: lookupCache.labels('bypass'),
  };
  return {
    registry,
    httpRequests: new Counter({
      name: 'rti_http_requests_total',
      help: 'HTTP requests by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      registers,
    }),
    httpDuration: new Histogram({
      name: 'rti_http_request_duration_seconds',
      help: 'HTTP request latency by method, route and status',
      labelNames: ['method', 'route', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
      registers,
    }),
    queueJobs: new Gauge({
      name: 'rti_queue_jobs',
      help: 'Jobs in each queue by state',
      labelNames: ['queue', 'state'] as const,
      registers,
    }),
    queueBacklogEvents: new Gauge({
      name: 'rti_queue_backlog_events',
      help: 'Events queued and not yet processed, by queue',
      labelNames: ['queue'] as const,
      registers,
    }),
    accepted: (count: number) => events.inc({ outcome: 'accepted' }, count),
    rejected: (count: number) => events.inc({ outcome: 'rejected' }, count),
    duplicate: (count: number) => events.inc({ outcome: 'duplicate' }, count),
    recentViewsRead: (result: CacheResult) => cacheResults[result].inc(),
  };
}

export type ApiMetrics = ReturnType<typeof createApiMetrics>;

export const QUEUE_STATES = ['waiting', 'active', 'delayed', 'failed', 'completed'] as const;

/**
 * Refreshes the queue gauges from Redis at scrape time: a few cheap counts per queue, so
 * the numbers are as fresh as the scrape without a timer in the API. When Redis does not
 * answer, the gauges are emptied rather than left showing stale numbers.
 */
export async function sampleQueues(
  metrics: ApiMetrics,
  queues: Record<QueueName, Queue>,
  redis: RedisClient,
  keys: RedisKeys,
): Promise<void> {
  const names = Object.keys(queues) as QueueName[];
  try {
    const [counts, backlogs] = await withTimeout(
      Promise.all([
        Promise.all(names.map((name) => queues[name].getJobCounts(...QUEUE_STATES))),
        redis.mget(names.map((name) => keys.backlog(name))),
      ]),
      1_000,
    );
    names.forEach((queue, index) => {
      const count = counts[index]!;
      for (const state of QUEUE_STATES) metrics.queueJobs.set({ queue, state }, count[state] ?? 0);
      metrics.queueBacklogEvents.set({ queue }, Math.max(0, Number(backlogs[index] ?? 0)));
    });
  } catch {
    metrics.queueJobs.reset();
    metrics.queueBacklogEvents.reset();
  }
}
