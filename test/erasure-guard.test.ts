/**
 * The recency job's erasure guard (jobs/skip-erased-events.ts), on both topologies: on one
 * Redis the fold script applies it, on a cluster the marks are read before the fold. A job
 * with a user being erased waits, whole, until the erasure is done; then the events
 * received up to its cut-off are skipped and the later ones folded.
 */
import { randomUUID } from 'node:crypto';
import type { Job } from 'bullmq';
import { markErasing, releaseErasing } from '../src/erasure/erasure-marks';
import { EVENTS_JOB } from '../src/queue-names';
import { JOB_OPTIONS } from '../src/queues';
import { redisKeys } from '../src/redis-keys';
import { queuedEventAt } from './helpers/events';
import { waitFor } from './helpers/http';
import { startPipeline } from './helpers/pipeline';
import { waitForDrain } from './helpers/queue-state';
import { testOnEachTopology } from './helpers/topologies';

const ERASED = 7101;
const OTHER = 7102;

testOnEachTopology(
  'a job with a user being erased waits whole; then events up to the cut-off are skipped',
  async (t, topology) => {
    const api = await startPipeline({ ...(await topology.env()), RECENCY_LINGER_MS: '0' });
    t.teardown(() => api.stop());
    const keys = redisKeys(api.config.queuePrefix);
    const { redis } = api.deps;
    const queue = api.deps.queues.recency;
    const at = Date.now() - 60_000;
    const event = (user: number, receivedAt: number, game: number) =>
      queuedEventAt(new Date(at).toISOString(), {
        user_id: user,
        session_id: `guard-${user}-${randomUUID()}`,
        game_id: game,
        received_at: receivedAt,
      });
    const add = (events: unknown[]) => queue.add(EVENTS_JOB, { events }, JOB_OPTIONS);
    const state = async (job: Job) => (await queue.getJob(job.id!))?.getState();
    const listed = (user: number) => redis.zrange(keys.recentlyViewed(user), 0, -1);

    const erasure = randomUUID();
    await markErasing(redis, keys, ERASED, erasure);
    const cutoff = Date.now();
    const held = await add([event(OTHER, cutoff - 10, 1), event(ERASED, cutoff - 10, 2)]);
    const free = await add([event(OTHER, cutoff - 5, 3)]);
    await waitFor(async () => ((await state(free)) === 'completed' ? true : undefined));
    await waitFor(async () => ((await state(held)) === 'delayed' ? true : undefined));
    t.deepEqual(await listed(OTHER), ['3'], 'the held job folded nothing, not even its other user');
    t.deepEqual(await listed(ERASED), []);

    await releaseErasing(redis, keys, ERASED, erasure, cutoff);
    const later = await add([event(ERASED, cutoff + 10, 4)]);
    await waitForDrain(api.deps.queues);
    for (const job of [held, later]) t.is(await state(job), 'completed');
    t.deepEqual((await queue.getJob(held.id!))?.returnvalue, { applied: 1 });
    t.deepEqual((await listed(OTHER)).sort(), ['1', '3']);
    t.deepEqual(await listed(ERASED), ['4'], 'received after the cut-off: kept');
  },
);
