/**
 * recency — folds a job's events into Redis: each user's recently-viewed games and the
 * live session counters, for lookups milliseconds after the click.
 *
 * Input:  `{ events: QueuedEvent[] }`.
 * Writes: one call of update-recency.lua for the whole job (all effects of all events,
 *         atomically, each event guarded by its marker in the session hash), after the
 *         erasure guard (skip-erased-events.ts: events of erased users are left out, and a
 *         job with a user being erased waits until that erasure is done).
 * Fails:  Redis unreachable → throws, BullMQ retries; an invalid payload → UnrecoverableError.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Job } from 'bullmq';
import type { Redis } from 'ioredis';
import type { QueuedEvent } from '../src/ingest/queued-event';
import type { RedisKeys } from '../src/redis-keys';
import { SESSION_TTL_MS } from '../src/session-fields';
import { readEventsJob } from './read-events-job';
import { skipErasedEvents } from './skip-erased-events';

const SCRIPT = readFileSync(path.join(__dirname, 'update-recency.lua'), 'utf8');
const DAY_MS = 24 * 60 * 60 * 1000;

export interface RecencyOptions {
  recentlyViewedMax: number;
  recentlyViewedTtlDays: number;
}

type FoldingRedis = Redis & {
  foldEvents(numKeys: number, ...args: Array<string | number>): Promise<number>;
};

/** The script's KEYS and ARGV for a batch of events (see the header of update-recency.lua). */
export function scriptArguments(
  events: readonly QueuedEvent[],
  keys: RedisKeys,
  options: RecencyOptions,
) {
  const scriptKeys: string[] = [];
  const args: Array<string | number> = [
    options.recentlyViewedMax,
    options.recentlyViewedTtlDays * DAY_MS,
    SESSION_TTL_MS,
  ];
  for (const event of events) {
    scriptKeys.push(keys.recentlyViewed(event.user_id), keys.session(event.session_id));
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
  return { scriptKeys, args };
}

export function createRecencyProcessor(redis: Redis, keys: RedisKeys, options: RecencyOptions) {
  redis.defineCommand('foldEvents', { lua: SCRIPT });
  const folding = redis as FoldingRedis;
  return async function updateRecency(job: Job, token?: string): Promise<{ applied: number }> {
    const events = await skipErasedEvents(redis, keys, readEventsJob(job), job, token);
    if (events.length === 0) return { applied: 0 };
    const { scriptKeys, args } = scriptArguments(events, keys, options);
    const applied = await folding.foldEvents(scriptKeys.length, ...scriptKeys, ...args);
    return { applied };
  };
}
