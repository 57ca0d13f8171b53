/**
 * The ingestion step the handlers call: backpressure, then the durable enqueue, then the
 * count. Anything thrown here is a 503: the events were not accepted.
 */
import { unavailable } from '../http/http-error';
import type { ApiMetrics } from '../metrics';
import type { Backlog } from './backlog';
import type { EventEnqueuer } from './enqueue-events';
import type { QueuedEvent } from './queued-event';

export class Ingestion {
  constructor(
    private readonly enqueuer: EventEnqueuer,
    private readonly backlog: Backlog,
    private readonly maxBacklog: number,
    readonly metrics: Pick<ApiMetrics, 'accepted' | 'rejected' | 'duplicate'>,
  ) {}

  /** Reads the backlog now (the check on the request path uses the last reading). */
  refreshBacklog(): Promise<number> {
    return this.backlog.refresh();
  }

  async accept(events: readonly QueuedEvent[]): Promise<void> {
    if (this.backlog.current() >= this.maxBacklog) {
      throw unavailable('The event backlog is full; retry shortly.', 5);
    }
    await this.enqueuer.enqueue(events);
    this.metrics.accepted(events.length);
  }
}
