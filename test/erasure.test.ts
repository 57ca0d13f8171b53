/**
 * Erasing one user (docs/data-lifecycle.md), end to end with worker processes: the user's
 * events are in PostgreSQL and Redis, more are still queued (no worker running), newer
 * ones arrive after the request, and the worker running the erasure is SIGKILLed mid-way.
 * Afterwards nothing of the user received before the request is anywhere — history,
 * recently viewed (the API's cache included), sessions, queued jobs — their later events
 * are kept, every other user is exactly as the reference model says, and the audit row
 * has the counts.
 */
import test from 'ava';
import type { Queue } from 'bullmq';
import type { QueuedEvent } from '../src/ingest/queued-event';
import { TcpProxy, hostAndPort, signal, spawnWorker, throughProxy } from './helpers/faults';
import { waitFor } from './helpers/http';
import { startPipeline, type Pipeline } from './helpers/pipeline';
import { killIfRunning, type Spawned } from './helpers/processes';
import { failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference, expectedRecentlyViewed } from './helpers/reference-model';
import { makeEvents, sendEvents, type TestEvent } from './helpers/workload';

const ADMIN = { ADMIN_USER: 'auditor', ADMIN_PASSWORD: 'erase-me' };
const auth = { authorization: `Basic ${Buffer.from('auditor:erase-me').toString('base64')}` };
const TARGET = 3;

let api: Pipeline;
test.before(async () => {
  api = await startPipeline({ ...ADMIN, RECENTLY_VIEWED_MAX: '10' }, { workers: false });
});
test.after.always(async () => {
  await api?.stop();
});

const erase = (body: unknown, headers: Record<string, string> = auth) =>
  api.request('POST', '/api/v1/admin/erasures', { body, headers });
const statusOf = async (id: string) =>
  (await api.request('GET', `/api/v1/admin/erasures/${id}`, { headers: auth })).body as {
    status: string;
    requested_at: string;
    rows_removed: number;
    keys_removed: number;
    queued_events_removed: number;
  };

async function send(events: TestEvent[]) {
  const outcome = await sendEvents(api.url, events, { clients: 2 });
  if (Object.keys(outcome.statuses).join() !== '202') throw new Error('events refused');
}

/** Every event held in the event queues' jobs, whatever their state. */
async function queuedEvents(queues: Record<string, Queue>): Promise<QueuedEvent[]> {
  const states = ['wait', 'active', 'delayed', 'prioritized', 'paused', 'failed', 'completed'];
  const jobs = await Promise.all(
    Object.values(queues).map((queue) => queue.getJobs(states as never, 0, -1)),
  );
  return jobs.flat().flatMap((job) => (job?.data?.events ?? []) as QueuedEvent[]);
}

test.serial(
  'bad requests: no credentials 401, unknown user 404, invalid body and id 422',
  async (t) => {
    t.like(await erase({ user_id: TARGET }, {}), {
      status: 401,
      body: { error: { code: 'unauthorized' } },
    });
    t.like(await erase({ user_id: 987_654 }), {
      status: 404,
      body: { error: { code: 'not_found' } },
    });
    for (const body of [{ user_id: 0 }, { user_id: 'x' }, {}, { user_id: 1, also: 2 }]) {
      t.like(await erase(body), { status: 422 }, JSON.stringify(body));
    }
    t.like(await api.request('GET', '/api/v1/admin/erasures/nope', { headers: auth }), {
      status: 422,
    });
    t.like(
      await api.request('GET', '/api/v1/admin/erasures/6f1c1f0e-0000-4000-8000-000000000000', {
        headers: auth,
      }),
      { status: 404 },
    );
    t.like(
      await api.request('GET', '/api/v1/admin/erasures/6f1c1f0e-0000-4000-8000-000000000000'),
      {
        status: 401,
      },
    );
    t.is(Number((await api.db('erasures').count({ n: '*' }))[0]!.n), 0, 'nothing recorded');
  },
);

