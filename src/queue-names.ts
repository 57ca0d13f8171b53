/** The service's queues: one name each, used by the API, the workers and Bull Board. */
export const QUEUE_NAMES = ['persist', 'recency'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

/** Every job carries a batch of events; one job name serves both queues. */
export const EVENTS_JOB = 'events';

/**
 * The maintenance queue: the history's partitions and retention, and erasures. Every
 * worker process that serves `persist` (it holds the database pool) takes its jobs, one
 * at a time across all processes.
 */
export const MAINTENANCE_QUEUE = 'maintenance';

export const MAINTENANCE_JOBS = {
  /** Partitions ahead, then retention (jobs/maintain-history.ts); at start and daily. */
  history: 'maintain-history',
  /** One erasure (jobs/erase-user.ts), queued by POST /api/v1/admin/erasures. */
  erasure: 'erase-user',
} as const;
