/**
 * SPEC §4.1: backpressure. With no worker running, the backlog grows until it passes
 * INGEST_MAX_BACKLOG; from then on the API answers 503 with Retry-After and queues
 * nothing. Once a worker drains the queues, the API accepts again, by itself.
 */
import test from 'ava';
import { startWorkers } from '../jobs/start-workers';
import { createLogger } from '../src/logger';
import { startPipeline } from './helpers/pipeline';
import { backlogCounters, failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference } from './helpers/reference-model';
import { makeEvents, sendEvents, sleep } from './helpers/workload';

const LIMIT = 200;

test('over INGEST_MAX_BACKLOG: 503 with Retry-After and nothing queued, until a worker drains it', async (t) => {
  const api = await startPipeline({ INGEST_MAX_BACKLOG: String(LIMIT) }, { workers: false });
  t.teardown(() => api.stop());
  const events = makeEvents({ count: 1_500 });

  let sent = 0;
  let refusal;
  for (; sent < events.length; sent += 20) {
    const answer = await api.request('POST', '/api/v1/ingest/batch', {
      body: { events: events.slice(sent, sent + 20) },
    });
    if (answer.status !== 202) {
      refusal = answer;
      break;
    }
    await sleep(20);
  }
  t.true(sent >= LIMIT, `${sent} events accepted before the first refusal`);
  t.is(refusal?.status, 503);
  t.is(refusal?.body.error.code, 'unavailable');
  t.is(refusal?.headers.get('retry-after'), '5');
  // Refused means not queued: this one must never reach the stores.
  const [unqueued] = makeEvents({ count: 1 });
  t.is((await api.request('POST', '/api/v1/ingest', { body: unqueued })).status, 503);

  const workers = startWorkers(api.config, createLogger(api.config, 'test-worker'));
  t.teardown(() => workers.close()); // teardowns run last first: before api.stop()
  const rest = await sendEvents(api.url, events.slice(sent), {
    clients: 2,
    retry: { delayMs: 100, deadline: Date.now() + 40_000 },
  });
  t.is(rest.accepted.size, events.length - sent, 'accepted again once drained');

  await waitForDrain(api.deps.queues);
  await assertMatchesReference(
    t,
    { ...api.deps, recentlyViewedMax: api.config.recentlyViewedMax },
    events,
  );
  t.deepEqual(await failedJobs(api.deps.queues), { persist: [], recency: [] });
  t.deepEqual(await backlogCounters(api.deps.redis, api.deps.keys), { persist: 0, recency: 0 });
});
