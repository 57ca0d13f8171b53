/** The service's queues: one name each, used by the API, the workers and Bull Board. */
export const QUEUE_NAMES = ['persist', 'recency'] as const;

export type QueueName = (typeof QUEUE_NAMES)[number];

/** Every job carries a batch of events; one job name serves both queues. */
export const EVENTS_JOB = 'events';
