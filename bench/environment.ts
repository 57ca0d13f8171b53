/**
 * The bench's own corner of the shared PostgreSQL and Redis: a fresh schema `bench_<random>`
 * migrated to latest and a fresh queue prefix `bench_<random>`, both removed at the end
 * (only what the bench created: the schema it made, the keys under its prefix). Also the
 * read-outs the rows need: backlog counters, queued jobs, rows persisted.
 *
 * The databases are the tests' (TEST_DATABASE_URL, TEST_REDIS_URL, defaulting to the
 * local `test` database and Redis), through the same helpers the tests use.
 */
import { randomBytes } from 'node:crypto';
import type { Queue } from 'bullmq';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { QUEUE_NAMES, type QueueName } from '../src/queue-names';
import { createQueues } from '../src/queues';
import { createWorkerRedis, masters, type RedisClient } from '../src/redis';
import { keyPatterns, redisKeys, type RedisKeys } from '../src/redis-keys';
import { removeRedisKeys } from '../test/helpers/pipeline';
import {
  dropTestSchema,
  migrateTestSchema,
  testConfig,
  uniqueName,
} from '../test/helpers/test-env';

export interface BenchEnvironment {
  config: Config;
  db: Knex;
  redis: RedisClient;
  keys: RedisKeys;
  queues: Record<QueueName, Queue>;
  /** The environment of the service's processes: this schema and prefix, plus `overrides`. */
  serviceEnv(overrides?: Record<string, string>): Record<string, string>;
}

/** `topology`: REDIS_URL or REDIS_CLUSTER_NODES of another Redis than the tests' (row 9). */
export async function openEnvironment(
  overrides: Record<string, string>,
  topology: Record<string, string> = {},
): Promise<BenchEnvironment> {
  const config = testConfig({
    DB_SCHEMA: uniqueName('bench'),
    QUEUE_PREFIX: uniqueName('bench'),
    ...topology,
  });
  const db = await migrateTestSchema(config);
  const redis = createWorkerRedis(config);
  const adminPassword = randomBytes(12).toString('hex');
  return {
    config,
    db,
    redis,
    keys: redisKeys(config.queuePrefix),
    queues: createQueues(redis, config.queuePrefix),
    serviceEnv: (extra = {}) => ({
      NODE_ENV: 'production',
      LOG_LEVEL: 'warn',
      // Names the service's backends, so that their CPU can be read (bench/postgres-cpu.ts).
      DATABASE_URL: withApplicationName(config.databaseUrl, config.queuePrefix),
      DB_SCHEMA: config.dbSchema,
      REDIS_URL: config.redisUrl,
      REDIS_CLUSTER_NODES: topology.REDIS_CLUSTER_NODES ?? '',
      QUEUE_PREFIX: config.queuePrefix,
      ADMIN_USER: 'bench',
      ADMIN_PASSWORD: adminPassword,
      WORKER_METRICS_PORT: '0',
      ...overrides,
      ...extra,
    }),
  };
}

function withApplicationName(url: string, name: string): string {
  const named = new URL(url);
  named.searchParams.set('application_name', name);
  return named.toString();
}

/** Removes the schema and every key under the prefix, and closes the connections. */
export async function closeEnvironment(env: BenchEnvironment): Promise<void> {
  await Promise.all(Object.values(env.queues).map((queue) => queue.close()));
  await removeRedisKeys(env, env.config.queuePrefix);
  env.redis.disconnect();
  await dropTestSchema(env.db, env.config);
}

/** Empties both queues and their counters (between runs that leave events queued). */
export async function resetQueues(env: BenchEnvironment): Promise<void> {
  await removeRedisKeys(env, env.config.queuePrefix);
}

/** Events queued and not yet processed, by queue (the service's own backlog counters). */
export async function readBacklog(env: BenchEnvironment): Promise<Record<QueueName, number>> {
  const counts = await env.redis.mget(QUEUE_NAMES.map((name) => env.keys.backlog(name)));
  const entries = QUEUE_NAMES.map((name, i) => [name, Math.max(0, Number(counts[i] ?? 0))]);
  return Object.fromEntries(entries) as Record<QueueName, number>;
}

