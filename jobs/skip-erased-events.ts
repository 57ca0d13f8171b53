/**
 * The recency job's guard against erased users (docs/data-lifecycle.md). On one Redis the
 * fold script applies it itself (update-recency.lua); on a cluster the erasure marks of the
 * jobs' users are read before the fold, once per job or once per batch (one HMGET):
 * - a user with an erasure in progress: the whole job waits (moved to the delayed set,
 *   not counted as an attempt) until the erasure is done, so that nothing folds into the
 *   keys the erasure is deleting, and the user's newer events are folded after it;
 * - a user erased before: the events received up to the erasure's cut-off are skipped.
 */
import { DelayedError, type Job } from 'bullmq';
import type { RedisClient } from '../src/redis';
import { readErasureMarks, type ErasureMarks } from '../src/erasure/erasure-marks';
import type { QueuedEvent } from '../src/ingest/queued-event';
import type { RedisKeys } from '../src/redis-keys';

/** How long a job held back by an erasure waits before it looks again. */
export const ERASURE_WAIT_MS = 1_000;

/** The marks of every user of `events`, in one read. */
export function readErasureGuard(
  redis: RedisClient,
  keys: RedisKeys,
  events: readonly QueuedEvent[],
): Promise<ErasureMarks> {
  return readErasureMarks(redis, keys, [...new Set(events.map((event) => event.user_id))]);
}

/** Holds the job back until the erasure of one of its users is done: never resolves. */
export async function holdBackForErasure(job: Job, token: string | undefined): Promise<never> {
  await job.moveToDelayed(Date.now() + ERASURE_WAIT_MS, token);
  throw new DelayedError();
}

/**
 * The job's events the marks let through; holds the job back if one of its users is being
 * erased.
 */
export async function applyErasureGuard(
  marks: ErasureMarks,
  events: readonly QueuedEvent[],
  job: Job,
  token: string | undefined,
): Promise<readonly QueuedEvent[]> {
  if (events.some((event) => marks.erasing.has(event.user_id))) {
    return holdBackForErasure(job, token);
  }
  if (marks.erasedUpTo.size === 0) return events;
  return events.filter((event) => event.received_at > (marks.erasedUpTo.get(event.user_id) ?? -1));
}

export async function skipErasedEvents(
  redis: RedisClient,
  keys: RedisKeys,
  events: readonly QueuedEvent[],
  job: Job,
  token: string | undefined,
): Promise<readonly QueuedEvent[]> {
  return applyErasureGuard(await readErasureGuard(redis, keys, events), events, job, token);
}
