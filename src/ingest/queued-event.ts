/**
 * The event as it travels in a job: validated, normalized, with its times settled.
 * Both queues' jobs carry `{ events: QueuedEvent[] }`; the workers check this schema
 * again, because a job can also come from an older release or a hand-made retry.
 */
import { Type, type Static } from '@sinclair/typebox';
import { EVENT_TYPES } from '../models/enums';

const Nullable = <T extends ReturnType<typeof Type.String | typeof Type.Integer>>(schema: T) =>
  Type.Union([schema, Type.Null()]);

export const QueuedEvent = Type.Object(
  {
    event_id: Type.String({ format: 'uuid' }),
    user_id: Type.Integer({ minimum: 1, maximum: 2_147_483_647 }),
    session_id: Type.String({ minLength: 1, maxLength: 128 }),
    event_type: Type.Unsafe<(typeof EVENT_TYPES)[number]>({
      type: 'string',
      enum: [...EVENT_TYPES],
    }),
    game_id: Nullable(Type.Integer({ minimum: 1, maximum: 2_147_483_647 })),
    /** Milliseconds since the epoch: the time the client claimed. */
    timestamp: Type.Integer(),
    /** Milliseconds since the epoch: the event time, corrected for clock skew. */
    occurred_at: Type.Integer(),
    /** Milliseconds since the epoch: when the API accepted it. */
    received_at: Type.Integer(),
    referrer_page: Type.String({ maxLength: 2048 }),
    time_spent: Nullable(Type.Integer({ minimum: 0, maximum: 86_400 })),
    platform: Nullable(Type.String({ maxLength: 32 })),
    search_query: Nullable(Type.String({ maxLength: 512 })),
    filters_applied: Type.Unknown(),
  },
  { additionalProperties: false },
);

export type QueuedEvent = Static<typeof QueuedEvent>;

export const EventsJob = Type.Object({ events: Type.Array(QueuedEvent, { minItems: 1 }) });

export type EventsJob = Static<typeof EventsJob>;
