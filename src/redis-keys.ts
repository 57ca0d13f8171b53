/**
 * Every Redis key of the service's own data, built in one place. Queue keys are BullMQ's
 * (under the same prefix). The ids in them are validated before they get here: user ids
 * are positive integers, session ids printable strings of at most 128 characters.
 */
export interface RedisKeys {
  /** Sorted set: game id → event time (ms) of the user's latest view of it. */
  recentlyViewed(userId: number): string;
  /** Hash: a session's counters, times, and per-event markers. */
  session(sessionId: string): string;
  /** Counter: events enqueued and not yet processed by one queue (backpressure). */
  backlog(queueName: string): string;
  /** Hash: the users being erased and the cut-off of each user's erasures (src/erasure/). */
  erasures(): string;
}

export function redisKeys(prefix: string): RedisKeys {
  return {
    recentlyViewed: (userId) => `${prefix}:rv:${userId}`,
    session: (sessionId) => `${prefix}:session:${sessionId}`,
    backlog: (queueName) => `${prefix}:backlog:${queueName}`,
    erasures: () => `${prefix}:erasures`,
  };
}
