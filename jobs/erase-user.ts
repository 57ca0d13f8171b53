/**
 * erase-user — one erasure (docs/data-lifecycle.md), queued by POST /api/v1/admin/erasures.
 *
 * Input:  `{ erasure_id }`, a row of `erasures` (user, cut-off `requested_at`).
 * Writes: removes everything of the user received up to the cut-off, in this order:
 *         1. marks the user as being erased (again: a retry may follow a newer erasure);
 *         2. waits until the event jobs active now have finished: one may have started
 *            before the mark and the cut-off, and still be writing the user's events;
 *         3. takes the user's events out of the queued jobs (scrub-queued-events.ts);
 *         4. deletes the user's recently-viewed list and session hashes (their sessions
 *            from the history and from the scrubbed events; a hash counts as the user's
 *            when its `user_id` is theirs) — the API's cache drops its copy as Redis
 *            reports the key gone (src/tracked-cache.ts);
 *         5. deletes the user's rows from every partition of web_events, with their ids;
 *         6. records the cut-off (the workers skip those events from now on), lifts the
 *            mark, and sets the audit row `done` with its counts.
 * Fails:  database or Redis unreachable, or a job that stays active → throws, BullMQ
 *         retries. Every step can run again (a worker killed mid-way: the job stalls and
 *         another worker runs it from the start); the counts are added step by step.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { UnrecoverableError, type Job, type Queue } from 'bullmq';
import type { RedisClient } from '../src/redis';
import type { Knex } from 'knex';
import { markErasing, releaseErasing } from '../src/erasure/erasure-marks';
import type { ErasureRow } from '../src/erasure/request-erasure';
import type { Logger } from '../src/logger';
import type { RedisKeys } from '../src/redis-keys';
import { SESSION_FIELDS } from '../src/session-fields';
import type { WorkerMetrics } from '../src/worker-metrics';
import { scrubQueuedEvents } from './scrub-queued-events';

/** Longer than a stalled job takes to be put back in the wait list (WORKER_OPTIONS). */
const ACTIVE_WAIT_MS = 60_000;
const POLL_MS = 100;

export interface EraseUserDeps {
  db: () => Knex;
  redis: RedisClient;
  keys: RedisKeys;
  /** The event queues (persist, recency). */
  queues: readonly Queue[];
  logger: Logger;
  metrics: WorkerMetrics;
}

/** Resolves once none of the jobs active now is active any more. */
async function waitForActiveJobs(queues: readonly Queue[]): Promise<void> {
  const active = await Promise.all(
    queues.map(async (queue) => ({ queue, ids: (await queue.getActive()).map((job) => job.id!) })),
  );
  const deadline = Date.now() + ACTIVE_WAIT_MS;
  for (const { queue, ids } of active) {
    let pending = ids;
    while (pending.length > 0) {
      if (Date.now() > deadline) throw new Error(`jobs still active in ${queue.name}: ${pending}`);
      const states = await Promise.all(pending.map((id) => queue.getJobState(id)));
      pending = pending.filter((_, i) => states[i] === 'active');
      if (pending.length > 0) await sleep(POLL_MS);
    }
  }
}

/** Deletes the user's recently-viewed list and its view markers, and the sessions that are theirs. */
async function deleteUserKeys(
  { redis, keys }: EraseUserDeps,
  userId: number,
  sessions: Iterable<string>,
): Promise<number> {
  const owners = [...sessions].map(
    async (session) =>
      [session, await redis.hget(keys.session(session), SESSION_FIELDS.userId)] as const,
  );
  const theirs = (await Promise.all(owners))
    .filter(([, owner]) => owner === String(userId))
    .map(([session]) => keys.session(session));
  // The view markers name the user's events (and so their games): they go with the list.
  let removed = await redis.unlink(keys.recentlyViewed(userId));
  removed += await redis.unlink(keys.recentlyViewedMarkers(userId));
  for (const key of theirs) removed += await redis.unlink(key);
  return removed;
}

const DELETE_ROWS = `
  WITH gone AS (
    DELETE FROM web_events WHERE user_id = :userId AND received_at <= :cutoff RETURNING event_id
  ), ids AS (
    DELETE FROM web_event_ids i USING gone WHERE i.event_id = gone.event_id
  )
  SELECT count(*)::int AS n FROM gone`;

export function createErasureProcessor(deps: EraseUserDeps) {
  const { redis, keys, queues, logger, metrics } = deps;
  return async function eraseUser(job: Job) {
    const id = (job.data as { erasure_id?: unknown })?.erasure_id;
    const db = deps.db();
    const erasure = (typeof id === 'string' && (await db('erasures').where({ id }).first())) as
      ErasureRow | undefined;
    if (!erasure) throw new UnrecoverableError(`no erasure ${String(id)} is recorded`);
    const audit = db('erasures').where({ id: erasure.id });
    if (erasure.status === 'done') return { erasure_id: erasure.id, status: 'done' };
    const { user_id: userId } = erasure;
    const cutoff = erasure.requested_at;

    await markErasing(redis, keys, userId, erasure.id);
    await audit.clone().update({ status: 'running' });
    await waitForActiveJobs(queues);

    const scrubbed = await scrubQueuedEvents(queues, userId, cutoff.getTime());
    await audit.clone().increment('queued_events_removed', scrubbed.events);

    const sessions = await db('web_events')
      .distinct('session_id')
      .where('user_id', userId)
      .andWhere('received_at', '<=', cutoff)
      .pluck('session_id');
    const keysRemoved = await deleteUserKeys(deps, userId, [...sessions, ...scrubbed.sessions]);
    await audit.clone().increment('keys_removed', keysRemoved);

    const rowsRemoved = await db.transaction(async (trx) => {
      const { rows } = await trx.raw<{ rows: Array<{ n: number }> }>(DELETE_ROWS, {
        userId,
        cutoff,
      });
      await trx('erasures').where({ id: erasure.id }).increment('rows_removed', rows[0]!.n);
      return rows[0]!.n;
    });

    await releaseErasing(redis, keys, userId, erasure.id, cutoff.getTime());
    await audit.clone().update({ status: 'done', finished_at: new Date() });
    metrics.erasures.inc();
    logger.info(
      { erasureId: erasure.id, userId, rowsRemoved, keysRemoved, queuedEvents: scrubbed.events },
      'erasure done',
    );
    return { erasure_id: erasure.id, status: 'done' };
  };
}
