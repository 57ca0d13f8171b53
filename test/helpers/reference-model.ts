/**
 * The reference model of the fault tests: what PostgreSQL and Redis must hold once a set
 * of events has been processed, computed straight from SPEC §4.2–§4.3 (not from the jobs'
 * code), and the check that they hold exactly that: one row per event, each user's newest
 * distinct games by event time, each session's counters with every event counted once.
 */
import { isDeepStrictEqual } from 'node:util';
import type { ExecutionContext } from 'ava';
import { scanKeys, type RedisClient } from '../../src/redis';
import type { Knex } from 'knex';
import type { RedisKeys } from '../../src/redis-keys';
import {
  SESSION_FIELDS,
  eventCountField,
  eventMarkerField,
  gameMarkerField,
} from '../../src/session-fields';
import type { TestEvent } from './workload';

/** A session hash summed up: the counters the insights route reads, and the marker counts. */
interface SessionSummary {
  user_id: number;
  start: number;
  last: number;
  entry_page: string;
  last_page: string;
  page_views: number;
  unique_games: number;
  time_spent: number;
  breakdown: Record<string, number>;
  event_markers: number;
  game_markers: number;
}

const timeOf = (event: TestEvent) => Date.parse(event.timestamp);

/** Per user: [game id, event time] of the newest distinct viewed games, newest first. */
export function expectedRecentlyViewed(events: readonly TestEvent[], max: number) {
  const latest = new Map<number, Map<number, number>>();
  for (const event of events) {
    if (event.event_type !== 'VIEW' || event.game_id === undefined) continue;
    const games = latest.get(event.user_id) ?? new Map<number, number>();
    games.set(event.game_id, Math.max(games.get(event.game_id) ?? 0, timeOf(event)));
    latest.set(event.user_id, games);
  }
  const lists = new Map<number, Array<[number, number]>>();
  for (const event of events) lists.set(event.user_id, []);
  for (const [user, games] of latest) {
    lists.set(user, [...games].sort((a, b) => b[1] - a[1]).slice(0, max));
  }
  return lists;
}

/** Per session: its summary if every event was folded exactly once. */
export function expectedSessions(events: readonly TestEvent[]): Map<string, SessionSummary> {
  const sessions = new Map<string, TestEvent[]>();
  for (const event of events) {
    sessions.set(event.session_id, [...(sessions.get(event.session_id) ?? []), event]);
  }
  const summaries = new Map<string, SessionSummary>();
  for (const [id, list] of sessions) {
    const byTime = [...list].sort((a, b) => timeOf(a) - timeOf(b));
    const views = list.filter((event) => event.event_type === 'VIEW');
    const breakdown: Record<string, number> = {};
    for (const event of list) breakdown[event.event_type] = (breakdown[event.event_type] ?? 0) + 1;
    const games = new Set(views.flatMap((event) => event.game_id ?? []));
    summaries.set(id, {
      user_id: list[0]!.user_id,
      start: timeOf(byTime[0]!),
      last: timeOf(byTime.at(-1)!),
      entry_page: byTime[0]!.referrer_page,
      last_page: byTime.at(-1)!.referrer_page,
      page_views: views.length,
      unique_games: games.size,
      time_spent: list.reduce((sum, event) => sum + (event.time_spent ?? 0), 0),
      breakdown,
      event_markers: list.length,
      game_markers: games.size,
    });
  }
  return summaries;
}

const EVENT_MARKER = eventMarkerField('');
const GAME_MARKER = gameMarkerField(0).slice(0, -1); // the field's prefix, without the id

function summarizeSession(hash: Record<string, string>): SessionSummary {
  const countPrefix = eventCountField('');
  const breakdown: Record<string, number> = {};
  for (const [field, value] of Object.entries(hash)) {
    if (field.startsWith(countPrefix)) breakdown[field.slice(countPrefix.length)] = Number(value);
  }
  const fields = Object.keys(hash);
  const number = (field: string) => Number(hash[field] ?? 0);
  return {
    user_id: number(SESSION_FIELDS.userId),
    start: number(SESSION_FIELDS.start),
    last: number(SESSION_FIELDS.last),
    entry_page: hash[SESSION_FIELDS.entryPage] ?? '',
    last_page: hash[SESSION_FIELDS.lastPage] ?? '',
    page_views: number(SESSION_FIELDS.pageViews),
    unique_games: number(SESSION_FIELDS.uniqueGames),
    time_spent: number(SESSION_FIELDS.timeSpent),
    breakdown,
    event_markers: fields.filter((field) => field.startsWith(EVENT_MARKER)).length,
    game_markers: fields.filter((field) => field.startsWith(GAME_MARKER)).length,
  };
}

