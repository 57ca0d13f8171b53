/**
 * Redis connections, shaped by the process's role (STYLE §9):
 * - the API's fail fast (no offline queue, a short command timeout) so that a dead
 *   Redis becomes a 503 within a second, never a hang and never a 202. The API has one
 *   for the queues (BullMQ defines its scripts on it) and one for the lookups, which
 *   auto-pipelines: the lookups of one turn of the event loop leave in one socket write.
 *   Each write to an idle Redis costs a wake-up, the largest part of a lookup's CPU time,
 *   and an ioredis pipeline copies every script defined on its connection, which BullMQ's
 *   ~50 would make dearer than the write it saves. The recently-viewed cache adds two
 *   (src/tracked-cache.ts): its tracked reads, and the invalidations it subscribes to,
 *   which never resends a command from before a reconnect (a stale CLIENT ID or SUBSCRIBE);
 * - a worker's waits and retries forever (`maxRetriesPerRequest: null`), as BullMQ's
 *   blocking commands require, and resumes when Redis is back.
 */
import { once } from 'node:events';
import { Redis } from 'ioredis';
import type { Config } from './config';

const reconnect = (attempt: number) => Math.min(50 * 2 ** attempt, 2_000);

export type ApiConnection = 'queues' | 'lookups' | 'cache-reads' | 'invalidations';

export function createApiRedis(
  config: Pick<Config, 'redisUrl'>,
  use: ApiConnection = 'queues',
): Redis {
  return new Redis(config.redisUrl, {
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: 1_000,
    connectTimeout: 1_000,
    retryStrategy: reconnect,
    connectionName: use === 'queues' ? 'rti-api' : `rti-api-${use}`,
    enableAutoPipelining: use === 'lookups' || use === 'cache-reads',
    ...((use === 'cache-reads' || use === 'invalidations') && {
      autoResubscribe: false,
      autoResendUnfulfilledCommands: false,
    }),
  });
}

export function createWorkerRedis(config: Pick<Config, 'redisUrl'>): Redis {
  return new Redis(config.redisUrl, {
    maxRetriesPerRequest: null,
    retryStrategy: reconnect,
    connectionName: 'rti-worker',
  });
}

/** Redis's `maxmemory-policy`: anything but `noeviction` may silently drop queued jobs. */
export async function maxmemoryPolicy(redis: Redis): Promise<string> {
  const reply = (await redis.config('GET', 'maxmemory-policy')) as string[];
  return reply[1] ?? 'unknown';
}

/**
 * Resolves when the connection is ready, rejects at its next error. The API's connection
 * has no offline queue, so a command sent while it (re)connects fails at once; a probe
 * waits for this first (under its own deadline) instead of reporting a connect in progress.
 */
export async function redisReady(redis: Redis): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready');
}
