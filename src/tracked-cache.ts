/**
 * A cache of Redis reads in the API's memory that Redis itself keeps exact: server-assisted
 * client-side caching (`CLIENT TRACKING`). Redis remembers which keys the cache's `reads`
 * connection has read and, when one of them changes, expires or is deleted, it pushes the
 * key's name on the `__redis__:invalidate` channel of the `invalidations` connection; the
 * entry is dropped before the next lookup of it. So a lookup answered from here is as
 * fresh as one read from Redis, give or take the moment that message takes to arrive.
 *
 * Only what can be proved fresh is kept:
 * - nothing is cached until both connections are up and tracking is on (`armed`): until
 *   then, and whenever either connection drops, every read goes to Redis and everything
 *   cached is forgotten, since the invalidations of that time are lost;
 * - a read's answer is kept only if no invalidation of its key (and no drop) came while it
 *   was in flight: Redis may have read the value before the change;
 * - the invalidation connection is pinged every `heartbeatMs`: a connection that stops
 *   answering without closing (a half-open socket) disarms the cache within two beats.
 *
 * Concurrent misses of one key share one read. The cache holds at most `maxEntries` keys
 * and drops the least recently used: a Map re-set on each hit, kept by hand rather than
 * lru-cache because it is all the LRU this needs on every lookup (what a lookup costs:
 * docs/performance.md#lookups-from-memory-and-where-a-single-events-cpu-goes).
 */
import type { Redis } from 'ioredis';
import type { RedisClient } from './redis';
import { withTimeout } from './with-timeout';

export const INVALIDATE_CHANNEL = '__redis__:invalidate';

/** Reads of keys through a cache, or straight from Redis. */
export interface ReadThrough<V> {
  get(key: string, load: (redis: RedisClient) => Promise<V>): V | Promise<V>;
  /** Stops its timers and closes the connections it owns. */
  close(): void;
}

/** No cache: every read goes to `redis` (which the caller closes). */
export function uncached<V>(redis: RedisClient): ReadThrough<V> {
  return { get: (_key, load) => load(redis), close: () => undefined };
}

/** How a read was answered: from memory, by Redis (then kept), or by Redis while disarmed. */
export type CacheResult = 'hit' | 'miss' | 'bypass';

/**
 * The cache switched off on a Redis Cluster: CLIENT TRACKING is per node, so one tracked
 * connection would see the invalidations of one master only. Every read goes to `redis`
 * and is counted as a `bypass`, so the metric shows the cache is not in the way.
 */
export function bypassed<V>(
  redis: RedisClient,
  onRead?: (result: CacheResult) => void,
): ReadThrough<V> {
  return {
    get: (_key, load) => {
      onRead?.('bypass');
      return load(redis);
    },
    close: () => undefined,
  };
}

export interface TrackedCacheOptions {
  /** The connection the cached reads go through; tracking is switched on for it. */
  reads: Redis;
  /** A connection of its own, subscribed to the invalidation messages. */
  invalidations: Redis;
  maxEntries: number;
  heartbeatMs?: number;
  onRead?: (result: CacheResult) => void;
  onError?: (error: Error) => void;
}

export class TrackedCache<V> implements ReadThrough<V> {
  private readonly entries = new Map<string, V>();
  private readonly flights = new Map<string, Promise<V>>();
  private readonly heartbeat: NodeJS.Timeout;
  /** Raised whenever tracking may have lapsed, so an arming started before does not count. */
  private epoch = 0;
  private subscriberId: string | undefined;
  private armed = false;

  constructor(private readonly options: TrackedCacheOptions) {
    const { reads, invalidations, heartbeatMs = 1_000 } = options;
    reads.on('ready', () => void this.arm());
    reads.on('close', () => this.disarm());
    invalidations.on('ready', () => void this.subscribe());
    invalidations.on('close', () => {
      this.subscriberId = undefined;
      this.disarm();
    });
    invalidations.on('messageBuffer', (channel: Buffer, keys: Buffer[] | null) => {
      if (channel.toString() === INVALIDATE_CHANNEL) this.invalidate(keys);
    });
    if (reads.status === 'ready') void this.arm();
    if (invalidations.status === 'ready') void this.subscribe();
    this.heartbeat = setInterval(() => void this.beat(heartbeatMs), heartbeatMs).unref();
  }

