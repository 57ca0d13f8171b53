/**
 * The ingestion bodies as the document shows them: src/ingest/event-schema.ts's schemas,
 * with `null` allowed for each optional field (the API drops `null` before validating, so
 * it counts as absent), and examples, the Python service's client payload first.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { IngestEvent, MAX_BATCH_EVENTS } from '../ingest/event-schema';
import type { Example } from './route-doc';

/** `schema` with each optional top-level property also accepting `null`. */
export function nullAsAbsent<T extends TObject>(schema: T): TSchema {
  const required = new Set(schema.required ?? []);
  const properties = Object.fromEntries(
    Object.entries(schema.properties).map(([name, property]) => {
      if (required.has(name)) return [name, property];
      const { description, ...rest } = property as TSchema;
      const note = [description, '`null` counts as absent.'].filter(Boolean).join(' ');
      const nullable =
        typeof rest.type === 'string' && rest.enum === undefined
          ? { ...rest, type: [rest.type, 'null'] }
          : { anyOf: [rest, { type: 'null' }] };
      return [name, { ...nullable, description: note }];
    }),
  );
  return { ...schema, properties };
}

export const IngestEventBody = nullAsAbsent(IngestEvent);

export const IngestBatchBody = Type.Object(
  {
    events: Type.Array(IngestEventBody, {
      minItems: 1,
      maxItems: MAX_BATCH_EVENTS,
      description:
        'Each event is checked on its own: valid ones are queued, invalid ones reported by index.',
    }),
  },
  { additionalProperties: false },
);

export const PYTHON_CLIENT_EVENT = {
  user_id: 123,
  game_id: 456,
  event_type: 'VIEW',
  session_id: 'test-session',
  timestamp: '2025-08-17T10:15:30.123456',
  referrer_page: '/test-page',
  time_spent: null,
};

const SEARCH_EVENT = {
  event_id: '0f8b6a34-9c1e-4c39-9d7e-2a4c1f0b5e11',
  user_id: 1,
  session_id: 'session_1b',
  event_type: 'SEARCH',
  timestamp: '2025-08-17T10:15:30Z',
  sent_at: '2025-08-17T10:15:31Z',
  referrer_page: '/search',
  time_spent: 90,
  platform: 'web',
  search_query: 'mario',
  filters_applied: { publisher: 'Nintendo', price_under: 100 },
};

export const INGEST_EXAMPLES: Record<string, Example> = {
  python: {
    summary: 'The Python service’s client payload (naive UTC time, null as absent)',
    value: PYTHON_CLIENT_EVENT,
  },
  search: {
    summary: 'Every field: idempotency key, clock-skew correction, filters',
    value: SEARCH_EVENT,
  },
};

export const BATCH_EXAMPLES: Record<string, Example> = {
  batch: {
    summary: 'Two events',
    value: {
      events: [
        PYTHON_CLIENT_EVENT,
        { ...PYTHON_CLIENT_EVENT, event_type: 'ADD_TO_CART', time_spent: 45 },
      ],
    },
  },
};
