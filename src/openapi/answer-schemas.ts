/**
 * The answer bodies of the ingestion, lookup and operations routes. Their handlers build
 * plain objects, so the schemas live here, beside the document; the contract test
 * (test/helpers/contract.ts) holds every answer the suite receives to them, so a handler
 * that changes its answer without its schema fails the suite.
 */
import { Type } from '@sinclair/typebox';
import { EVENT_TYPES } from '../models/enums';

const Instant = (description: string) => Type.String({ format: 'date-time', description });
const Count = Type.Integer({ minimum: 0 });

export const IngestAccepted = Type.Object(
  {
    status: Type.Literal('accepted'),
    message: Type.String({ examples: ['Event queued for processing'] }),
    request_id: Type.String({ description: 'Also in the X-Request-Id header.' }),
    event_id: Type.String({
      format: 'uuid',
      description: 'Lowercase; generated when the event had none.',
    }),
  },
  { additionalProperties: false },
);

export const BatchAccepted = Type.Object(
  {
    accepted: Type.Integer({ minimum: 1, description: 'Events queued.' }),
    duplicates: Type.Integer({
      minimum: 0,
      description: 'Valid events whose event_id appeared earlier in the same batch (queued once).',
    }),
    rejected: Type.Array(
      Type.Object(
        {
          index: Type.Integer({ minimum: 0 }),
          errors: Type.Array(
            Type.Object(
              { path: Type.String(), message: Type.String() },
              { additionalProperties: false },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { description: 'The invalid events, by index in `events`.' },
    ),
  },
  { additionalProperties: false },
);

export const RecentlyViewed = Type.Object(
  {
    user_id: Type.Integer({ minimum: 1 }),
    items: Type.Array(
      Type.Object(
        {
          game_id: Type.Integer({ minimum: 1 }),
          viewed_at: Instant('Event time of the latest view.'),
          game: Type.Optional(
            Type.Union(
              [
                Type.Object(
                  { title: Type.String(), platform: Type.String(), price: Type.Number() },
                  { additionalProperties: false },
                ),
                Type.Null(),
              ],
              { description: 'With `include=game`: null when the catalog does not know the game.' },
            ),
          ),
        },
        { additionalProperties: false },
      ),
      { description: 'Newest first by event time, one per game.' },
    ),
  },
  { additionalProperties: false },
);

export const SessionInsights = Type.Object(
  {
    session_id: Type.String(),
    user_id: Type.Integer({
      minimum: 1,
      description: 'That of the session’s first accepted event.',
    }),
    start_time: Instant('Earliest event time.'),
    last_activity: Instant('Latest event time.'),
    duration_minutes: Type.Number({ minimum: 0, description: 'Rounded to 2 decimals.' }),
    page_views: Count,
    unique_games_viewed: Count,
    avg_time_per_page: Type.Union([Type.Number({ minimum: 0 }), Type.Null()], {
      description: 'Total time_spent / page_views (2 decimals); null without views.',
    }),
    event_breakdown: Type.Partial(
      Type.Object(
        Object.fromEntries(EVENT_TYPES.map((type) => [type, Type.Integer({ minimum: 1 })])),
      ),
      {
        additionalProperties: false,
        description: 'Events per type (types without events are left out).',
      },
    ),
    engagement_level: Type.Union([
      Type.Literal('Low'),
      Type.Literal('Medium'),
      Type.Literal('High'),
    ]),
    entry_page: Type.Union([Type.String(), Type.Null()], {
      description: 'referrer_page of the first event.',
    }),
    last_page: Type.Union([Type.String(), Type.Null()], {
      description: 'referrer_page of the latest event.',
    }),
  },
  { additionalProperties: false },
);

export const Health = Type.Object({ status: Type.Literal('ok') }, { additionalProperties: false });

export const Readiness = Type.Object(
  {
    status: Type.Literal('ok'),
    checks: Type.Record(Type.String(), Type.String(), {
      description: 'Each check and its result (postgres, redis, redis_maxmemory_policy).',
    }),
  },
  { additionalProperties: false },
);

export const ErasureAnswer = Type.Object(
  {
    erasure_id: Type.String({ format: 'uuid' }),
    user_id: Type.Integer({ minimum: 1 }),
    status: Type.Union([Type.Literal('queued'), Type.Literal('running'), Type.Literal('done')], {
      description: '`done` once nothing of the user received up to `requested_at` is left.',
    }),
    requested_by: Type.String({ description: 'The admin user who asked.' }),
    requested_at: Instant('The cut-off: events received up to here are erased, later ones kept.'),
    finished_at: Type.Union([Instant('When it was done.'), Type.Null()]),
    rows_removed: { ...Count, description: 'Rows of web_events removed.' },
    keys_removed: {
      ...Count,
      description: 'Redis keys removed: the recently-viewed list and session hashes.',
    },
    queued_events_removed: {
      ...Count,
      description: 'Events taken out of jobs still in the queues (or kept in their history).',
    },
  },
  { additionalProperties: false },
);
