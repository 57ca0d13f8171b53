/**
 * The recently-viewed cache (src/tracked-cache.ts) against a real Redis: a read is served
 * from memory only while Redis has not said its key changed, and whatever may have missed
 * such a message (a read in flight, a dropped or silent connection) is forgotten.
 */
import test from 'ava';
import type { Redis } from 'ioredis';
import type { Socket } from 'node:net';
import { createTrackingRedis, createWorkerRedis, redisReady, type RedisClient } from '../src/redis';
import { INVALIDATE_CHANNEL, TrackedCache, type CacheResult } from '../src/tracked-cache';
import { startRedisServer } from './helpers/faults';
import { waitFor } from './helpers/http';
import { testConfig, uniqueName } from './helpers/test-env';

interface Harness {
  cache: TrackedCache<string[]>;
  reads: Redis;
  invalidations: Redis;
  /** A connection of the test's own: the writes another process would make. */
  writer: RedisClient;
  results: CacheResult[];
  /** What the cache reported through onError. */
  errors: string[];
  /** Reads that reached Redis. */
  loads: number;
  read(key: string): Promise<string[]>;
}

async function harness(redisUrl: string, maxEntries = 100, heartbeatMs = 1_000): Promise<Harness> {
  const config = { redisUrl, redisClusterNodes: [] };
  const reads = createTrackingRedis(config, 'cache-reads');
  const invalidations = createTrackingRedis(config, 'invalidations');
  const writer = createWorkerRedis(config);
  const results: CacheResult[] = [];
  const errors: string[] = [];
  const h: Harness = {
    cache: new TrackedCache<string[]>({
      reads,
      invalidations,
      maxEntries,
      heartbeatMs,
      onRead: (result) => results.push(result),
      onError: (error) => errors.push(error.message),
    }),
    reads,
    invalidations,
    writer,
    results,
    errors,
    loads: 0,
    read: async (key) =>
      h.cache.get(key, (redis) => {
        h.loads += 1;
        return redis.zrange(key, 0, -1);
      }),
  };
  for (const connection of [reads, invalidations, writer]) connection.on('error', () => undefined);
  await waitFor(async () => (h.cache.isArmed ? true : undefined), 10_000);
  return h;
}

const closeHarness = (h: Harness) => {
  h.cache.close();
  h.writer.disconnect();
};

const local = () => testConfig().redisUrl;

test('a read is answered from memory until Redis says its key changed', async (t) => {
  const h = await harness(local());
  const key = `${uniqueName('tc')}:rv`;
  t.teardown(async () => {
    await h.writer.del(key);
    closeHarness(h);
  });

  t.deepEqual(await h.read(key), [], 'a missing key is read (and tracked) too');
  t.deepEqual(await h.read(key), []);
  t.deepEqual(h.results, ['miss', 'hit']);
  t.is(h.loads, 1);

  await h.writer.zadd(key, 1, 'a');
  // Redis pushes the invalidation at once; the next lookup after it goes to Redis.
  t.deepEqual(
    await waitFor(async () => ((await h.read(key)).length > 0 ? h.read(key) : undefined)),
    ['a'],
  );
  t.is(h.loads, 2, 'one more read of Redis, for the changed key only');

  await h.writer.pexpire(key, 1);
  t.deepEqual(await waitFor(async () => ((await h.read(key)).length === 0 ? [] : undefined)), []);
});

test('concurrent misses of a key share one read', async (t) => {
  const h = await harness(local());
  const key = `${uniqueName('tc')}:rv`;
  t.teardown(() => closeHarness(h));

  const answers = await Promise.all([h.read(key), h.read(key), h.read(key)]);
  t.deepEqual(answers, [[], [], []]);
  t.is(h.loads, 1);
});

