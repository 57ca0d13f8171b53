/**
 * GET /api/v1/customer/insights (SPEC §4.3) against a fresh, unseeded schema holding a
 * small fixed history written here, so every expected value below is computed by hand.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { startPipeline, type Pipeline } from './helpers/pipeline';

let api: Pipeline;
const HOUR = 3_600_000;
const now = Date.now();
const hoursAgo = (hours: number) => new Date(now - hours * HOUR);

interface Event {
  user: number;
  type: string;
  game?: number;
  platform?: string;
  spent?: number;
  filters?: unknown;
  hours: number;
}

function insertEvents(db: Knex, events: Event[]) {
  return db('web_events').insert(
    events.map((event) => ({
      event_id: randomUUID(),
      user_id: event.user,
      game_id: event.game ?? null,
      session_id: `s-${event.user}`,
      event_type: event.type,
      timestamp: hoursAgo(event.hours),
      occurred_at: hoursAgo(event.hours),
      received_at: new Date(now),
      time_spent: event.spent ?? null,
      referrer_page: '/',
      platform: event.platform ?? null,
      filters_applied: event.filters === undefined ? null : JSON.stringify(event.filters),
    })),
  );
}

// Games 13, 14 and 99 are not in the catalog: web_events has no foreign key.
const HISTORY: Event[] = [
  {
    user: 501,
    type: 'VIEW',
    game: 10,
    platform: 'web',
    spent: 100,
    filters: { platform: 'NES' },
    hours: 240,
  },
  { user: 501, type: 'VIEW', game: 10, platform: 'web', spent: 50, hours: 200 },
  {
    user: 501,
    type: 'VIEW',
    game: 11,
    platform: 'mobile',
    spent: 30,
    filters: { price_under: 50 },
    hours: 100,
  },
  { user: 501, type: 'CLICK', game: 11, platform: 'mobile', hours: 99 },
  { user: 501, type: 'VIEW', game: 12, platform: 'web', spent: 41, hours: 50 },
  { user: 501, type: 'SEARCH', platform: 'web', spent: 20, filters: 'cheap rpg', hours: 30 },
  { user: 501, type: 'VIEW', game: 99, filters: { platform: 'NES' }, hours: 10 },
  { user: 501, type: 'ADD_TO_CART', game: 12, platform: 'mobile', spent: 5, hours: 5 },
  { user: 501, type: 'VIEW', game: 10, platform: 'web', spent: 10, hours: 1 },
  { user: 501, type: 'VIEW', game: 13, hours: 300 },
  { user: 501, type: 'VIEW', game: 14, hours: 400 },
  // Another user's events, which must not leak into user 501's answer.
  {
    user: 502,
    type: 'VIEW',
    game: 12,
    platform: 'web',
    spent: 999,
    filters: { price_under: 5 },
    hours: 2,
  },
  // User 503: eleven filtered searches this week; the oldest (the only price filter) is
  // not among the 10 latest.
  ...Array.from({ length: 11 }, (_, i) => ({
    user: 503,
    type: 'SEARCH',
    platform: 'app',
    filters: i < 10 ? { page: i } : { price_under: 20 },
    hours: i + 1,
  })),
];

test.before(async () => {
  api = await startPipeline({}, { workers: false });
  await api.db('publishers').insert({ id: 1, name: 'Nintendo' });
  await api.db('genres').insert([
    { id: 1, name: 'Platform' },
    { id: 2, name: 'RPG' },
    { id: 3, name: 'Fighting' },
  ]);
  const game = (id: number, title: string) => ({
    id,
    title,
    price: 10,
    publisher_id: 1,
    platform: 'SNES',
    region: 'PAL',
  });
  await api
    .db('games')
    .insert([game(10, 'Mario'), game(11, 'Mario RPG'), game(12, 'Street Fighter II')]);
  await api.db('game_genre').insert([
    { game_id: 10, genre_id: 1 },
    { game_id: 11, genre_id: 2 },
    { game_id: 11, genre_id: 1 },
    { game_id: 12, genre_id: 3 },
  ]);
  await insertEvents(api.db, HISTORY);
});

test.after.always(async () => {
  await api?.stop();
});

test('the insights of a user, as computed by hand from the history', async (t) => {
  const answer = await api.request('GET', '/api/v1/customer/insights?user_id=501');
  t.is(answer.status, 200);
  t.deepEqual(answer.body, {
    user_id: 501,
    preferences: {
      // web: 5 events, mobile: 3.
      preferred_platform: 'web',
      // VIEW time_spent 100, 50, 30, 41, 10 (two views have none): 231 / 5 = 46.2.
      avg_viewing_time: 46,
      // The filtered events, latest first: {platform} 10 h ago (and 240 h), the string, {price_under}.
      common_filters: ['{"platform": "NES"}', '"cheap rpg"', '{"price_under": 50}'],
      price_sensitive: true,
      // Views of game 10 (×3, Platform), 11 (Platform, RPG), 12 (Fighting); ties by genre id.
      preferred_genres: [
        { genre_id: 1, genre_name: 'Platform', view_count: 4 },
        { genre_id: 2, genre_name: 'RPG', view_count: 1 },
        { genre_id: 3, genre_name: 'Fighting', view_count: 1 },
      ],
    },
    // The five latest-viewed games of six; 14 (viewed 400 h ago) is left out.
    recent_interests: [
      { game_id: 10, view_count: 3, last_viewed: hoursAgo(1).toISOString(), genres: ['Platform'] },
      { game_id: 99, view_count: 1, last_viewed: hoursAgo(10).toISOString(), genres: [] },
      { game_id: 12, view_count: 1, last_viewed: hoursAgo(50).toISOString(), genres: ['Fighting'] },
      {
        game_id: 11,
        view_count: 1,
        last_viewed: hoursAgo(100).toISOString(),
        genres: ['Platform', 'RPG'],
      },
      { game_id: 13, view_count: 1, last_viewed: hoursAgo(300).toISOString(), genres: [] },
    ],
    platform_usage: [
      // (100 + 50 + 41 + 20 + 10) / 5 = 44.2; (30 + 5) / 2 = 17.5 (the click has no time).
      { platform: 'web', usage_count: 5, avg_time_spent: 44 },
      { platform: 'mobile', usage_count: 3, avg_time_spent: 17 },
    ],
    // Seven events in the last 7 days (at 100, 99, 50, 30, 10, 5 and 1 h).
    engagement_score: 70,
  });
});

test('only the 10 latest filtered events count; the score stops at 100', async (t) => {
  const answer = await api.request('GET', '/api/v1/customer/insights?user_id=503');
  t.deepEqual(
    answer.body.preferences.common_filters,
    Array.from({ length: 10 }, (_, i) => `{"page": ${i}}`),
  );
  t.false(answer.body.preferences.price_sensitive);
  t.is(answer.body.preferences.avg_viewing_time, 0, 'no views');
  t.deepEqual(answer.body.platform_usage, [
    { platform: 'app', usage_count: 11, avg_time_spent: 0 },
  ]);
  t.is(answer.body.engagement_score, 100);
});

test('a user without events gets the empty answer', async (t) => {
  const answer = await api.request('GET', '/api/v1/customer/insights?user_id=504');
  t.is(answer.status, 200);
  t.deepEqual(answer.body, {
    user_id: 504,
    preferences: {
      preferred_platform: null,
      avg_viewing_time: 0,
      common_filters: [],
      price_sensitive: false,
      preferred_genres: [],
    },
    recent_interests: [],
    platform_usage: [],
    engagement_score: 0,
  });
});

test.serial('one query per part, however many games and genres there are', async (t) => {
  const queries: string[] = [];
  const count = (query: { sql: string }) => queries.push(query.sql);
  api.deps.db.on('query', count);
  try {
    await api.request('GET', '/api/v1/customer/insights?user_id=501');
    t.is(queries.length, 6);
    queries.length = 0;
    await api.request('GET', '/api/v1/customer/insights?user_id=504');
    t.is(queries.length, 6);
  } finally {
    api.deps.db.removeListener('query', count);
  }
});

test('422 when user_id is missing or not a positive integer', async (t) => {
  for (const query of [
    '',
    '?user_id=',
    '?user_id=0',
    '?user_id=-4',
    '?user_id=abc',
    '?user_id=1.5',
    '?user_id=2147483648',
  ]) {
    const answer = await api.request('GET', `/api/v1/customer/insights${query}`);
    t.is(answer.status, 422, query);
    t.is(answer.body.error.code, 'validation_failed');
    t.is(answer.body.error.details[0].path, '/user_id');
  }
});