/** The keys matching `pattern`, by SCAN on every master (the shared Redis must never see a KEYS). */
async function allKeys(redis: RedisClient, pattern: string): Promise<string[]> {
  const found: string[] = [];
  for await (const keys of scanKeys(redis, pattern)) found.push(...keys);
  return found;
}

export interface Stores {
  db: Knex;
  redis: RedisClient;
  keys: RedisKeys;
  recentlyViewedMax: number;
}

/** How many, and the first few as JSON text (AVA's diff would fold nested values away). */
const sample = (items: readonly unknown[]) => ({
  count: items.length,
  first: items.slice(0, 3).map((item) => JSON.stringify(item)),
});

/**
 * The differences between the stores and the reference ({} when they agree): `stored` are
 * the events that must have a row, `events` those that must be folded into Redis (the same
 * events unless a test makes the persist job refuse some).
 */
export async function compareWithReference(
  { db, redis, keys, recentlyViewedMax }: Stores,
  events: readonly TestEvent[],
  stored: readonly TestEvent[] = events,
): Promise<Record<string, unknown>> {
  const differences: Record<string, unknown> = {};
  const rows = await db('web_events').select(
    'event_id',
    'user_id',
    'session_id',
    'event_type',
    'game_id',
    'occurred_at',
  );
  const rowOf = new Map(rows.map((row) => [row.event_id as string, row]));
  const expectedIds = new Set(stored.map((event) => event.event_id));
  const missing = stored.filter((event) => !rowOf.has(event.event_id)).map((e) => e.event_id);
  const extra = rows.map((row) => row.event_id as string).filter((id) => !expectedIds.has(id));
  const altered = stored.filter((event) => {
    const row = rowOf.get(event.event_id);
    return (
      row &&
      (row.user_id !== event.user_id ||
        row.session_id !== event.session_id ||
        row.event_type !== event.event_type ||
        row.game_id !== (event.game_id ?? null) ||
        (row.occurred_at as Date).getTime() !== timeOf(event))
    );
  });
  if (missing.length > 0) differences.missingRows = sample(missing);
  if (extra.length > 0) differences.extraRows = sample(extra);
  if (rows.length !== rowOf.size) differences.duplicateRows = rows.length - rowOf.size;
  if (altered.length > 0) differences.alteredRows = sample(altered.map((e) => e.event_id));

  const wrongLists: unknown[] = [];
  for (const [user, expected] of expectedRecentlyViewed(events, recentlyViewedMax)) {
    const flat = await redis.zrevrange(keys.recentlyViewed(user), 0, -1, 'WITHSCORES');
    const actual: Array<[number, number]> = [];
    for (let i = 0; i < flat.length; i += 2) actual.push([Number(flat[i]), Number(flat[i + 1])]);
    if (!isDeepStrictEqual(actual, expected)) wrongLists.push({ user, expected, actual });
  }
  if (wrongLists.length > 0) differences.recentlyViewed = sample(wrongLists);

  const wrongSessions: unknown[] = [];
  const expectedSessionMap = expectedSessions(events);
  for (const [session, expected] of expectedSessionMap) {
    const actual = summarizeSession(await redis.hgetall(keys.session(session)));
    if (!isDeepStrictEqual(actual, expected)) wrongSessions.push({ session, expected, actual });
  }
  const sessionKeys = await allKeys(redis, keys.session('*'));
  if (sessionKeys.length !== expectedSessionMap.size) {
    wrongSessions.push({ sessionKeys: sessionKeys.length, expected: expectedSessionMap.size });
  }
  if (wrongSessions.length > 0) differences.sessions = sample(wrongSessions);
  return differences;
}

/** Asserts that PostgreSQL and Redis hold exactly the effects of `events`, each counted once. */
export async function assertMatchesReference(
  t: ExecutionContext,
  stores: Stores,
  events: readonly TestEvent[],
  stored: readonly TestEvent[] = events,
): Promise<void> {
  t.deepEqual(
    await compareWithReference(stores, events, stored),
    {},
    'web_events, recently viewed and session counters match the reference model',
  );
}
