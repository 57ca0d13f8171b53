/**
 * SPEC §4.5, §7: a Redis that may evict keys may drop queued jobs, i.e. lose accepted
 * events. An entry point asks Redis for its `maxmemory-policy` before it starts: production
 * refuses anything but `noeviction` (a message naming it on stderr, exit status 1),
 * development starts with a warning. A Redis that cannot be asked within 2 s is left to
 * /readyz, which keeps asking (a worker just waits for Redis, as it always does).
 */
import type { Config } from './config';
import type { Logger } from './logger';
import { createWorkerRedis, maxmemoryPolicy, redisReady } from './redis';
import { withTimeout } from './with-timeout';

const ASK_TIMEOUT_MS = 2_000;

export async function checkRedisPolicyOrExit(
  config: Pick<Config, 'redisUrl' | 'redisClusterNodes' | 'isProduction'>,
  logger: Logger,
): Promise<void> {
  const redis = createWorkerRedis(config);
  redis.on('error', () => undefined); // reported below, once
  const policy = await withTimeout(
    redisReady(redis).then(() => maxmemoryPolicy(redis)),
    ASK_TIMEOUT_MS,
  )
    .catch((error: Error) => {
      logger.warn({ err: error.message }, 'could not read Redis maxmemory-policy at start-up');
      return undefined;
    })
    .finally(() => redis.disconnect());
  if (policy === undefined || policy === 'noeviction') return;

  const message = `Redis maxmemory-policy is "${policy}"; it must be "noeviction" or queued jobs may be evicted`;
  if (!config.isProduction) {
    logger.warn(message);
    return;
  }
  process.stderr.write(`refusing to start: ${message}\n`);
  process.exit(1);
}
