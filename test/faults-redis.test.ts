/**
 * SPEC §4.1, §7: Redis (the queue) killed and restarted. While it is down the API answers
 * 503 with Retry-After at once, never 202, and /readyz says 503; once it is back, the API
 * and a worker process recover without a restart and every event is processed once. The
 * server is this test's own, with AOF on as production runs it (docker-compose.yml), so a
 * kill loses no acknowledged write.
 */
import test from 'ava';
import { createApp } from '../src/app';
import { closeApiDeps, createApiDeps } from '../src/app-deps';
import { createLogger } from '../src/logger';
import { redisReady } from '../src/redis';
import { isRunning, errorLogs, signal, spawnWorker, startRedisServer } from './helpers/faults';
import { listen, waitFor } from './helpers/http';
import { killIfRunning } from './helpers/processes';
import { backlogCounters, failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference } from './helpers/reference-model';
import { dropTestSchema, migrateTestSchema, testConfig } from './helpers/test-env';
import { loadThroughOutage } from './helpers/outage';
import { makeEvents, type TestEvent, sleep } from './helpers/workload';

test('Redis killed under load: 503 at once while down, recovery without restarts, every event once', async (t) => {
  const redis = await startRedisServer(['--appendonly', 'yes']);
  const config = testConfig({ REDIS_URL: redis.url });
  const db = await migrateTestSchema(config);
  const deps = createApiDeps(config, createLogger(config, 'test-api'));
  await Promise.all([redisReady(deps.redis), deps.flow.waitUntilReady()]);
  const api = await listen(createApp(deps));
  const worker = await spawnWorker(config);
  t.teardown(async () => {
    killIfRunning(worker);
    await api.close();
    await closeApiDeps(deps);
    await dropTestSchema(db, config);
    await redis.stop();
  });

  const { before, during, sending } = await loadThroughOutage(t, api.url, () => redis.kill());

  const probe = makeEvents({ count: 3 });
  const probes: TestEvent[] = [];
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    for (const [path, body] of [
      ['/api/v1/ingest', probe[0]],
      ['/api/v1/ingest/batch', { events: probe.slice(1) }],
    ] as const) {
      const answer = await api.request('POST', path, { body });
      t.is(answer.status, 503, `${path} while Redis is down`);
      t.is(answer.body.error.code, 'unavailable');
      t.truthy(answer.headers.get('retry-after'));
    }
    await sleep(250);
  }
  const ready = await api.request('GET', '/readyz');
  t.is(ready.status, 503, '/readyz while Redis is down');
  t.true(ready.body.error.details.some((detail: { path: string }) => detail.path === '/redis'));
  const lookupPath = `/api/v1/users/${before[0]!.user_id}/recently-viewed`;
  const lookup = await api.request('GET', lookupPath);
  t.is(lookup.status, 503, 'lookups say 503 too');

  await redis.start();
  await waitFor(async () =>
    (await api.request('GET', '/readyz')).status === 200 ? true : undefined,
  );
  const probeAgain = await api.request('POST', '/api/v1/ingest/batch', { body: { events: probe } });
  t.is(probeAgain.status, 202, 'the API takes events again, without a restart');
  // The lookups have their own connection: it must come back by itself too.
  await waitFor(async () =>
    (await api.request('GET', lookupPath)).status === 200 ? true : undefined,
  );
  probes.push(...probe);

  const duringOutcome = await sending;
  t.is(duringOutcome.accepted.size, during.length, 'the retrying client got every event accepted');
  t.true((duringOutcome.statuses[503] ?? 0) > 0, 'the client met the outage');

  await waitForDrain(deps.queues, 60_000);
  const all = [...before, ...during, ...probes];
  await assertMatchesReference(t, { ...deps, recentlyViewedMax: config.recentlyViewedMax }, all);
  t.deepEqual(
    await failedJobs(deps.queues),
    { persist: [], recency: [] },
    `worker errors: ${errorLogs(worker)}`,
  );
  t.deepEqual(await backlogCounters(deps.redis, deps.keys), { persist: 0, recency: 0 });
  t.true(isRunning(worker), 'the worker reconnected by itself');
  t.like(await signal(worker, 'SIGTERM'), { code: 0 });
});
