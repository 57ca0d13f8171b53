/**
 * What stands in front of the queue: write keys (401), a dead Redis (503, never 202),
 * backpressure (503 once the backlog passes INGEST_MAX_BACKLOG), and a write that Redis
 * answered only in part (503).
 */
import test from 'ava';
import { createApp } from '../src/app';
import { closeApiDeps, createApiDeps } from '../src/app-deps';
import { createLogger } from '../src/logger';
import { listen } from './helpers/http';
import { startPipeline } from './helpers/pipeline';
import { testConfig } from './helpers/test-env';
import { viewEvent } from './helpers/events';

test('write keys: 401 without or with a wrong key; Bearer and X-Write-Key both work', async (t) => {
  const api = await startPipeline({ INGEST_KEYS: 'key-one, key-two' }, { workers: false });
  t.teardown(() => api.stop());
  const send = (headers: Record<string, string>) =>
    api.request('POST', '/api/v1/ingest', { body: viewEvent(), headers });

  const none = await send({});
  t.is(none.status, 401);
  t.is(none.body.error.code, 'unauthorized');
  t.is((await send({ authorization: 'Bearer key-three' })).status, 401);
  t.is((await send({ 'x-write-key': 'key-on' })).status, 401);
  t.is((await send({ authorization: 'Bearer key-one' })).status, 202);
  t.is((await send({ 'x-write-key': 'key-two' })).status, 202);
  const batch = await api.request('POST', '/api/v1/ingest/batch', {
    body: { events: [viewEvent()] },
  });
  t.is(batch.status, 401, 'the batch endpoint is protected too');
});

test('503 with Retry-After, never 202, when nothing listens at the Redis address', async (t) => {
  const config = testConfig({ REDIS_URL: 'redis://127.0.0.1:1' });
  const deps = createApiDeps(config, createLogger(config, 'test'));
  const server = await listen(createApp(deps));
  t.teardown(async () => {
    await server.close();
    await closeApiDeps(deps);
  });

  for (const [path, body] of [
    ['/api/v1/ingest', viewEvent()],
    ['/api/v1/ingest/batch', { events: [viewEvent(), viewEvent()] }],
  ] as const) {
    const answer = await server.request('POST', path, { body });
    t.is(answer.status, 503, path);
    t.is(answer.body.error.code, 'unavailable');
    t.truthy(answer.headers.get('retry-after'));
  }
  const lookup = await server.request('GET', '/api/v1/users/1/recently-viewed');
  t.is(lookup.status, 503, 'lookups fail as clearly as writes');
});

test('backpressure: 503 with Retry-After once the backlog passes INGEST_MAX_BACKLOG', async (t) => {
  const api = await startPipeline({ INGEST_MAX_BACKLOG: '5' }, { workers: false });
  t.teardown(() => api.stop());
  const batch = await api.request('POST', '/api/v1/ingest/batch', {
    body: { events: Array.from({ length: 6 }, () => viewEvent()) },
  });
  t.is(batch.status, 202);
  await api.deps.ingestion.refreshBacklog();
  const refused = await api.request('POST', '/api/v1/ingest', { body: viewEvent() });
  t.is(refused.status, 503);
  t.is(refused.body.error.code, 'unavailable');
  t.is(refused.headers.get('retry-after'), '5');
});

test('a write whose transaction Redis answered in part is a 503, not a 202', async (t) => {
  const api = await startPipeline({}, { workers: false });
  t.teardown(() => api.stop());
  // INCRBY fails on a value that is not an integer: inside the MULTI, the jobs are added
  // and the counter is not, and EXEC answers that command with an error.
  const counter = api.deps.keys.backlog('recency');
  await api.deps.redis.set(counter, 'not a number');

  const refused = await api.request('POST', '/api/v1/ingest', { body: viewEvent() });
  t.is(refused.status, 503, 'the counter was not raised: the write is not whole');
  t.is(refused.body.error.code, 'unavailable');
  t.truthy(refused.headers.get('retry-after'));

  await api.deps.redis.del(counter);
  const accepted = await api.request('POST', '/api/v1/ingest', { body: viewEvent() });
  t.is(accepted.status, 202);
  t.is(await api.deps.redis.get(counter), '1');
});
