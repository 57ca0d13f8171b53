/**
 * Probes (SPEC §4.5) and draining (SPEC §7): /healthz, /readyz against real and dead
 * dependencies, and the 503 a draining API gives to requests that still reach it.
 */
import test from 'ava';
import { createApp } from '../src/app';
import { closeApiDeps, createApiDeps, type AppDeps } from '../src/app-deps';
import { listen, waitFor, type TestServer } from './helpers/http';
import { removeRedisKeys } from './helpers/pipeline';
import { testConfig } from './helpers/test-env';

const opened: Array<{ deps: AppDeps; server: TestServer }> = [];

async function openApp(env: Record<string, string> = {}) {
  const deps = createApiDeps(testConfig(env));
  const opening = { deps, server: await listen(createApp(deps)) };
  opened.push(opening);
  return opening;
}

test.after.always(async () => {
  for (const { deps, server } of opened) {
    await server.close();
    // The probes made BullMQ write its queues' meta keys; the dead-Redis apps wrote none.
    await removeRedisKeys(deps, deps.config.queuePrefix).catch(() => undefined);
    await closeApiDeps(deps);
  }
});

test('/healthz says the process is alive', async (t) => {
  const { server } = await openApp();
  const answer = await server.request('GET', '/healthz');
  t.is(answer.status, 200);
  t.deepEqual(answer.body, { status: 'ok' });
});

test('/readyz is 200 with its checks when PostgreSQL and Redis answer and Redis never evicts', async (t) => {
  const { server } = await openApp();
  // A fresh app opens its connections on first use; on a busy machine the first probe may
  // miss its 1 s deadline, as a real probe would, and the next one passes.
  const answer = await waitFor(async () => {
    const probe = await server.request('GET', '/readyz');
    return probe.status === 200 ? probe : undefined;
  });
  t.deepEqual(answer.body, {
    status: 'ok',
    checks: { postgres: 'ok', redis: 'ok', redis_maxmemory_policy: 'noeviction' },
  });
});

test('/readyz is 503 naming the Redis checks when nothing listens at REDIS_URL', async (t) => {
  const { server } = await openApp({ REDIS_URL: 'redis://127.0.0.1:1' });
  const answer = await server.request('GET', '/readyz');
  t.is(answer.status, 503);
  t.is(answer.body.error.code, 'unavailable');
  const failing = answer.body.error.details.map((detail: { path: string }) => detail.path);
  // PostgreSQL is up, but a busy machine may make it miss the deadline too: not asserted.
  t.true(failing.includes('/redis') && failing.includes('/redis_maxmemory_policy'), failing.join());
  t.regex(answer.body.error.message, /redis, redis_maxmemory_policy/);
  t.truthy(answer.headers.get('retry-after'));
});

test('/readyz is 503 naming PostgreSQL when the database does not answer', async (t) => {
  const { server } = await openApp({ DATABASE_URL: 'postgres://postgres@127.0.0.1:1/test' });
  const answer = await server.request('GET', '/readyz');
  t.is(answer.status, 503);
  const failing = answer.body.error.details.map((detail: { path: string }) => detail.path);
  t.true(failing.includes('/postgres'), failing.join());
});

test('while draining, new requests get 503 unavailable with Retry-After and Connection: close', async (t) => {
  const { deps, server } = await openApp();
  t.is((await server.request('GET', '/healthz')).status, 200);
  deps.drain.start();
  for (const path of ['/healthz', '/readyz', '/api/v1/users/1/recently-viewed', '/admin/queues']) {
    const answer = await server.request('GET', path);
    t.is(answer.status, 503, path);
    t.is(answer.body.error.code, 'unavailable', path);
    t.is(answer.headers.get('retry-after'), '1', path);
    t.is(answer.headers.get('connection'), 'close', path);
  }
});
