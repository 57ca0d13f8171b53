/**
 * Clears a BullMQ queue's base marker once no job is waiting (clear-queue-marker.lua).
 * BullMQ sets it again each time a worker takes a job; a worker that has just taken them
 * all (jobs/batch-worker.ts) would otherwise wake on it once more and ask for a job that
 * is not there.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { QueueBase } from 'bullmq';

const SCRIPT = readFileSync(path.join(__dirname, 'clear-queue-marker.lua'), 'utf8');

type MarkerRedis = {
  defineCommand(name: string, definition: { numberOfKeys: number; lua: string }): void;
  clearQueueMarker(wait: string, prioritized: string, marker: string): Promise<number>;
};

/** The clear for `queue`'s marker (a Worker's, or a Queue's), its script loaded. */
export async function queueMarkerClearer(queue: Pick<QueueBase, 'client' | 'keys'>) {
  const client = (await queue.client) as unknown as MarkerRedis;
  client.defineCommand('clearQueueMarker', { numberOfKeys: 3, lua: SCRIPT });
  const { wait, prioritized, marker } = queue.keys;
  /** Resolves to 1 if the marker was cleared, 0 if jobs are waiting (or it was not set). */
  return () => client.clearQueueMarker(wait!, prioritized!, marker!);
}
