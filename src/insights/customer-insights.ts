/**
 * Customer insights (SPEC §4.3): a user's preferences, recent interests, platform usage
 * and engagement, from the history in PostgreSQL, as the Python service computed them.
 * A user without events gets the empty answer (no platform, zeros, empty lists).
 */
import { Type, type Static } from '@sinclair/typebox';
import type { Knex } from 'knex';
import {
  avgViewingTime,
  commonFilters,
  eventsSince,
  platformUsage,
  preferredGenres,
  recentInterests,
} from './customer-insight-queries';

const WEEK_MS = 7 * 24 * 60 * 60 * 1000;
const Count = Type.Integer({ minimum: 0 });
const Seconds = (description: string) => Type.Integer({ minimum: 0, description });

export const CustomerInsights = Type.Object(
  {
    user_id: Type.Integer({ minimum: 1 }),
    preferences: Type.Object(
      {
        preferred_platform: Type.Union([Type.String(), Type.Null()], {
          description: 'The platform with the most events; null without events.',
        }),
        avg_viewing_time: Seconds('Mean time_spent of VIEW events, truncated; 0 without any.'),
        common_filters: Type.Array(Type.String(), {
          description:
            'Distinct filters_applied, as JSON text, of the 10 latest events that have one (latest first).',
        }),
        price_sensitive: Type.Boolean({
          description: 'One of common_filters contains `price_under`.',
        }),
        preferred_genres: Type.Array(
          Type.Object(
            {
              genre_id: Type.Integer({ minimum: 1 }),
              genre_name: Type.String(),
              view_count: Count,
            },
            { additionalProperties: false },
          ),
          { maxItems: 5, description: 'Top 5 genres by VIEW count.' },
        ),
      },
      { additionalProperties: false },
    ),
    recent_interests: Type.Array(
      Type.Object(
        {
          game_id: Type.Integer({ minimum: 1 }),
          view_count: Count,
          last_viewed: Type.String({
            format: 'date-time',
            description: 'Event time of the latest view.',
          }),
          genres: Type.Array(Type.String(), {
            description: 'Genre names, alphabetical; [] for a game not in the catalog.',
          }),
        },
        { additionalProperties: false },
      ),
      { maxItems: 5, description: 'The 5 games with the latest views, latest first.' },
    ),
    platform_usage: Type.Array(
      Type.Object(
        {
          platform: Type.String(),
          usage_count: Count,
          avg_time_spent: Seconds('Mean time_spent, truncated.'),
        },
        { additionalProperties: false },
      ),
      { description: 'Events per platform, most used first.' },
    ),
    engagement_score: Type.Integer({
      minimum: 0,
      maximum: 100,
      description: 'min(100, 10 × events with an event time in the last 7 days).',
    }),
  },
  { additionalProperties: false },
);

export type CustomerInsights = Static<typeof CustomerInsights>;

export async function customerInsights(
  db: Knex,
  userId: number,
  now = new Date(),
): Promise<CustomerInsights> {
  const [usage, viewingTime, filters, genres, interests, lastWeek] = await Promise.all([
    platformUsage(db, userId),
    avgViewingTime(db, userId),
    commonFilters(db, userId),
    preferredGenres(db, userId),
    recentInterests(db, userId),
    eventsSince(db, userId, new Date(now.getTime() - WEEK_MS)),
  ]);
  return {
    user_id: userId,
    preferences: {
      preferred_platform: usage[0]?.platform ?? null,
      avg_viewing_time: viewingTime,
      common_filters: filters,
      price_sensitive: filters.some((filter) => filter.includes('price_under')),
      preferred_genres: genres,
    },
    recent_interests: interests,
    platform_usage: usage,
    engagement_score: Math.min(100, 10 * lastWeek),
  };
}
