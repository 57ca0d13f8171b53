/**
 * Keeps the backpressure counters in step with the queues: after each job that finished
 * (completed, or failed for good), its events leave the backlog, and an empty queue resets
 * the counter (see settle-backlog.lua for why). A batch's jobs are settled together.
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
 * Settles finished jobs in their queue's backlog counter. The jobs of one queue that finish
 * in the same turn of the event loop (a batch) are settled by one script call.
 */
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
  const due = new Map<Worker, { events: number; settled: Promise<number> }>();
  const inFlight = new Set<Promise<unknown>>();
  return {
    settle(worker, job) {
      let entry = due.get(worker);
      if (entry === undefined) {
        const next = { events: 0, settled: Promise.resolve(0) };
        next.settled = new Promise((resolve) => setImmediate(resolve)).then(() => {
          due.delete(worker);
          return send(worker, next.events);
        });
        const tracked = next.settled.catch(() => undefined);
        inFlight.add(tracked);
        void tracked.finally(() => inFlight.delete(tracked));
        due.set(worker, (entry = next));
      }
      entry.events += eventCount(job);
      return entry.settled;
    },
    async drain() {
      await Promise.all(inFlight);
    },
  };
}
