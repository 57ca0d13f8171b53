/**
 * Keeps the backpressure counters in step with the queues: after each job that finished
 * (completed, or failed for good), its events leave the backlog, and an empty queue resets
 * the counter (see settle-backlog.lua for why). The jobs that finish within SETTLE_DELAY_MS
 * of each other are settled together.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { Job, Worker } from 'bullmq';
import type { RedisClient } from '../src/redis';
import type { RedisKeys } from '../src/redis-keys';

const SCRIPT = readFileSync(path.join(__dirname, 'settle-backlog.lua'), 'utf8');

type SettlingRedis = RedisClient & {
  settleBacklog(numKeys: number, ...args: Array<string | number>): Promise<number>;
};

/** The events the job was counted for: those it holds, and those an erasure took out of it. */
export const eventCount = (job: Job) =>
  (Array.isArray(job.data?.events) ? job.data.events.length : 0) + (Number(job.data?.erased) || 0);

export interface BacklogSettler {
  /** Settles a finished job of `worker` in its queue's backlog counter. */
  settle(worker: Worker, job: Job): Promise<number>;
  /** Resolves once every settle asked for so far has reached Redis (before disconnecting). */
  drain(): Promise<void>;
}

/**
 * How long a finished job's events may stay counted before they are settled. The jobs that
 * finish meanwhile, on any queue, are settled together (one script call per queue, sent at
 * once): under light traffic that is one wake-up of the worker and of Redis for several
 * batches, not one for each (docs/performance.md#cost-at-real-rates). The counter reads up
 * to this much high, which only ever makes the backpressure a little early.
 */
export const SETTLE_DELAY_MS = 50;

/** Settles finished jobs in their queue's backlog counter, SETTLE_DELAY_MS after they finish. */
export function createBacklogSettler(redis: RedisClient, keys: RedisKeys): BacklogSettler {
  redis.defineCommand('settleBacklog', { lua: SCRIPT });
  const settling = redis as SettlingRedis;
  const send = (worker: Worker, events: number): Promise<number> => {
    const queue = worker.keys;
    return settling.settleBacklog(
      6,
      keys.backlog(worker.name),
      queue.wait!,
      queue.paused!,
      queue.active!,
      queue.delayed!,
      queue.prioritized!,
      events,
    );
  };
  interface Due {
    events: number;
    resolve: (sent: Promise<number>) => void;
    settled: Promise<number>;
  }
  let due = new Map<Worker, Due>();
  let timer: NodeJS.Timeout | undefined;
  const inFlight = new Set<Promise<unknown>>();
  const flush = () => {
    clearTimeout(timer);
    timer = undefined;
    const sending = due;
    due = new Map();
    for (const [worker, entry] of sending) {
      const sent = send(worker, entry.events);
      const tracked = sent.catch(() => undefined);
      inFlight.add(tracked);
      void tracked.finally(() => inFlight.delete(tracked));
      entry.resolve(sent);
    }
  };
  return {
    settle(worker, job) {
      let entry = due.get(worker);
      if (entry === undefined) {
        let resolve!: Due['resolve'];
        const settled = new Promise<number>((r) => (resolve = r));
        due.set(worker, (entry = { events: 0, resolve, settled }));
        timer ??= setTimeout(flush, SETTLE_DELAY_MS);
      }
      entry.events += eventCount(job);
      return entry.settled;
    },
    async drain() {
      flush();
      await Promise.all(inFlight);
    },
  };
}
