/**
 * What the API needs, opened once per process by the entry point (or a test) and passed
 * to createApp. `closeApiDeps` closes it all, in reverse order.
 */
import type { FlowProducer, Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Config } from './config';
import { createDb } from './db';
import { Drain } from './http/reject-while-draining';
import { Backlog } from './ingest/backlog';
import { EventEnqueuer } from './ingest/enqueue-events';
import { Ingestion } from './ingest/ingestion';
import { createLogger, type Logger } from './logger';
import { createApiMetrics, type ApiMetrics } from './metrics';
import type { QueueName } from './queue-names';
import { createFlowProducer, createMaintenanceQueue, createQueues } from './queues';
import { createApiRedis, createTrackingRedis, isCluster, type RedisClient } from './redis';
import { redisKeys, type RedisKeys } from './redis-keys';
import { TrackedCache, bypassed, uncached, type ReadThrough } from './tracked-cache';
import type { RecentViews } from './handlers/get-recently-viewed';

export interface AppDeps {
  config: Config;
  logger: Logger;
  metrics: ApiMetrics;
  db: Knex;
  /** The queues' connection: BullMQ, the backlog counters, the probes. */
  redis: RedisClient;
  /** The producer's connection: every job is written on it (src/queues.ts). */
  producer: RedisClient;
  /** The lookups' connection (auto-pipelined, see src/redis.ts). */
  lookups: RedisClient;
  /** Recently-viewed reads: from the API's memory, kept exact by Redis (src/tracked-cache.ts). */
  recentViews: ReadThrough<RecentViews>;
  keys: RedisKeys;
  flow: FlowProducer;
  queues: Record<QueueName, Queue>;
  /** The maintenance queue: erasures are queued there (src/erasure/request-erasure.ts). */
  maintenance: Queue;
  ingestion: Ingestion;
  /** Set by the entry point on SIGTERM: new requests get 503 while in-flight ones finish. */
  drain: Drain;
}

export function createApiDeps(config: Config, logger = createLogger(config, 'api')): AppDeps {
  const metrics = createApiMetrics();
  const db = createDb(config);
  const redis = createApiRedis(config);
  const producer = createApiRedis(config, 'producer');
  const lookups = createApiRedis(config, 'lookups');
  const connections: RedisClient[] = [redis, producer, lookups];
  let recentViews: ReadThrough<RecentViews> = uncached(lookups);
  if (config.recentlyViewedCacheSize > 0 && isCluster(lookups)) {
    recentViews = bypassed(lookups, metrics.recentViewsRead);
  } else if (config.recentlyViewedCacheSize > 0) {
    const [reads, invalidations] = [
      createTrackingRedis(config, 'cache-reads'),
      createTrackingRedis(config, 'invalidations'),
    ];
    connections.push(reads, invalidations);
    recentViews = new TrackedCache<RecentViews>({
      reads,
      invalidations,
      maxEntries: config.recentlyViewedCacheSize,
      onRead: metrics.recentViewsRead,
      onError: (error) => logger.warn({ err: error.message }, 'lookup cache disarmed'),
    });
  }
  // An idle connection error is logged here; a request meeting it answers 503.
  for (const connection of connections) {
    connection.on('error', (error) =>
      logger.warn({ err: error.message }, 'redis connection error'),
    );
  }
  const keys = redisKeys(config.queuePrefix);
  const flow = createFlowProducer(producer, config.queuePrefix, keys);
  const queues = createQueues(redis, config.queuePrefix);
  const maintenance = createMaintenanceQueue(redis, config.queuePrefix);
  const logQueueError = (error: Error) => logger.warn({ err: error.message }, 'queue error');
  flow.on('error', logQueueError);
  for (const queue of [...Object.values(queues), maintenance]) queue.on('error', logQueueError);
  const enqueuer = new EventEnqueuer({
    flow,
    lingerMs: config.ingestLingerMs,
    adaptiveLinger: config.ingestLingerAdaptive,
    maxEventsPerJob: config.ingestMaxEventsPerJob,
  });
  const ingestion = new Ingestion(
    enqueuer,
    new Backlog(redis, keys),
    config.ingestMaxBacklog,
    metrics,
  );
  const drain = new Drain();
  return {
    config,
    logger,
    metrics,
    db,
    redis,
    producer,
    lookups,
    recentViews,
    keys,
    flow,
    queues,
    maintenance,
    ingestion,
    drain,
  };
}

export async function closeApiDeps(deps: AppDeps): Promise<void> {
  await deps.flow.close();
  await Promise.all(
    [...Object.values(deps.queues), deps.maintenance].map((queue) => queue.close()),
  );
  deps.redis.disconnect();
  deps.producer.disconnect();
  deps.lookups.disconnect();
  deps.recentViews.close();
  await deps.db.destroy();
}
