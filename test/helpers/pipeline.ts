/**
 * A whole pipeline for one test file: its own schema (migrated, optionally seeded) and
 * queue prefix, the real API on a real port, and optionally in-process workers.
 */
import type { Knex } from 'knex';
import { createApp } from '../../src/app';
import { closeApiDeps, createApiDeps, type AppDeps } from '../../src/app-deps';
import type { Config } from '../../src/config';
import { createLogger } from '../../src/logger';
import { redisReady, scanKeys, unlinkKeys } from '../../src/redis';
import { keyPatterns } from '../../src/redis-keys';
import { startWorkers, type RunningWorkers } from '../../jobs/start-workers';
import { listen, type TestServer } from './http';
import { dropTestSchema, migrateTestSchema, testConfig } from './test-env';

export interface Pipeline extends TestServer {
  config: Config;
  deps: AppDeps;
  db: Knex;
  workers?: RunningWorkers;
  /** Closes everything this pipeline opened and removes its schema and Redis keys. */
  stop(): Promise<void>;
}

export async function startPipeline(
  env: Record<string, string> = {},
  { workers = true, seed = false } = {},
): Promise<Pipeline> {
  const config = testConfig(env);
  const db = await migrateTestSchema(config, { seed });
  const deps = createApiDeps(config, createLogger(config, 'test-api'));
  // Ready as /readyz means it: the API's Redis connection has no offline queue, and its
  // producer loads BullMQ's scripts first; a write before either is a 503.
  await Promise.all([redisReady(deps.redis), deps.flow.waitUntilReady()]);
  const server = await listen(createApp(deps));
  const running = workers ? startWorkers(config, createLogger(config, 'test-worker')) : undefined;
  return {
    ...server,
    config,
    deps,
    db,
    workers: running,
    async stop() {
      await server.close();
      await running?.close();
      try {
        await removeRedisKeys(deps, config.queuePrefix);
      } finally {
        // Even with Redis gone (a failed fault test): no connection left retrying.
        await closeApiDeps(deps);
        await dropTestSchema(db, config);
      }
    },
  };
}

/** Deletes the keys under this test's own prefix (on every master), and nothing else. */
export async function removeRedisKeys(deps: Pick<AppDeps, 'redis'>, prefix: string): Promise<void> {
  for (const pattern of keyPatterns(prefix)) {
    for await (const keys of scanKeys(deps.redis, pattern)) await unlinkKeys(deps.redis, keys);
  }
}