test('an answer whose key was invalidated while it was in flight is passed on, not kept', async (t) => {
  const h = await harness(local());
  const key = `${uniqueName('tc')}:rv`;
  t.teardown(() => closeHarness(h));

  const reading = h.read(key);
  // Redis's message for this key, delivered before the read's answer: Redis may have read
  // the old value, so what the read brings back must not be kept.
  h.invalidations.emit('messageBuffer', Buffer.from(INVALIDATE_CHANNEL), [Buffer.from(key)]);
  t.deepEqual(await reading, []);
  await h.read(key);
  t.is(h.loads, 2, 'the next lookup reads Redis again');
  await h.read(key);
  t.is(h.loads, 2, 'and that answer is kept');
});

test('a flush of the database (a null invalidation) forgets every key', async (t) => {
  const h = await harness(local());
  const keys = [`${uniqueName('tc')}:a`, `${uniqueName('tc')}:b`];
  t.teardown(() => closeHarness(h));

  for (const key of keys) await h.read(key);
  t.is(h.cache.size, 2);
  h.invalidations.emit('messageBuffer', Buffer.from(INVALIDATE_CHANNEL), null);
  t.is(h.cache.size, 0);
});

test('at most maxEntries keys are kept, the least recently used dropped first', async (t) => {
  const h = await harness(local(), 2);
  const [k1, k2, k3] = ['a', 'b', 'c'].map((name) => `${uniqueName('tc')}:${name}`) as [
    string,
    string,
    string,
  ];
  t.teardown(() => closeHarness(h));

  await h.read(k1);
  await h.read(k2);
  await h.read(k1); // k1 is now the most recent
  await h.read(k3); // drops k2
  t.is(h.cache.size, 2);
  h.results.length = 0;
  await h.read(k1);
  await h.read(k2);
  t.deepEqual(h.results, ['hit', 'miss']);
});

for (const which of ['reads', 'invalidations'] as const) {
  test(`when the ${which} connection drops, everything is forgotten until tracking is back`, async (t) => {
    const h = await harness(local());
    const key = `${uniqueName('tc')}:rv`;
    t.teardown(async () => {
      await h.writer.del(key);
      closeHarness(h);
    });
    await h.read(key);
    t.is(h.cache.size, 1);

    // Killed by Redis, as a restart or a network cut would; a write lands meanwhile.
    const { localAddress, localPort } = (h[which] as unknown as { stream: Socket }).stream;
    const dropped = new Promise((resolve) => h[which].once('close', resolve));
    await h.writer.client('KILL', 'ADDR', `${localAddress}:${localPort}`);
    await h.writer.zadd(key, 1, 'written-while-down');
    await dropped;
    t.false(h.cache.isArmed);
    t.is(h.cache.size, 0);

    await waitFor(async () => (h.cache.isArmed ? true : undefined), 10_000);
    t.deepEqual(await h.read(key), ['written-while-down']);
    t.deepEqual(await h.read(key), ['written-while-down']);
    t.deepEqual(h.results.slice(-2), ['miss', 'hit'], 'caching again once re-armed');
  });
}

test('a Redis that stops answering without closing disarms the cache within two heartbeats', async (t) => {
  const server = await startRedisServer();
  const h = await harness(server.url, 100, 200);
  t.teardown(async () => {
    server.thaw();
    closeHarness(h);
    await server.stop();
  });
  const key = `${uniqueName('tc')}:rv`;
  await h.read(key);
  await new Promise((resolve) => setTimeout(resolve, 700));
  t.true(h.cache.isArmed, 'answered heartbeats keep it armed');
  t.is(h.cache.size, 1);

  server.freeze();
  await waitFor(async () => (h.cache.isArmed ? undefined : true), 2_000);
  t.is(h.cache.size, 0);
  t.regex(h.errors.join('\n'), /no answer to a ping within 200 ms/, 'and says why');
  t.is(await h.read(key).catch(() => 'failed'), 'failed', 'a read while Redis is silent fails');

  server.thaw();
  await waitFor(async () => (h.cache.isArmed ? true : undefined), 15_000);
  await redisReady(h.reads);
  t.deepEqual(await h.read(key), []);
  t.is(h.cache.size, 1);
});
