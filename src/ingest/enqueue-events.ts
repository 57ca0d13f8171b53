/**
 * Durable enqueueing with a linger, like a Kafka producer: events from requests that
 * arrive within `lingerMs` of the first (or until `maxEventsPerJob`) travel together in
 * one job per queue, written by one atomic Redis transaction (FlowProducer.addBulk: a
 * MULTI/EXEC holding both queues' jobs). With `adaptiveLinger`, a batch is written
 * earlier when no more events are expected in time (src/ingest/linger.ts). Each request's
 * promise settles only when every batch holding one of its events has been written, so a
 * 202 always means "in Redis".
 */
import type { FlowProducer } from 'bullmq';
import { QUEUE_NAMES, EVENTS_JOB } from '../queue-names';
import { JOB_OPTIONS } from '../queues';
import { unavailable } from '../http/http-error';
import { withTimeout } from '../with-timeout';
import { Linger } from './linger';
import type { QueuedEvent } from './queued-event';

interface Batch {
  events: QueuedEvent[];
  /** Settles when the batch has been written (or failed to be). */
  written: Promise<void>;
  /** Closes the batch to new events and starts its write. */
  release: () => void;
  /** performance.now() by which the batch is written at the latest. */
  deadline: number;
  timer?: NodeJS.Timeout;
  /** Set once the batch is to be written at the end of this turn of the event loop. */
  closing?: boolean;
}

export interface EnqueueOptions {
  /** The API's producer (src/queues.ts), which also counts the backlog. */
  flow: FlowProducer;
  /** The longest a batch waits for more events after its first. */
  lingerMs: number;
  /** Write a batch before `lingerMs` when no more events are expected in time. */
  adaptiveLinger?: boolean;
  maxEventsPerJob: number;
  /** A write not confirmed within this time is reported as failed (the client retries). */
  timeoutMs?: number;
}

export class EventEnqueuer {
  private pending: Batch | undefined;
  private readonly linger: Linger;

  constructor(private readonly options: EnqueueOptions) {
    this.linger = new Linger(options.lingerMs, options.adaptiveLinger ?? false);
  }

  /** Resolves once all `events` are durably queued; rejects with a 503 HttpError otherwise. */
  enqueue(events: readonly QueuedEvent[]): Promise<unknown> {
    const now = performance.now();
    if (events.length > 0) this.linger.arrived(events.length, now);
    // Batches fill one after the other, so a request's events span consecutive batches.
    const written: Array<Promise<void>> = [];
    let last: Batch | undefined;
    for (const event of events) {
      const batch = (this.pending ??= this.openBatch(now));
      batch.events.push(event);
      if (batch !== last) written.push(batch.written);
      last = batch;
      if (batch.events.length >= this.options.maxEventsPerJob) this.close(batch);
    }
    const open = this.pending;
    if (open !== undefined) {
      if (this.linger.nothingMoreBy(open.deadline, now)) this.closeThisTurn(open);
      else if (open.timer === undefined) this.schedule(open, now);
    }
    // One batch (every single-event request) is awaited as is: no Promise.all per request.
    return written.length === 1 ? written[0]! : Promise.all(written);
  }

  private openBatch(now: number): Batch {
    const events: QueuedEvent[] = [];
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    return {
      events,
      release,
      written: released.then(() => this.write(events)),
      deadline: now + this.linger.lingerMs(),
    };
  }

  /**
   * Writes `batch` once the requests read in this turn of the event loop have joined it: a
   * process that falls behind reads requests in clumps, and a clump must make one job, not
   * one job per request (smaller jobs would make it fall further behind).
   */
  private closeThisTurn(batch: Batch): void {
    if (batch.closing) return;
    batch.closing = true;
    setImmediate(() => this.close(batch));
  }

  /** Writes `batch` when its linger is over, looking again as the linger asks. */
  private schedule(batch: Batch, now: number): void {
    batch.timer = setTimeout(
      () => {
        if (this.pending !== batch) return;
        const later = performance.now();
        if (this.linger.waitFor(batch.deadline, later) === 0) this.close(batch);
        else this.schedule(batch, later);
      },
      this.linger.waitFor(batch.deadline, now),
    );
  }

  private close(batch: Batch): void {
    if (this.pending === batch) this.pending = undefined;
    clearTimeout(batch.timer);
    batch.release();
  }

  private async write(events: QueuedEvent[]): Promise<void> {
    const { flow, timeoutMs = 1_000 } = this.options;
    const data = { events };
    const jobs = QUEUE_NAMES.map((queueName) => ({
      name: EVENTS_JOB,
      queueName,
      data,
      opts: JOB_OPTIONS,
    }));
    try {
      // The producer raises the backlog counters in the same transaction (src/queues.ts).
      const added = await withTimeout(flow.addBulk(jobs), timeoutMs);
      // A closing FlowProducer resolves without adding anything: that is not a success.
      if (added?.length !== jobs.length) throw new Error('the producer is closing');
    } catch (error) {
      throw unavailable(`The event queue is unavailable: ${(error as Error).message}`);
    }
  }
}
