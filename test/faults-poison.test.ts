/**
 * SPEC §5, STYLE §7: a job that can never succeed fails for good at once (no half hour of
 * retries), lands in the failed set with its reason, shows in Bull Board, and changes
 * nothing for the events around it. On a single Redis and on a Redis Cluster.
 */
import { EVENTS_JOB } from '../src/queue-names';
import type { QueuedEvent } from '../src/ingest/queued-event';
import { JOB_OPTIONS } from '../src/queues';
import { ADMIN, asAdmin } from './helpers/catalog';
import { startPipeline } from './helpers/pipeline';
import { testOnEachTopology } from './helpers/topologies';
import { backlogCounters, failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference } from './helpers/reference-model';
import { makeEvents, sendEvents, type TestEvent } from './helpers/workload';

/** The event as the API would have queued it. */
function queued(event: TestEvent, overrides: Partial<QueuedEvent> = {}): QueuedEvent {
  const time = Date.parse(event.timestamp);
  return {
    event_id: event.event_id,
    user_id: event.user_id,
    session_id: event.session_id,
    event_type: event.event_type as QueuedEvent['event_type'],
    game_id: event.game_id ?? null,
    timestamp: time,
    occurred_at: time,
    received_at: Date.now(),
    referrer_page: event.referrer_page,
    time_spent: event.time_spent ?? null,
    platform: null,
    search_query: event.search_query ?? null,
    filters_applied: null,
    ...overrides,
  };
}

testOnEachTopology(
  'poison jobs fail for good with their reason; the events around them are processed exactly',
  async (t, topology) => {
    const api = await startPipeline({
      ...(await topology.env()),
      ...ADMIN,
      RECENTLY_VIEWED_MAX: '10',
    });
    t.teardown(() => api.stop());
    const { queues, flow } = api.deps;
    const [before, companions, after] = [300, 2, 300].map((count) =>
      makeEvents({ count, users: 10 }),
    );
    t.deepEqual(Object.keys((await sendEvents(api.url, before!)).statuses), ['202']);

    // A payload no worker can read (an older release, a hand-made retry), on both queues.
    const unreadable = { events: [{ user_id: 'seven' }] };
    const badPersist = await queues.persist.add(EVENTS_JOB, unreadable, JOB_OPTIONS);
    const badRecency = await queues.recency.add(EVENTS_JOB, unreadable, JOB_OPTIONS);
    // A readable job holding one event PostgreSQL refuses (jsonb cannot hold a NUL), queued on
    // both queues as the API does: its companions are stored, all three are folded.
    const [poison] = makeEvents({ count: 1, users: 10 });
    const refusable = {
      events: [
        queued(companions![0]!),
        queued(poison!, { filters_applied: { q: 'a\u0000b' } }),
        queued(companions![1]!),
      ],
    };
    const nodes = await flow.addBulk(
      Object.keys(queues).map((queueName) => ({
        name: EVENTS_JOB,
        queueName,
        data: refusable,
        opts: JOB_OPTIONS,
      })),
    );

    const refused = nodes.find((node) => node.job.queueName === 'persist')!.job;

    t.deepEqual(Object.keys((await sendEvents(api.url, after!)).statuses), ['202']);
    await waitForDrain(queues);

    const failed = await failedJobs(queues);
    t.is(failed.persist!.length, 2);
    t.is(failed.recency!.length, 1);
    const outcomeOf = async (queue: keyof typeof queues, id: string | undefined) => {
      const job = await queues[queue].getJob(id!);
      return { reason: job?.failedReason ?? '', attempts: job?.attemptsMade };
    };
    const unreadableInPersist = await outcomeOf('persist', badPersist.id);
    const unreadableInRecency = await outcomeOf('recency', badRecency.id);
    const refusedByPostgres = await outcomeOf('persist', refused.id);
    // One attempt each: UnrecoverableError skips the retries.
    t.like(unreadableInPersist, { attempts: 1 });
    t.like(unreadableInRecency, { attempts: 1 });
    t.like(refusedByPostgres, { attempts: 1 });
    t.regex(unreadableInPersist.reason, /^invalid job payload: \/events\/0/);
    t.regex(unreadableInRecency.reason, /^invalid job payload: \/events\/0/);
    t.regex(
      refusedByPostgres.reason,
      new RegExp(`^1 of 3 events rejected by PostgreSQL: ${poison!.event_id}`),
    );

    // Bull Board lists both, with the same reasons, for an operator to inspect or retry.
    const board = await api.request(
      'GET',
      '/admin/queues/api/queues?activeQueue=persist&status=failed',
      {
        headers: asAdmin,
      },
    );
    t.is(board.status, 200);
    const listed = board.body.queues.find((queue: { name: string }) => queue.name === 'persist');
    t.deepEqual(
      listed.jobs
        .map((job: { id: string; failedReason: string }) => [job.id, job.failedReason])
        .sort(),
      [
        [badPersist.id, unreadableInPersist.reason],
        [refused.id, refusedByPostgres.reason],
      ].sort(),
    );

    const good = [...before!, ...companions!, ...after!];
    await assertMatchesReference(
      t,
      { ...api.deps, recentlyViewedMax: 10 },
      [...good, poison!],
      good,
    );
    t.deepEqual(await backlogCounters(api.deps.redis, api.deps.keys), { persist: 0, recency: 0 });
  },
);