/** Jobs not finished yet in either queue (waiting, paused, active, delayed). */
export async function unfinishedJobs(env: BenchEnvironment): Promise<number> {
  const counts = await Promise.all(
    Object.values(env.queues).map((queue) =>
      queue.getJobCounts('wait', 'paused', 'active', 'delayed', 'prioritized'),
    ),
  );
  return counts.reduce(
    (sum, byState) => sum + Object.values(byState).reduce((a, b) => a + b, 0),
    0,
  );
}

/** Rows in web_events, exactly. */
export async function persistedRows(env: BenchEnvironment): Promise<number> {
  const [row] = await env.db('web_events').count({ n: '*' });
  return Number(row?.n ?? 0);
}

/** Rows in web_events, cheaply (the highest id: exact while no insert conflicted or failed). */
export async function persistedRowsEstimate(env: BenchEnvironment): Promise<number> {
  const [row] = await env.db('web_events').max({ id: 'id' });
  return Number(row?.id ?? 0);
}

/** Waits until both queues hold no unfinished job; resolves to the time it took, ms. */
export async function waitUntilDrained(env: BenchEnvironment, timeoutMs: number): Promise<number> {
  const started = performance.now();
  while ((await unfinishedJobs(env)) > 0) {
    if (performance.now() - started > timeoutMs) throw new Error('queues did not drain in time');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return performance.now() - started;
}

/**
 * Waits until the API has finished the requests a load run left in flight (the backlog
 * counters stop moving), so the next step starts from a still queue.
 */
export async function waitUntilSettled(env: BenchEnvironment): Promise<void> {
  let last = '';
  for (;;) {
    const now = JSON.stringify(await readBacklog(env));
    if (now === last) return;
    last = now;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

export interface PrefixMemory {
  /** BullMQ's keys of both queues (jobs waiting and kept, lists, event streams), MB. */
  queueMb: number;
  /** The service's own data: recently-viewed sets, session hashes, counters, MB. */
  dataMb: number;
}

/** Redis memory of the keys under the bench's prefix (MEMORY USAGE of each), by kind. */
export async function prefixMemory(
  env: BenchEnvironment,
  kinds: Array<keyof PrefixMemory> = ['queueMb', 'dataMb'],
): Promise<PrefixMemory> {
  const prefix = env.config.queuePrefix;
  const patterns = kinds.flatMap((kind) =>
    kind === 'queueMb' ? QUEUE_NAMES.map((name) => `${prefix}:${name}:*`) : keyPatterns(prefix),
  );
  const bytes = { queueMb: 0, dataMb: 0 };
  const seen = new Set<string>();
  // Every master's keys (a cluster's SCAN sees one node's).
  const scans = masters(env.redis).flatMap((node) =>
    patterns.map((pattern) => ({ node, pattern })),
  );
  for (const { node, pattern } of scans) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      const fresh = keys.filter((key) => !seen.has(key));
      fresh.forEach((key) => seen.add(key));
      const pipeline = node.pipeline();
      // SAMPLES 0: exact. The default samples a few fields and misjudges a job hash, whose
      // one large field (the events) it may or may not meet.
      for (const key of fresh) pipeline.memory('USAGE', key, 'SAMPLES', 0);
      const sizes = (await pipeline.exec()) ?? [];
      fresh.forEach((key, i) => {
        const kind = QUEUE_NAMES.some((name) => key.startsWith(`${prefix}:${name}:`))
          ? 'queueMb'
          : 'dataMb';
        bytes[kind] += Number(sizes[i]?.[1] ?? 0);
      });
    } while (cursor !== '0');
  }
  return { queueMb: bytes.queueMb / 2 ** 20, dataMb: bytes.dataMb / 2 ** 20 };
}
