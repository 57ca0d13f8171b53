/**
 * SPEC §4.1, §7: resending is always safe. The same events sent 2 to 5 times, by several
 * concurrent clients, singly and in batches (a batch may hold one event twice), at the
 * same instant, and again after their jobs completed and were removed from the queues:
 * one row each, and every counter moved once. On a single Redis and on a Redis Cluster.
 */
import { startPipeline } from './helpers/pipeline';
import { testOnEachTopology } from './helpers/topologies';
import { failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference } from './helpers/reference-model';
import { makeEvents, randomInt, sendEvents, shuffled, type TestEvent } from './helpers/workload';

testOnEachTopology(
  'events sent 2–5 times concurrently, and again after their jobs were removed: stored and counted once',
  async (t, topology) => {
    const api = await startPipeline({ ...(await topology.env()), RECENTLY_VIEWED_MAX: '10' });
    t.teardown(() => api.stop());
    const stores = { ...api.deps, recentlyViewedMax: 10 };
    const events = makeEvents({ count: 800, users: 20 });

    const copies = shuffled(
      events.flatMap((event) => Array<TestEvent>(randomInt(2, 5)).fill(event)),
    );
    const first = await sendEvents(api.url, copies, { clients: 6, maxBatch: 40 });
    t.deepEqual(Object.keys(first.statuses), ['202']);

    // The same event from four clients at the same instant.
    const burst = events.slice(0, 100);
    const statuses = await Promise.all(
      burst.flatMap((event) =>
        Array.from({ length: 4 }, async () => {
          const answer = await api.request('POST', '/api/v1/ingest', { body: event });
          return answer.status;
        }),
      ),
    );
    t.true(statuses.every((status) => status === 202));
    await waitForDrain(api.deps.queues);
    await assertMatchesReference(t, stores, events);

    // Completed jobs removed: nothing in the queues remembers these events any more.
    for (const queue of Object.values(api.deps.queues)) {
      t.true((await queue.clean(0, 100_000, 'completed')).length > 0);
    }
    const again = await sendEvents(api.url, shuffled([...events]), { clients: 4 });
    t.deepEqual(Object.keys(again.statuses), ['202']);
    await waitForDrain(api.deps.queues);
    await assertMatchesReference(t, stores, events);
    t.deepEqual(await failedJobs(api.deps.queues), { persist: [], recency: [] });
  },
  // One topology after the other: both at once, beside the other test files, starve a
  // 2-core machine until the API's 1 s deadline turns some writes into 503s.
  { serial: true },
);
