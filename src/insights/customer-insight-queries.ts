/**
 * The queries behind customer insights (SPEC §4.3), one SQL statement per part, each
 * aggregated in PostgreSQL over one user's rows of web_events by event time
 * (`occurred_at`), through the (user_id, occurred_at) and (user_id, event_type,
 * occurred_at) indexes. Averages are truncated to whole seconds, as the Python service's
 * integer fields were.
 */
import type { Knex } from 'knex';

export interface PlatformUsage {
  platform: string;
  usage_count: number;
  avg_time_spent: number;
}

export interface GenrePreference {
  genre_id: number;
  genre_name: string;
  view_count: number;
}

export interface RecentInterest {
  game_id: number;
  view_count: number;
  last_viewed: string;
  genres: string[];
}

async function rows<T>(
  db: Knex,
  sql: string,
  bindings: Knex.ValueDict | Knex.RawBinding[],
): Promise<T[]> {
  return ((await db.raw(sql, bindings)) as { rows: T[] }).rows;
}

/** Events and mean time_spent per platform, most used first (ties: the latest used). */
export const platformUsage = (db: Knex, userId: number) =>
  rows<PlatformUsage>(
    db,
    `SELECT platform, count(*)::int AS usage_count,
            coalesce(trunc(avg(time_spent)), 0)::int AS avg_time_spent
       FROM web_events
      WHERE user_id = :userId AND platform IS NOT NULL
      GROUP BY platform
      ORDER BY usage_count DESC, max(occurred_at) DESC, platform`,
    { userId },
  );

/** Mean time_spent of the user's VIEW events, 0 without any. */
export async function avgViewingTime(db: Knex, userId: number): Promise<number> {
  const [row] = await rows<{ seconds: number }>(
    db,
    `SELECT coalesce(trunc(avg(time_spent)), 0)::int AS seconds
       FROM web_events
      WHERE user_id = :userId AND event_type = 'VIEW'`,
    { userId },
  );
  return row?.seconds ?? 0;
}

/** The distinct filters (as JSON text) of the user's 10 latest events that have one, latest first. */
export async function commonFilters(db: Knex, userId: number): Promise<string[]> {
  const found = await rows<{ filters: string }>(
    db,
    `SELECT filters
       FROM (SELECT filters_applied::text AS filters, occurred_at
               FROM web_events
              WHERE user_id = :userId AND filters_applied IS NOT NULL
              ORDER BY occurred_at DESC
              LIMIT 10) AS latest
      GROUP BY filters
      ORDER BY max(occurred_at) DESC, filters`,
    { userId },
  );
  return found.map(({ filters }) => filters);
}

/** The 5 genres of the games the user viewed most (ties: the lower genre id). */
export const preferredGenres = (db: Knex, userId: number) =>
  rows<GenrePreference>(
    db,
    `SELECT genre.id AS genre_id, genre.name AS genre_name, count(*)::int AS view_count
       FROM web_events AS event
       JOIN game_genre AS link ON link.game_id = event.game_id
       JOIN genres AS genre ON genre.id = link.genre_id
      WHERE event.user_id = :userId AND event.event_type = 'VIEW'
      GROUP BY genre.id, genre.name
      ORDER BY view_count DESC, genre.id
      LIMIT 5`,
    { userId },
  );

/**
 * The 5 games with the user's latest views, their view counts and genre names (none for a
 * game the catalog does not know: web_events has no foreign key).
 */
export async function recentInterests(db: Knex, userId: number): Promise<RecentInterest[]> {
  const found = await rows<Omit<RecentInterest, 'last_viewed'> & { last_viewed: Date }>(
    db,
    `WITH viewed AS (
       SELECT game_id, count(*)::int AS view_count, max(occurred_at) AS last_viewed
         FROM web_events
        WHERE user_id = :userId AND event_type = 'VIEW' AND game_id IS NOT NULL
        GROUP BY game_id
        ORDER BY last_viewed DESC, game_id
        LIMIT 5)
     SELECT viewed.game_id, viewed.view_count, viewed.last_viewed,
            coalesce(array_agg(genre.name ORDER BY genre.name) FILTER (WHERE genre.id IS NOT NULL), '{}') AS genres
       FROM viewed
       LEFT JOIN game_genre AS link ON link.game_id = viewed.game_id
       LEFT JOIN genres AS genre ON genre.id = link.genre_id
      GROUP BY viewed.game_id, viewed.view_count, viewed.last_viewed
      ORDER BY viewed.last_viewed DESC, viewed.game_id`,
    { userId },
  );
  return found.map((interest) => ({
    ...interest,
    last_viewed: interest.last_viewed.toISOString(),
  }));
}

/** How many of the user's events have an event time at or after `since`. */
export async function eventsSince(db: Knex, userId: number, since: Date): Promise<number> {
  const [row] = await rows<{ events: number }>(
    db,
    `SELECT count(*)::int AS events FROM web_events WHERE user_id = :userId AND occurred_at >= :since`,
    { userId, since },
  );
  return row?.events ?? 0;
}
