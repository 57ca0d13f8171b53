/**
 * The per-second timeline of a sustained run (row 3, the chart and the memory row):
 * events accepted by the API (counted by the load generator), persisted (rows in
 * web_events) and folded (the workers' own counter), the backlog counters of both
 * queues, and the memory of the processes and of Redis. Counts are relative to the first
 * sample.
 */
import { persistedRowsEstimate, prefixMemory, readBacklog } from './environment';
import { rssOf } from './processes';
import { workerCounts, type Service } from './service';

export interface Sample {
  /** Seconds since the sampler started. */
  t: number;
  accepted: number;
  persisted: number;
  folded: number;
  backlogPersist: number;
  backlogRecency: number;
  apiRssMb: number;
  /** The largest RSS among the worker processes. */
  workerRssMb: number;
  redisMb: number;
  /** Redis memory of the two queues' keys. */
  queueMb: number;
}

/** Redis `used_memory` (INFO memory), MB: the whole server's, which others share. */
export async function redisUsedMb(service: Service): Promise<number> {
  const info = await service.env.redis.info('memory');
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN) / 2 ** 20;
}

/** Redis's CPU time so far (INFO cpu, main thread and children), ms: the whole server's. */
export async function redisCpuMs(service: Service): Promise<number> {
  const info = await service.env.redis.info('cpu');
  const seconds = (field: string) =>
    Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  return (seconds('used_cpu_user') + seconds('used_cpu_sys')) * 1_000;
}

export async function workerRssMb(service: Service): Promise<number> {
  const rss = await Promise.all(service.workers.map((worker) => rssOf(worker.pid)));
  return Math.max(0, ...rss.map((r) => r.rssMb));
}

export interface Sampler {
  /** performance.now() when the sampler started: `t` = 0. */
  startedAt: number;
  samples: Sample[];
  stop(): Promise<Sample[]>;
}

export function startSampler(service: Service, acceptedSoFar: () => number): Sampler {
  const samples: Sample[] = [];
  const started = performance.now();
  let base: { persisted: number; folded: number } | undefined;

  const sample = async () => {
    const accepted = acceptedSoFar();
    const t = (performance.now() - started) / 1_000;
    const [persisted, folded, backlog, api, workers, redisMb, redis] = await Promise.all([
      persistedRowsEstimate(service.env),
      workerCounts(service).then((counts) => counts.folded),
      readBacklog(service.env),
      rssOf(service.api.pid),
      workerRssMb(service),
      redisUsedMb(service),
      prefixMemory(service.env, ['queueMb']),
    ]);
    base ??= { persisted, folded };
    samples.push({
      t,
      accepted,
      persisted: persisted - base.persisted,
      folded: folded - base.folded,
      backlogPersist: backlog.persist,
      backlogRecency: backlog.recency,
      apiRssMb: api.rssMb,
      workerRssMb: workers,
      redisMb,
      queueMb: redis.queueMb,
    });
  };

  // A sample that fails (a slow query) leaves a gap; the next one goes on.
  let pending = sample().catch(() => undefined);
  const timer = setInterval(() => {
    pending = pending.then(sample).catch(() => undefined);
  }, 1_000);
  return {
    startedAt: started,
    samples,
    async stop() {
      clearInterval(timer);
      await pending;
      return samples;
    },
  };
}
