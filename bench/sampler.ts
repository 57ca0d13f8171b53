/**
 * The per-second timeline of a sustained run (row 3, the chart and the memory row):
 * events accepted by the API (counted by the load generator), persisted (rows in
 * web_events) and folded (the workers' own counter), the backlog counters of both
 * queues, and the memory of the processes and of Redis. Counts are relative to the first
 * sample.
 */
import { masters } from '../src/redis';
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

/** `section` of INFO from every master (one for a single Redis), summed over them by `read`. */
async function sumOverMasters(service: Service, section: string, read: (info: string) => number) {
  const infos = await Promise.all(masters(service.env.redis).map((node) => node.info(section)));
  return infos.reduce((sum, info) => sum + read(info), 0);
}

/** Redis `used_memory` (INFO memory), MB: the whole server's (every master's), which others share. */
export async function redisUsedMb(service: Service): Promise<number> {
  const bytes = (info: string) => Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
  return (await sumOverMasters(service, 'memory', bytes)) / 2 ** 20;
}

/** Redis's CPU time so far (INFO cpu, main thread and children), ms: the whole server's (every master's). */
export async function redisCpuMs(service: Service): Promise<number> {
  const seconds = (info: string, field: string) =>
    Number(new RegExp(`^${field}:([\\d.]+)`, 'm').exec(info)?.[1] ?? 0);
  const cpu = (info: string) => seconds(info, 'used_cpu_user') + seconds(info, 'used_cpu_sys');
  return (await sumOverMasters(service, 'cpu', cpu)) * 1_000;
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
