/**
 * Part of an erasure (jobs/erase-user.ts): takes the user's events received up to the
 * cut-off out of every job of the event queues that still holds them — waiting, delayed,
 * active, failed (the dead-letter queue) or kept in the completed history — so that a
 * retry from Bull Board cannot bring them back and their payload leaves Redis.
 *
 * A scrubbed job keeps the count of what it lost (`erased`), so the backlog counter is
 * settled by as many events as it was raised (jobs/settle-backlog.ts); a job left with no
 * event completes without doing anything (jobs/read-events-job.ts). A job whose worker
 * holds the old payload already is harmless: the workers skip erased events themselves.
 */
import type { Job, JobType, Queue } from 'bullmq';
import type { QueuedEvent } from '../src/ingest/queued-event';

const STATES: JobType[] = [
  'wait',
  'paused',
  'prioritized',
  'delayed',
  'waiting-children',
  'active',
  'failed',
  'completed',
];
const PAGE = 200;

export interface Scrubbed {
  events: number;
  /** Sessions of the events taken out (their hashes are the user's too). */
  sessions: Set<string>;
}

async function scrubJob(job: Job, isErased: (event: QueuedEvent) => boolean, into: Scrubbed) {
  const data = job.data as { events?: unknown; erased?: number } | undefined;
  if (!Array.isArray(data?.events)) return;
  const events = data.events as QueuedEvent[];
  const erased = events.filter(isErased);
  if (erased.length === 0) return;
  try {
    await job.updateData({
      ...data,
      events: events.filter((event) => !isErased(event)),
      erased: (data.erased ?? 0) + erased.length,
    });
  } catch (error) {
    // Removed meanwhile (completed and trimmed): nothing of it is left to scrub.
    if (!/Missing key/.test((error as Error).message)) throw error;
    return;
  }
  into.events += erased.length;
  for (const event of erased) into.sessions.add(event.session_id);
}

export async function scrubQueuedEvents(
  queues: readonly Queue[],
  userId: number,
  cutoffMs: number,
): Promise<Scrubbed> {
  const isErased = (event: QueuedEvent) =>
    event.user_id === userId && event.received_at <= cutoffMs;
  const scrubbed: Scrubbed = { events: 0, sessions: new Set() };
  for (const queue of queues) {
    // Paged per state; a job that moves between states meanwhile may be met twice (the
    // second time there is nothing left to take out) or missed (the workers skip it).
    for (let start = 0; ; start += PAGE) {
      const jobs = await queue.getJobs(STATES, start, start + PAGE - 1, true);
      if (jobs.length === 0) break;
      for (const job of jobs) if (job) await scrubJob(job, isErased, scrubbed);
    }
  }
  return scrubbed;
}
