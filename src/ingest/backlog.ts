/**
 * Backpressure (SPEC §4.1): the API refuses new events with a 503 while more than
 * INGEST_MAX_BACKLOG events wait in either queue. The counts are Redis counters that the
 * API raises with each write (in its transaction, src/queues.ts) and the workers lower
 * after each job, resetting them when a queue is empty (jobs/settle-backlog.lua); they are
 * read at most every `refreshMs`, off the request path, so the check costs nothing per
 * request.
 */
import type { RedisClient } from '../redis';
import { QUEUE_NAMES } from '../queue-names';
import type { RedisKeys } from '../redis-keys';

export class Backlog {
  private events = 0;
  private readAt = 0;

  constructor(
    private readonly redis: RedisClient,
    private readonly keys: RedisKeys,
    private readonly refreshMs = 100,
  ) {}

  /** The largest backlog of the queues, in events, as last read (a refresh starts if stale). */
  current(): number {
    const now = Date.now();
    if (now - this.readAt >= this.refreshMs) {
      this.readAt = now;
      void this.refresh();
    }
    return this.events;
  }

  async refresh(): Promise<number> {
    try {
      const counts = await this.redis.mget(QUEUE_NAMES.map((name) => this.keys.backlog(name)));
      this.events = Math.max(0, ...counts.map((count) => Number(count ?? 0)));
    } catch {
      // Redis is down: the enqueue itself will answer 503; keep the last reading.
    }
    return this.events;
  }
}
