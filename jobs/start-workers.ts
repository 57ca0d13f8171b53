/**
 * Starts the workers of one process: one BullMQ Worker per queue in WORKER_QUEUES, each
 * with its processor, error and failure logging, metrics, and the backlog counter kept in
 * step. Used by the worker entry point and by in-process tests; `close` drains and
 * disconnects. The metrics are recorded here and served by the entry point, so in-process
 * workers of parallel tests do not compete for WORKER_METRICS_PORT.
 */
import { DelayedError, Worker, type Job, type Processor, type Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { createDb } from '../src/db';
import type { Logger } from '../src/logger';
import { MAINTENANCE_JOBS, MAINTENANCE_QUEUE, type QueueName } from '../src/queue-names';
import {
  MAINTENANCE_JOB_OPTIONS,
  WORKER_OPTIONS,
  createMaintenanceQueue,
  createQueues,
} from '../src/queues';
import { createWorkerRedis } from '../src/redis';
import { redisKeys } from '../src/redis-keys';
import { createWorkerMetrics, type WorkerMetrics } from '../src/worker-metrics';
import { createErasureProcessor } from './erase-user';
import { createHistoryMaintainer } from './maintain-history';
import { createPersistProcessor } from './persist-events';
import { createBacklogSettler } from './settle-backlog';
import { createRecencyProcessor } from './update-recency';

export interface RunningWorkers {
  workers: Worker[];
  metrics: WorkerMetrics;
  /** Stops taking jobs, waits for active ones (up to SHUTDOWN_TIMEOUT_MS), disconnects. */
  close(): Promise<void>;
}

/** Times each job and counts what it changed, from the processor's own result. */
function instrument(name: QueueName, processor: Processor, metrics: WorkerMetrics): Processor {
  const countResult: Record<QueueName, (result: Record<string, number>) => void> = {
    persist: (result) => metrics.eventsPersisted.inc(result.inserted ?? 0),
    recency: (result) => metrics.eventsFolded.inc(result.applied ?? 0),
  };
  return async (job, token) => {
    const done = metrics.jobDuration.startTimer({ queue: name });
    try {
      const result = await processor(job, token);
      done({ status: 'completed' });
      countResult[name](result);
      return result;
    } catch (error) {
      // DelayedError: held back by an erasure (skip-erased-events.ts), not a failure.
      done({ status: error instanceof DelayedError ? 'delayed' : 'failed' });
      throw error;
    }
  };
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The history maintenance: once now (this process may be the first since a month began
 * or since the migration), then daily by one job scheduler shared by every process.
 * Erasures and maintenance run one at a time across the processes (global concurrency 1):
 * an erasure's scrub of the queued jobs must not race another's.
 */
async function scheduleMaintenance(queue: Queue): Promise<void> {
  await queue.setGlobalConcurrency(1);
  await queue.add(MAINTENANCE_JOBS.history, {}, MAINTENANCE_JOB_OPTIONS);
  await queue.upsertJobScheduler(
    MAINTENANCE_JOBS.history,
    { every: DAY_MS },
    { name: MAINTENANCE_JOBS.history, opts: MAINTENANCE_JOB_OPTIONS },
  );
}

export function startWorkers(config: Config, logger: Logger): RunningWorkers {
  const redis: Redis = createWorkerRedis(config);
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  const keys = redisKeys(config.queuePrefix);
  const metrics = createWorkerMetrics();
  const settleBacklog = createBacklogSettler(redis, keys);
  let db: Knex | undefined;

  const processors: Record<QueueName, () => Processor> = {
    persist: () => createPersistProcessor((db ??= createDb(config))),
    recency: () => createRecencyProcessor(redis, keys, config),
  };

  const workers = config.workerQueues.map((name) => {
    const worker = new Worker(name, instrument(name, processors[name](), metrics), {
      ...WORKER_OPTIONS,
      connection: redis,
      prefix: config.queuePrefix,
      concurrency: config.workerConcurrency,
    });
    const settle = (job: Job) => void settleBacklog(worker, job).catch(() => undefined);
    worker.on('error', (error) =>
      logger.error({ queue: name, err: error.message }, 'worker error'),
    );
    worker.on('completed', settle);
    worker.on('failed', (job, error) => {
      if (!job) return;
      const final =
        error.name === 'UnrecoverableError' || job.attemptsMade >= (job.opts.attempts ?? 1);
      metrics.jobFailures.inc({ queue: name, final: String(final) });
      logger[final ? 'error' : 'warn'](
        { queue: name, jobId: job.id, attempt: job.attemptsMade, reason: error.message },
        final ? 'job failed for good (kept in the failed set)' : 'job failed, will retry',
      );
      if (final) settle(job);
    });
    return worker;
  });

  const eventQueues = createQueues(redis, config.queuePrefix);
  const maintenance = createMaintenanceQueue(redis, config.queuePrefix);
  const ownQueues = [...Object.values(eventQueues), maintenance];
  for (const queue of ownQueues) {
    queue.on('error', (error) => logger.warn({ err: error.message }, 'queue error'));
  }
  // The maintenance jobs need the database: the processes that persist run them.
  const maintainers: Worker[] = [];
  if (config.workerQueues.includes('persist')) {
    const maintainHistory = createHistoryMaintainer(
      () => (db ??= createDb(config)),
      config,
      logger,
      metrics,
    );
    const eraseUser = createErasureProcessor({
      db: () => (db ??= createDb(config)),
      redis,
      keys,
      queues: Object.values(eventQueues),
      logger,
      metrics,
    });
    const maintainer = new Worker(
      MAINTENANCE_QUEUE,
      (job) => (job.name === MAINTENANCE_JOBS.erasure ? eraseUser(job) : maintainHistory()),
      { ...WORKER_OPTIONS, connection: redis, prefix: config.queuePrefix, concurrency: 1 },
    );
    maintainer.on('error', (error) =>
      logger.error({ queue: MAINTENANCE_QUEUE, err: error.message }, 'worker error'),
    );
    maintainer.on('failed', (job, error) =>
      logger.warn(
        { queue: MAINTENANCE_QUEUE, job: job?.name, jobId: job?.id, reason: error.message },
        'maintenance job failed',
      ),
    );
    maintainers.push(maintainer);
    void scheduleMaintenance(maintenance).catch((error: Error) =>
      logger.error({ err: error.message }, 'cannot schedule the history maintenance'),
    );
  }

  return {
    workers,
    metrics,
    async close() {
      const all = [...workers, ...maintainers];
      const drained = Promise.all(all.map((worker) => worker.close()));
      let timer: NodeJS.Timeout | undefined;
      const timedOut = new Promise<'timeout'>((resolve) => {
        timer = setTimeout(() => resolve('timeout'), config.shutdownTimeoutMs);
      });
      if ((await Promise.race([drained, timedOut])) === 'timeout') {
        // Jobs still active are left to stall and be picked up again by another worker.
        logger.warn('shutdown timed out with jobs still active; they will be retried');
        await Promise.all(all.map((worker) => worker.close(true)));
      }
      clearTimeout(timer);
      await Promise.all(ownQueues.map((queue) => queue.close()));
      redis.disconnect();
      await db?.destroy();
    },
  };
}
