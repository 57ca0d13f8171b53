/**
 * recency — folds a job's events into Redis: each user's recently-viewed games and the
 * live session counters, for lookups milliseconds after the click.
 *
 * Input:  `{ events: QueuedEvent[] }`.
 * Writes: update-recency.lua, once per hash slot the job's keys fall in (once for the whole
 *         job on a single Redis, where every key is in reach of one script): each event's
 *         session effects guarded by its marker in the session hash, its view of a game by
 *         its marker in the user's view markers. A job cut short between two calls is
 *         retried whole, and the calls that were applied change nothing the second time.
 *         Before it, the erasure guard (skip-erased-events.ts): events of erased users are
 *         left out, and a job with a user being erased waits until that erasure is done.
 * Fails:  Redis unreachable → throws, BullMQ retries; an invalid payload → UnrecoverableError.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Job } from 'bullmq';
import calculateSlot from 'cluster-key-slot';
import type { QueuedEvent } from '../src/ingest/queued-event';
import { isCluster, type RedisClient } from '../src/redis';
import type { RedisKeys } from '../src/redis-keys';
import { SESSION_TTL_MS } from '../src/session-fields';
import { outcomesOf, type BatchProcessor } from './batch-worker';
import { eventsOrNone, readEventsJob, readEventsJobs } from './read-events-job';
import { applyErasureGuard, readErasureGuard, skipErasedEvents } from './skip-erased-events';

const SCRIPT = readFileSync(path.join(__dirname, 'update-recency.lua'), 'utf8');
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RecencyOptions {
  recentlyViewedMax: number;
  recentlyViewedTtlDays: number;
}

type FoldingRedis = RedisClient & {
  foldEvents(numKeys: number, ...args: Array<string | number>): Promise<number>;
};

/** The events whose keys lie in one slot: their session parts, and their views of a game. */
interface SlotGroup {
  sessions: QueuedEvent[];
  views: QueuedEvent[];
}

const isViewOfGame = (event: QueuedEvent) => event.event_type === 'VIEW' && event.game_id !== null;

/**
 * The job's events by slot (`slotOf` a key), each group in the job's order: one session's
 * events are in one group, so their fold order (last page on equal times) is kept.
 */
export function groupBySlot(
  events: readonly QueuedEvent[],
  keys: RedisKeys,
  slotOf: (key: string) => number,
): SlotGroup[] {
  const groups = new Map<number, SlotGroup>();
  const groupOf = (key: string) => {
    const slot = slotOf(key);
    let group = groups.get(slot);
    if (!group) groups.set(slot, (group = { sessions: [], views: [] }));
    return group;
  };
  for (const event of events) {
    groupOf(keys.session(event.session_id)).sessions.push(event);
    if (isViewOfGame(event)) groupOf(keys.recentlyViewed(event.user_id)).views.push(event);
  }
  return [...groups.values()];
}

/** The script's KEYS and ARGV for one group (see the header of update-recency.lua). */
export function scriptArguments(
  { sessions, views }: SlotGroup,
  keys: RedisKeys,
  options: RecencyOptions,
  now = Date.now(),
) {
  const scriptKeys: string[] = [];
  const args: Array<string | number> = [
    options.recentlyViewedMax,
    options.recentlyViewedTtlDays * DAY_MS,
    SESSION_TTL_MS,
    sessions.length,
    now,
  ];
  for (const event of sessions) {
    scriptKeys.push(keys.session(event.session_id));
    args.push(
      event.event_id,
      event.event_type,
      event.game_id ?? '',
      event.occurred_at,
      event.time_spent ?? '',
      event.user_id,
      event.referrer_page,
    );
  }
  for (const event of views) {
    scriptKeys.push(keys.recentlyViewed(event.user_id), keys.recentlyViewedMarkers(event.user_id));
    args.push(event.event_id, event.game_id!, event.occurred_at);
  }
  return { scriptKeys, args };
}

/** Folds events: one script call per slot their keys fall in; resolves to the events applied. */
function createFolder(redis: RedisClient, keys: RedisKeys, options: RecencyOptions) {
  redis.defineCommand('foldEvents', { lua: SCRIPT });
  const folding = redis as FoldingRedis;
  // One Redis runs any script over any keys; a cluster only over the keys of one slot.
  const slotOf = isCluster(redis) ? calculateSlot : () => 0;
  return async (events: readonly QueuedEvent[]): Promise<number> => {
    if (events.length === 0) return 0;
    const applied = await Promise.all(
      groupBySlot(events, keys, slotOf).map((group) => {
        const { scriptKeys, args } = scriptArguments(group, keys, options);
        return folding.foldEvents(scriptKeys.length, ...scriptKeys, ...args);
      }),
    );
    return applied.reduce((sum, count) => sum + count, 0);
  };
}

export function createRecencyProcessor(
  redis: RedisClient,
  keys: RedisKeys,
  options: RecencyOptions,
) {
  const fold = createFolder(redis, keys, options);
  return async function updateRecency(job: Job, token?: string): Promise<{ applied: number }> {
    const events = await skipErasedEvents(redis, keys, readEventsJob(job), job, token);
    return { applied: await fold(events) };
  };
}

/**
 * The recency jobs of a batch: one read of the erasure marks for all their users, then each
 * job's fold, sent together (one round trip for the batch), so each job keeps its own
 * outcome: a job held back by an erasure, or with an invalid payload, does not hold back
 * the others.
 */
export function createRecencyBatchProcessor(
  redis: RedisClient,
  keys: RedisKeys,
  options: RecencyOptions,
): BatchProcessor {
  const fold = createFolder(redis, keys, options);
  return async (jobs) => {
    const read = readEventsJobs(jobs);
    const marks = await readErasureGuard(redis, keys, read.flatMap(eventsOrNone));
    return outcomesOf(jobs, async (job, i) => {
      const events = read[i]!;
      if (events instanceof Error) throw events;
      return { applied: await fold(await applyErasureGuard(marks, events, job, job.token)) };
    });
  };
}
