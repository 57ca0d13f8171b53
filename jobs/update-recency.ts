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
 *         The erasure guard (skip-erased-events.ts) comes with it: events of erased users
 *         are left out, and a job with a user being erased waits until that erasure is
 *         done. On one Redis the script reads the marks itself; on a cluster, where they
 *         are in another slot, they are read first (once per batch).
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
import {
  applyErasureGuard,
  holdBackForErasure,
  readErasureGuard,
  skipErasedEvents,
} from './skip-erased-events';

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

/**
 * The script's KEYS and ARGV for one group (see the header of update-recency.lua); with
 * `guarded`, the script reads the erasure marks itself (one Redis only: on a cluster they
 * are in another slot).
 */
export function scriptArguments(
  { sessions, views }: SlotGroup,
  keys: RedisKeys,
  options: RecencyOptions,
  { now = Date.now(), guarded = false } = {},
) {
  const scriptKeys: string[] = [];
  const args: Array<string | number> = [
    options.recentlyViewedMax,
    options.recentlyViewedTtlDays * DAY_MS,
    SESSION_TTL_MS,
    sessions.length,
    now,
    guarded ? '1' : '0',
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
      event.received_at,
    );
  }
  for (const event of views) {
    scriptKeys.push(keys.recentlyViewed(event.user_id), keys.recentlyViewedMarkers(event.user_id));
    args.push(event.event_id, event.game_id!, event.occurred_at, event.user_id, event.received_at);
  }
  if (guarded) scriptKeys.push(keys.erasures());
  return { scriptKeys, args };
}

/**
 * Folds a job's events: one script call per slot their keys fall in; resolves to the events
 * applied. On one Redis the erasure guard is the script's too; on a cluster the caller
 * applies it first, from marks it read (skip-erased-events.ts).
 */
function createFolder(redis: RedisClient, keys: RedisKeys, options: RecencyOptions) {
  redis.defineCommand('foldEvents', { lua: SCRIPT });
  const folding = redis as FoldingRedis;
  // One Redis runs any script over any keys; a cluster only over the keys of one slot.
  const cluster = isCluster(redis);
  const slotOf = cluster ? calculateSlot : () => 0;
  return {
    /** True when `fold` applies the erasure guard itself. */
    guards: !cluster,
    /**
     * The events of `job` applied. On one Redis the script is the erasure guard too: events
     * received up to their user's erasure are skipped, and a job with a user being erased
     * is held back (skip-erased-events.ts), nothing folded.
     */
    async fold(events: readonly QueuedEvent[], job: Job, token: string | undefined) {
      if (events.length === 0) return 0;
      const guarded = !cluster;
      const applied = await Promise.all(
        groupBySlot(events, keys, slotOf).map((group) => {
          const { scriptKeys, args } = scriptArguments(group, keys, options, { guarded });
          return folding.foldEvents(scriptKeys.length, ...scriptKeys, ...args);
        }),
      );
      if (guarded && applied[0] === ERASING) return holdBackForErasure(job, token);
      return applied.reduce((sum, count) => sum + count, 0);
    },
  };
}

/** What the guarded fold script answers for a job with a user being erased. */
const ERASING = -1;

export function createRecencyProcessor(
  redis: RedisClient,
  keys: RedisKeys,
  options: RecencyOptions,
) {
  const { guards, fold } = createFolder(redis, keys, options);
  return async function updateRecency(job: Job, token?: string): Promise<{ applied: number }> {
    const read = readEventsJob(job);
    const events = guards ? read : await skipErasedEvents(redis, keys, read, job, token);
    return { applied: await fold(events, job, token) };
  };
}

/**
 * The recency jobs of a batch, each folded with its own outcome (sent together: one round
 * trip for the batch): a job held back by an erasure, or with an invalid payload, does not
 * hold back the others. On a cluster the erasure marks of all their users are read first,
 * in one HMGET.
 */
export function createRecencyBatchProcessor(
  redis: RedisClient,
  keys: RedisKeys,
  options: RecencyOptions,
): BatchProcessor {
  const { guards, fold } = createFolder(redis, keys, options);
  return async (jobs) => {
    const read = readEventsJobs(jobs);
    const marks = guards
      ? undefined
      : await readErasureGuard(redis, keys, read.flatMap(eventsOrNone));
    return outcomesOf(jobs, async (job, i) => {
      const events = read[i]!;
      if (events instanceof Error) throw events;
      const guarded = marks ? await applyErasureGuard(marks, events, job, job.token) : events;
      return { applied: await fold(guarded, job, job.token) };
    });
  };
}