  /** Whether reads are being kept (tracking is on and both connections are up). */
  get isArmed(): boolean {
    return this.armed;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value of `key`: from memory when known, else `load(reads)` (and kept when armed). */
  get(key: string, load: (redis: RedisClient) => Promise<V>): V | Promise<V> {
    const { reads, onRead } = this.options;
    if (!this.armed) {
      onRead?.('bypass');
      return load(reads);
    }
    const hit = this.entries.get(key);
    if (hit !== undefined) {
      // Re-inserted: a Map iterates in insertion order, so the first key is the least recent.
      this.entries.delete(key);
      this.entries.set(key, hit);
      onRead?.('hit');
      return hit;
    }
    onRead?.('miss');
    const pending = this.flights.get(key);
    if (pending !== undefined) return pending;
    const flight: Promise<V> = load(reads).then(
      (value) => {
        // An invalidation (or a drop) while in flight removed the flight: the answer may
        // predate the change, so it is passed on but not kept.
        if (this.flights.get(key) === flight) {
          this.flights.delete(key);
          this.store(key, value);
        }
        return value;
      },
      (error: unknown) => {
        if (this.flights.get(key) === flight) this.flights.delete(key);
        throw error;
      },
    );
    this.flights.set(key, flight);
    return flight;
  }

  close(): void {
    clearInterval(this.heartbeat);
    this.disarm();
    this.options.reads.disconnect();
    this.options.invalidations.disconnect();
  }

  private store(key: string, value: V): void {
    this.entries.set(key, value);
    if (this.entries.size > this.options.maxEntries) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
  }

  private invalidate(keys: Buffer[] | null): void {
    // A null list means the whole database was flushed.
    if (keys === null) return this.forgetAll();
    for (const raw of keys) {
      const key = raw.toString();
      this.entries.delete(key);
      this.flights.delete(key);
    }
  }

  /** Drops every entry, and every read in flight from being kept. */
  private forgetAll(): void {
    this.entries.clear();
    this.flights.clear();
  }

  private disarm(): void {
    this.epoch += 1;
    this.armed = false;
    this.forgetAll();
  }

  /** On each (re)connect of the invalidation connection: learn its id, then subscribe. */
  private async subscribe(): Promise<void> {
    const { invalidations } = this.options;
    try {
      const id = String(await invalidations.client('ID'));
      await invalidations.subscribe(INVALIDATE_CHANNEL);
      this.subscriberId = id;
      await this.arm();
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  /** Switches tracking on for the reads connection, redirected to the subscriber. */
  private async arm(): Promise<void> {
    const { reads } = this.options;
    const epoch = this.epoch;
    const id = this.subscriberId;
    if (id === undefined || reads.status !== 'ready') return;
    try {
      await reads.client('TRACKING', 'ON', 'REDIRECT', id);
      // Armed only if nothing dropped meanwhile; a drop re-arms when the connection is back.
      if (this.epoch === epoch && this.subscriberId === id) this.armed = true;
    } catch (error) {
      this.options.onError?.(error as Error);
    }
  }

  private async beat(timeoutMs: number): Promise<void> {
    const { invalidations } = this.options;
    if (invalidations.status !== 'ready') return;
    try {
      await withTimeout(invalidations.ping(), timeoutMs);
    } catch {
      // Unanswered: invalidations may be lost. Forget everything and reconnect.
      this.subscriberId = undefined;
      this.disarm();
      invalidations.disconnect(true);
      this.options.onError?.(
        new Error(`no answer to a ping within ${timeoutMs} ms: cache cleared, reconnecting`),
      );
    }
  }
}
