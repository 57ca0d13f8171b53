/**
 * The payload check both processors start with: a job that does not hold a valid
 * `{ events: [...] }` can never succeed, so it fails at once (UnrecoverableError) with
 * the reason, instead of being retried for half an hour.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { compile, toDetails } from '../src/http/validate';
import { EventsJob, type QueuedEvent } from '../src/ingest/queued-event';

const check = compile(EventsJob);

/**
 * The job's events. An erasure may have taken every event out of a queued job
 * (jobs/scrub-queued-events.ts): it then holds `{ events: [], erased: n }`, and has nothing
 * left to do.
 */
export function readEventsJob(job: Job): QueuedEvent[] {
  const data = job.data as { events?: unknown; erased?: unknown } | undefined;
  if (Array.isArray(data?.events) && data.events.length === 0 && Number(data.erased) > 0) return [];
  if (!check(job.data)) {
    const reasons = toDetails(check.errors).map(({ path, message }) => `${path || '/'} ${message}`);
    throw new UnrecoverableError(`invalid job payload: ${reasons.slice(0, 5).join('; ')}`);
  }
  return job.data.events;
}

/** Each job's events, or the error its payload fails with (for a batch of jobs). */
export function readEventsJobs(jobs: readonly Job[]): Array<QueuedEvent[] | Error> {
  return jobs.map((job) => {
    try {
      return readEventsJob(job);
    } catch (error) {
      return error as Error;
    }
  });
}

/** The events read, or none for a job whose payload failed. */
export const eventsOrNone = (read: QueuedEvent[] | Error): QueuedEvent[] =>
  read instanceof Error ? [] : read;
