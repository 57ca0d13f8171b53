/**
 * The fields of a session hash, shared by the recency job's Lua script (which receives
 * them as arguments) and the insights lookup. Per-event markers (`e:<event_id>`) and
 * per-game markers (`g:<game_id>`) live in the same hash, so one TTL covers them all.
 */
export const SESSION_FIELDS = {
  userId: 'user_id',
  start: 'start',
  last: 'last',
  pageViews: 'views',
  uniqueGames: 'games',
  timeSpent: 'spent',
  entryPage: 'entry_page',
  lastPage: 'last_page',
} as const;

export const eventCountField = (eventType: string) => `n:${eventType}`;
export const eventMarkerField = (eventId: string) => `e:${eventId}`;
export const gameMarkerField = (gameId: number) => `g:${gameId}`;

/** Sessions are kept this long after their last write (SPEC §4.3). */
export const SESSION_TTL_MS = 24 * 60 * 60 * 1000;
