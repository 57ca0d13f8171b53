/**
 * The ingestion payloads (SPEC §4.1): one schema each, the single source of the validator,
 * the TypeScript type and the OpenAPI document.
 *
 * A field sent as `null` counts as absent: `dropNulls` removes it before validation, as
 * the Python service's clients send `"time_spent": null`. So an optional field's null is
 * accepted, and a required field's null is reported as "is required".
 */
import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES } from '../models/enums';

/** Event types whose interaction is about one game: `game_id` is required for them. */
export const GAME_EVENT_TYPES = [
  'VIEW',
  'ADD_TO_CART',
  'REMOVE_FROM_CART',
  'WISHLIST',
  'PURCHASE',
  'REVIEW',
] as const;

export const MAX_FILTERS_LENGTH = 4 * 1024;
export const MAX_BATCH_EVENTS = 500;
const MAX_INT4 = 2_147_483_647;

/** A session id is used in a Redis key: printable, 1–128 characters. */
export const SessionId = Type.String({
  minLength: 1,
  maxLength: 128,
  pattern: '^[^\\u0000-\\u001f\\u007f]*$',
  description: 'The front end’s session id (printable characters).',
  examples: ['session_1a'],
});

export const PositiveId = Type.Integer({ minimum: 1, maximum: MAX_INT4 });

const IsoDateTime = (description: string) =>
  Type.String({ format: 'iso-date-time', description, examples: ['2025-08-17T10:15:30.123456'] });

export const IngestEvent = Type.Object(
  {
    event_id: Type.Optional(
      Type.String({ format: 'uuid', description: 'Idempotency key; generated when absent.' }),
    ),
    user_id: { ...PositiveId, examples: [1] },
    session_id: SessionId,
    event_type: Type.Unsafe<(typeof EVENT_TYPES)[number]>({
      type: 'string',
      enum: [...EVENT_TYPES],
    }),
    game_id: Type.Optional({ ...PositiveId, description: 'Required for game events.' }),
    timestamp: IsoDateTime('When it happened; without an offset it is UTC.'),
    referrer_page: Type.String({ maxLength: 2048, examples: ['/games/1'] }),
    time_spent: Type.Optional(
      Type.Integer({ minimum: 0, maximum: 86_400, description: 'Seconds.' }),
    ),
    platform: Type.Optional(Type.String({ maxLength: 32, examples: ['web'] })),
    search_query: Type.Optional(Type.String({ maxLength: 512 })),
    filters_applied: Type.Optional(
      Type.Union([Type.Object({}, { additionalProperties: true }), Type.String()], {
        description: 'At most 4 KB once serialized.',
      }),
    ),
    sent_at: Type.Optional(IsoDateTime('When the client sent it; corrects for clock skew.')),
  },
  {
    additionalProperties: false,
    if: { properties: { event_type: { enum: [...GAME_EVENT_TYPES] } }, required: ['event_type'] },
    then: { required: ['game_id'] },
  },
);

export type IngestEvent = Static<typeof IngestEvent>;

export const IngestBatch = Type.Object(
  { events: Type.Array(Type.Unknown(), { minItems: 1 }) },
  { additionalProperties: false },
);

export type IngestBatch = Static<typeof IngestBatch>;

const KNOWN_FIELDS = new Set(Object.keys(IngestEvent.properties));

/**
 * A copy of `body` without its known fields sent as `null` (null counts as absent): an
 * optional one is then simply unset, a required one is reported missing ("is required",
 * not "must be string"). An unknown field sent as `null` stays, so the validator names it.
 */
export function dropNulls(body: unknown): unknown {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return body;
  // Most events carry no null: they are passed on as they are, with no copy.
  if (!Object.values(body).includes(null)) return body;
  return Object.fromEntries(
    Object.entries(body).filter(([key, value]) => value !== null || !KNOWN_FIELDS.has(key)),
  );
}
