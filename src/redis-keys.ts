/**
 * Every Redis key of the service's own data, built in one place. Queue keys are BullMQ's
 * (under the same prefix). The ids in them are validated before they get here: user ids
 * are positive integers, session ids printable strings of at most 128 characters.
 *
 * The layout is the same on a single Redis and on a Redis Cluster (docs/redis-cluster.md):
 * - the backlog counters sit under the queue prefix itself, which on a cluster carries a
 *   hash tag (`{rti}`), so that the MULTI adding a batch's jobs can raise them too;
 * - the recency keys sit under the prefix without its braces (`rti`) and carry a hash tag
 *   of their own: a user's keys share one slot (`{u:<id>}`), a session's another
 *   (`{s:<id>}`), so the data spreads over every master and each script call of the fold
 *   touches one slot (jobs/update-recency.ts).
 */
export interface RedisKeys {
  /** Sorted set: game id → event time (ms) of the user's latest view of it. */
  recentlyViewed(userId: number): string;
  /** Sorted set, in the user's slot: event id → arrival time (ms), of the views folded in. */
  recentlyViewedMarkers(userId: number): string;
  /** Hash: a session's counters, times, and per-event markers. */
  session(sessionId: string): string;
  /** Counter: events enqueued and not yet processed by one queue (backpressure). */
  backlog(queueName: string): string;
  /** Hash: the users being erased and the cut-off of each user's erasures (src/erasure/). */
  erasures(): string;
}

/** The prefix of the recency keys: the queue prefix without its hash-tag braces. */
const dataPrefix = (prefix: string) => prefix.replace(/[{}]/g, '');

export function redisKeys(prefix: string): RedisKeys {
  const data = dataPrefix(prefix);
  return {
    recentlyViewed: (userId) => `${data}:rv:{u:${userId}}`,
    recentlyViewedMarkers: (userId) => `${data}:rv-seen:{u:${userId}}`,
    session: (sessionId) => `${data}:session:{s:${sessionId}}`,
    backlog: (queueName) => `${prefix}:backlog:${queueName}`,
    erasures: () => `${prefix}:erasures`,
  };
}

/** SCAN patterns that together match every key under `prefix`: BullMQ's and the service's. */
export function keyPatterns(prefix: string): string[] {
  const data = dataPrefix(prefix);
  return data === prefix ? [`${prefix}:*`] : [`${prefix}:*`, `${data}:*`];
}