test.serial(
  'an erasure removes the user from PostgreSQL, Redis and the queues, through a worker SIGKILL',
  async (t) => {
    const workers: Spawned[] = [];
    const proxy = new TcpProxy(hostAndPort(api.config.databaseUrl), 15);
    await proxy.open();
    t.teardown(async () => {
      workers.forEach(killIfRunning);
      await proxy.close();
    });
    const shape = { users: 8, sessionsPerUser: 2, games: 30 };

    // Stored and folded: in PostgreSQL and Redis.
    workers.push(await spawnWorker(api.config));
    const stored = makeEvents({ count: 400, ...shape });
    await send(stored);
    await waitForDrain(api.deps.queues);
    t.like(await signal(workers[0]!, 'SIGTERM'), { code: 0 });
    const before = await api.request('GET', `/api/v1/users/${TARGET}/recently-viewed`);
    t.true((before.body as { items: unknown[] }).items.length > 0, 'the API cached a list');

    // Still queued: no worker runs.
    const queued = makeEvents({ count: 200, ...shape });
    await send(queued);
    const requested = await erase({ user_id: TARGET });
    t.like(requested, { status: 202, body: { user_id: TARGET, status: 'queued' } });
    const { erasure_id: id, requested_at: requestedAt } = requested.body as {
      erasure_id: string;
      requested_at: string;
    };
    t.is(requested.headers.get('location'), `/api/v1/admin/erasures/${id}`);
    const later = makeEvents({ count: 200, ...shape });
    await send(later);

    // The worker running the erasure is killed mid-way; another one finishes it.
    workers.push(
      await spawnWorker(api.config, { DATABASE_URL: throughProxy(api.config.databaseUrl, proxy) }),
    );
    await waitFor(
      async () => ((await statusOf(id)).status === 'running' ? true : undefined),
      30_000,
    );
    await signal(workers[1]!, 'SIGKILL');
    const atKill = await statusOf(id);
    t.not(atKill.status, 'done', 'killed before the erasure finished');
    workers.push(await spawnWorker(api.config));
    const done = await waitFor(async () => {
      const erasure = await statusOf(id);
      return erasure.status === 'done' ? erasure : undefined;
    }, 90_000);
    await waitForDrain(api.deps.queues, 60_000);

    const cutoff = Date.parse(requestedAt);
    const isTarget = (event: { user_id: number }) => event.user_id === TARGET;
    const erased = [...stored, ...queued].filter(isTarget);
    t.true(erased.length > 20, `${erased.length} events of the user before the request`);
    // The others' events, and the user's later ones: exactly what the stores must hold.
    const kept = [...stored, ...queued].filter((event) => !isTarget(event)).concat(later);
    await assertMatchesReference(t, { ...api.deps, recentlyViewedMax: 10 }, kept);

    t.deepEqual(
      await api
        .db('web_events')
        .where('user_id', TARGET)
        .andWhere('received_at', '<=', new Date(cutoff))
        .pluck('event_id'),
      [],
    );
    const erasedIds = erased.map((event) => event.event_id);
    t.deepEqual(await api.db('web_event_ids').whereIn('event_id', erasedIds).pluck('event_id'), []);
    t.deepEqual(
      (await queuedEvents(api.deps.queues)).filter((e) => isTarget(e) && e.received_at <= cutoff),
      [],
      'no job holds the user’s earlier events any more',
    );
    // The API's cached list was dropped when the key went (and now shows the later views).
    const after = await api.request('GET', `/api/v1/users/${TARGET}/recently-viewed?limit=10`);
    const expected = expectedRecentlyViewed(later, 10).get(TARGET) ?? [];
    t.deepEqual(
      (after.body as { items: Array<{ game_id: number }> }).items.map((item) => item.game_id),
      expected.map(([game]) => game),
    );

    t.like(done, { status: 'done', rows_removed: stored.filter(isTarget).length });
    t.true(done.keys_removed >= 1, `${done.keys_removed} keys removed`);
    t.true(done.queued_events_removed >= 2 * queued.filter(isTarget).length);
    const audit = await api.db('erasures').where({ id }).first();
    t.like(audit, { user_id: TARGET, requested_by: 'auditor', status: 'done' });
    t.true(audit.finished_at >= audit.requested_at);
    t.deepEqual(await failedJobs(api.deps.queues), { persist: [], recency: [] });
    t.log(`status when killed: ${atKill.status}; ${JSON.stringify(done)}`);

    for (const worker of workers.slice(2)) t.like(await signal(worker, 'SIGTERM'), { code: 0 });
  },
);
