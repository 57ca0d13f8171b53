/**
 * From a valid request event to the queued event: the id settled (lowercase, generated
 * when absent), naive timestamps read as UTC, the event time corrected for the client's
 * clock skew, and the rules a schema cannot say (time window, filters size) checked.
 */
import { randomUUID } from 'node:crypto';
import { findInJson } from '../http/find-in-json';
import type { ErrorDetail } from '../http/http-error';
import { MAX_FILTERS_LENGTH, type IngestEvent } from './event-schema';
import type { QueuedEvent } from './queued-event';

const HAS_OFFSET = /(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/;
const MAX_FUTURE_MS = 24 * 60 * 60 * 1000;
const EARLIEST_MS = Date.UTC(2000, 0, 1);

/** An ISO 8601 date-time in milliseconds; without an offset it is UTC. */
export function parseTimestamp(value: string): number {
  const iso = value.replace(' ', 'T');
  return Date.parse(HAS_OFFSET.test(iso) ? iso : `${iso}Z`);
}

/**
 * The path of the first string (value or key, at any depth) that PostgreSQL cannot store:
 * one holding a NUL character or an unpaired UTF-16 surrogate. Refused here, such an
 * event would otherwise be a poison row in the persist job.
 */
export function findUnstorableString(value: unknown): string | undefined {
  const unstorable = (text: string) => text.includes('\0') || !text.isWellFormed();
  return findInJson(value, (node) =>
    (node.key !== undefined && unstorable(node.key)) ||
    (typeof node.value === 'string' && unstorable(node.value))
      ? node.path()
      : undefined,
  );
}

export type Normalized = { event: QueuedEvent } | { errors: ErrorDetail[] };

export function normalizeEvent(input: IngestEvent, receivedAt: number): Normalized {
  const errors: ErrorDetail[] = [];
  const timestamp = parseTimestamp(input.timestamp);
  const sentAt = input.sent_at === undefined ? undefined : parseTimestamp(input.sent_at);
  // The client's clock may be off; what it measured between the event and sending is not.
  const occurredAt = sentAt === undefined ? timestamp : receivedAt - (sentAt - timestamp);

  if (occurredAt > receivedAt + MAX_FUTURE_MS) {
    errors.push({ path: '/timestamp', message: 'must not be more than 24 h in the future' });
  } else if (occurredAt < EARLIEST_MS) {
    errors.push({ path: '/timestamp', message: 'must not be before 2000-01-01' });
  }
  const filters = input.filters_applied;
  if (filters !== undefined && JSON.stringify(filters).length > MAX_FILTERS_LENGTH) {
    errors.push({ path: '/filters_applied', message: 'must be at most 4 KB once serialized' });
  }
  const unstorable = findUnstorableString(input);
  if (unstorable !== undefined) {
    errors.push({
      path: unstorable,
      message: 'must not contain NUL characters or unpaired surrogates',
    });
  }
  if (errors.length > 0) return { errors };

  return {
    event: {
      event_id: (input.event_id ?? randomUUID()).toLowerCase(),
      user_id: input.user_id,
      session_id: input.session_id,
      event_type: input.event_type,
      game_id: input.game_id ?? null,
      timestamp,
      occurred_at: occurredAt,
      received_at: receivedAt,
      referrer_page: input.referrer_page,
      time_spent: input.time_spent ?? null,
      platform: input.platform ?? null,
      search_query: input.search_query ?? null,
      filters_applied: filters ?? null,
    },
  };
}
