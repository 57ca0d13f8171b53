/** Event bodies for tests: valid by default, any field overridable. */
import { randomUUID } from 'node:crypto';
import type { QueuedEvent } from '../../src/ingest/queued-event';

export function viewEvent(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    event_id: randomUUID(),
    user_id: 7,
    session_id: `s-${randomUUID()}`,
    event_type: 'VIEW',
    game_id: 3,
    timestamp: new Date(Date.now() - 60_000).toISOString(),
    referrer_page: '/games/3',
    time_spent: 30,
    ...overrides,
  };
}

/** The Python service's own client payload: the documented example is the one tested. */
export { PYTHON_CLIENT_EVENT } from '../../src/openapi/ingest-docs';

/** An event as a job carries it, occurring (and received) at `occurredAt`. */
export function queuedEventAt(
  occurredAt: string,
  overrides: Partial<QueuedEvent> = {},
): QueuedEvent {
  const at = Date.parse(occurredAt);
  return {
    event_id: randomUUID(),
    user_id: 5,
    session_id: 'partitions',
    event_type: 'VIEW',
    game_id: 1,
    timestamp: at,
    occurred_at: at,
    received_at: at,
    referrer_page: '/',
    time_spent: null,
    platform: null,
    search_query: null,
    filters_applied: null,
    ...overrides,
  };
}
