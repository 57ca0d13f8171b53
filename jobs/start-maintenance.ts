/**
 * The maintenance worker of a worker process (src/queue-names.ts): the history's partitions
 * and retention (jobs/maintain-history.ts) and erasures (jobs/erase-user.ts), one job at a
 * time across all processes, and the daily schedule of the history maintenance.
 */
import { Worker, type Queue } from 'bullmq';
import type { RedisClient } from '../src/redis';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import type { Logger } from '../src/logger';
import { MAINTENANCE_JOBS, MAINTENANCE_QUEUE } from '../src/queue-names';
import {
  MAINTENANCE_JOB_OPTIONS,
  WORKER_OPTIONS,
  createMaintenanceQueue,
  createQueues,
} from '../src/queues';
import type { RedisKeys } from '../src/redis-keys';
import type { WorkerMetrics } from '../src/worker-metrics';
import { createErasureProcessor } from './erase-user';
import { createHistoryMaintainer } from './maintain-history';

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

export interface MaintenanceDeps {
  config: Config;
  redis: RedisClient;
  keys: RedisKeys;
  db: () => Knex;
  logger: Logger;
  metrics: WorkerMetrics;
}

export function startMaintenance({ config, redis, keys, db, logger, metrics }: MaintenanceDeps) {
  const eventQueues = Object.values(createQueues(redis, config.queuePrefix));
  const maintenance = createMaintenanceQueue(redis, config.queuePrefix);
  const queues = [...eventQueues, maintenance];
  for (const queue of queues) {
    queue.on('error', (error) => logger.warn({ err: error.message }, 'queue error'));
  }
  const maintainHistory = createHistoryMaintainer(db, config, logger, metrics);
  const eraseUser = createErasureProcessor({
    db,
    redis,
    keys,
    queues: eventQueues,
    logger,
    metrics,
  });
  const worker = new Worker(
    MAINTENANCE_QUEUE,
    (job) => (job.name === MAINTENANCE_JOBS.erasure ? eraseUser(job) : maintainHistory()),
    { ...WORKER_OPTIONS, connection: redis, prefix: config.queuePrefix, concurrency: 1 },
  );
  worker.on('error', (error) =>
    logger.error({ queue: MAINTENANCE_QUEUE, err: error.message }, 'worker error'),
  );
  worker.on('failed', (job, error) =>
    logger.warn(
      { queue: MAINTENANCE_QUEUE, job: job?.name, jobId: job?.id, reason: error.message },
      'maintenance job failed',
    ),
  );
  void scheduleMaintenance(maintenance).catch((error: Error) =>
    logger.error({ err: error.message }, 'cannot schedule the history maintenance'),
  );
  return {
    worker,
    /** After the worker has closed: the queues it used to scrub and schedule. */
    closeQueues: () => Promise.all(queues.map((queue) => queue.close())),
  };
}
