/**
 * SPEC §7: PostgreSQL unreachable while events keep arriving. Ingestion does not depend
 * on the database, so the API keeps answering 202; the worker's persist jobs fail and are
 * retried with backoff, and the backlog drains once the database is back, exactly.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import { createPersistProcessor } from '../jobs/persist-events';
import { createDb } from '../src/db';
import type { QueuedEvent } from '../src/ingest/queued-event';
import {
  TcpProxy,
  errorLogs,
  hostAndPort,
  isRunning,
  signal,
  spawnWorker,
  throughProxy,
} from './helpers/faults';
import { waitFor } from './helpers/http';
import { startPipeline } from './helpers/pipeline';
import { killIfRunning } from './helpers/processes';
import { backlogCounters, failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference } from './helpers/reference-model';
import { testConfig } from './helpers/test-env';
import { makeEvents, sendEvents, sleep } from './helpers/workload';

/** A proxy to the test database (PostgreSQL itself is shared: it is never stopped). */
const databaseProxy = (databaseUrl: string) => new TcpProxy(hostAndPort(databaseUrl));

test('PostgreSQL cut off for 20 s under load: 202 throughout, every event stored once it is back', async (t) => {
  const api = await startPipeline({}, { workers: false });
  const proxy = databaseProxy(api.config.databaseUrl);
  await proxy.open();
  const worker = await spawnWorker(api.config, {
    DATABASE_URL: throughProxy(api.config.databaseUrl, proxy),
  });
  t.teardown(async () => {
    killIfRunning(worker);
    await proxy.close();
    await api.stop();
  });

  const events = makeEvents({ count: 3_000 });
  const sending = sendEvents(api.url, events, { clients: 3, durationMs: 30_000 });
  await sleep(5_000);
  await proxy.close();
  const outageStarted = Date.now();
  await waitFor(async () => {
    const { delayed } = await api.deps.queues.persist.getJobCounts('delayed');
    return (delayed ?? 0) > 0 ? true : undefined;
  });
  // The history is down, the recency data is not: lookups still answer.
  const someone = events[0]!.user_id;
  t.is((await api.request('GET', `/api/v1/users/${someone}/recently-viewed`)).status, 200);
  await sleep(20_000 - (Date.now() - outageStarted));
  await proxy.open();

  const outcome = await sending;
  t.deepEqual(Object.keys(outcome.statuses), ['202'], 'the API accepted every request');
  await waitForDrain(api.deps.queues, 60_000);
  await assertMatchesReference(
    t,
    { ...api.deps, recentlyViewedMax: api.config.recentlyViewedMax },
    events,
  );
  t.deepEqual(
    await failedJobs(api.deps.queues),
    { persist: [], recency: [] },
    `worker errors: ${errorLogs(worker)}`,
  );
  t.deepEqual(await backlogCounters(api.deps.redis, api.deps.keys), { persist: 0, recency: 0 });
  t.true(isRunning(worker), 'the worker rode out the outage without a restart');
  t.true(
    worker.logs.some((line) => line.msg === 'job failed, will retry'),
    'persist jobs failed during the outage and were retried',
  );
  t.like(await signal(worker, 'SIGTERM'), { code: 0 });
});

test('a database that accepts connections and never answers fails the attempt (retryable), never hangs it', async (t) => {
  t.timeout(30_000);
  const config = testConfig();
  const proxy = databaseProxy(config.databaseUrl);
  proxy.silent = true;
  await proxy.open();
  const db = createDb({ ...config, databaseUrl: throughProxy(config.databaseUrl, proxy) });
  t.teardown(async () => {
    await proxy.close();
    await db.destroy();
  });
  const now = Date.now();
  const event: QueuedEvent = {
    event_id: randomUUID(),
    user_id: 1,
    session_id: 's-1',
    event_type: 'VIEW',
    game_id: 1,
    timestamp: now,
    occurred_at: now,
    received_at: now,
    referrer_page: '/',
    time_spent: null,
    platform: null,
    search_query: null,
    filters_applied: null,
  };
  const job = { id: 'silent', data: { events: [event] } } as unknown as Job;
  const error = await t.throwsAsync(createPersistProcessor(db)(job));
  t.false(error instanceof UnrecoverableError, 'BullMQ retries it');
  t.regex(error!.message, /timeout/i);
});
