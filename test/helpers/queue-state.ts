/**
 * The queues' side of a fault test's final check: both queues drained, what is in the
 * failed set, and the backpressure counters.
 */
import type { Queue } from 'bullmq';
import type { RedisClient } from '../../src/redis';
import { QUEUE_NAMES } from '../../src/queue-names';
import type { RedisKeys } from '../../src/redis-keys';
import { waitFor } from './http';

/** Waits until no job of either queue is waiting, active, delayed or paused. */
export async function waitForDrain(
  queues: Record<string, Queue>,
  timeoutMs = 60_000,
): Promise<void> {
  await waitFor(async () => {
    for (const queue of Object.values(queues)) {
      const counts = await queue.getJobCounts(
        'waiting',
        'active',
        'delayed',
        'prioritized',
        'paused',
        'waiting-children',
      );
      if (Object.values(counts).some((count) => count > 0)) return undefined;
    }
    return true;
  }, timeoutMs);
}

/** The failed set of each queue, with each job's reason. */
export async function failedJobs(queues: Record<string, Queue>) {
  const failed: Record<string, string[]> = {};
  for (const [name, queue] of Object.entries(queues)) {
    failed[name] = (await queue.getFailed()).map((job) => `${job.id}: ${job.failedReason}`);
  }
  return failed;
}

/**
 * The backpressure counters (events enqueued and not yet processed), by queue, once they
 * read 0 or after a few seconds: a worker settles them just after a job finishes.
 */
export async function backlogCounters(redis: RedisClient, keys: RedisKeys) {
  const read = async () => {
    const values = await redis.mget(QUEUE_NAMES.map((name) => keys.backlog(name)));
    return Object.fromEntries(QUEUE_NAMES.map((name, i) => [name, Number(values[i] ?? 0)]));
  };
  const zero = async () =>
    Object.values(await read()).every((count) => count === 0) ? true : undefined;
  await waitFor(zero, 5_000).catch(() => undefined);
  return read();
}
