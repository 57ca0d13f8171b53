/** Event bodies for tests: valid by default, any field overridable. */
import { randomUUID } from 'node:crypto';

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

/** The Python service's own compatibility payload (naive timestamp, `null` optional). */
export const PYTHON_CLIENT_EVENT = {
  user_id: 123,
  game_id: 456,
  event_type: 'VIEW',
  session_id: 'test-session',
  timestamp: '2025-08-17T10:15:30.123456',
  referrer_page: '/test-page',
  time_spent: null,
};
