/**
 * Starts the workers of one process: one BullMQ Worker per queue in WORKER_QUEUES, taking
 * its jobs in batches (batch-worker.ts), each with its batch processor, error and failure
 * logging, metrics, and the backlog counter kept in step. Used by the worker entry point
 * and by in-process tests; `close` drains and disconnects. The metrics are recorded here
 * and served by the entry point, so in-process workers of parallel tests do not compete
 * for WORKER_METRICS_PORT.
 */
import { DelayedError, type Job, type Processor, type Worker } from 'bullmq';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { createDb } from '../src/db';
import type { Logger } from '../src/logger';
import type { QueueName } from '../src/queue-names';
import { WORKER_OPTIONS } from '../src/queues';
import { createWorkerRedis, type RedisClient } from '../src/redis';
import { redisKeys } from '../src/redis-keys';
import { withTimeout } from '../src/with-timeout';
import { createWorkerMetrics, type WorkerMetrics } from '../src/worker-metrics';
import { BatchWorker, type BatchProcessor } from './batch-worker';
import { createPersistBatchProcessor } from './persist-events';
import { createBacklogSettler, eventCount } from './settle-backlog';
import { startMaintenance } from './start-maintenance';
import { createRecencyBatchProcessor } from './update-recency';

/**
 * How many events a batch waits for at most, at the current rate (with
 * WORKER_LINGER_ADAPTIVE). The recency linger is spent from the freshness budget: at
 * 200 events/s it gathers three jobs into one fold (30 ms, the ceiling), at 1,000 events/s
 * it waits 6 ms, and less above (docs/performance.md#cost-at-real-rates). The persist
 * linger only delays the history, so its ceiling alone bounds it.
 */
const TARGET_EVENTS: Record<QueueName, number> = { recency: 6, persist: Infinity };

/** How long a stopping worker waits for its last backlog settles to reach Redis. */
const SETTLE_DRAIN_MS = 1_000;

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

export function startWorkers(config: Config, logger: Logger): RunningWorkers {
  const redis: RedisClient = createWorkerRedis(config);
  redis.on('error', (error) => logger.warn({ err: error.message }, 'redis connection error'));
  const keys = redisKeys(config.queuePrefix);
  const metrics = createWorkerMetrics();
  const backlog = createBacklogSettler(redis, keys);
  let db: Knex | undefined;

  const processors: Record<QueueName, () => BatchProcessor> = {
    persist: () => createPersistBatchProcessor((db ??= createDb(config))),
    recency: () => createRecencyBatchProcessor(redis, keys, config),
  };

  const workers: Worker[] = config.workerQueues.map((name) => {
    const processBatch = processors[name]();
    const counted: BatchProcessor = (jobs) => {
      metrics.batchJobs.observe({ queue: name }, jobs.length);
      return processBatch(jobs);
    };
    const worker = new BatchWorker(name, counted, {
      ...WORKER_OPTIONS,
      connection: redis,
      prefix: config.queuePrefix,
      batch: {
        lingerMs: config.workerLingerMs[name],
        adaptive: config.workerLingerAdaptive,
        targetSize: TARGET_EVENTS[name],
        maxJobs: config.workerBatchMaxJobs,
        // Jobs that are already full (a backlog) gain nothing from sharing a write.
        maxSize: config.ingestMaxEventsPerJob,
        sizeOf: eventCount,
        batches: config.workerConcurrency,
        wrap: (processor) => instrument(name, processor, metrics),
      },
    });
    const settle = (job: Job) => void backlog.settle(worker, job).catch(() => undefined);
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

  // The maintenance jobs need the database: the processes that persist run them.
  const maintenance = config.workerQueues.includes('persist')
    ? startMaintenance({
        config,
        redis,
        keys,
        db: () => (db ??= createDb(config)),
        logger,
        metrics,
      })
    : undefined;

  return {
    workers,
    metrics,
    async close() {
      const all = [...workers, ...(maintenance ? [maintenance.worker] : [])];
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
      await maintenance?.closeQueues();
      // The last jobs' backlog settles are sent once per batch, a turn later: let them go out
      // (not for ever: with Redis gone they would wait in the offline queue).
      await withTimeout(backlog.drain(), SETTLE_DRAIN_MS).catch(() => undefined);
      redis.disconnect();
      await db?.destroy();
    },
  };
}
