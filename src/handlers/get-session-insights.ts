/**
 * GET /api/v1/sessions/{session_id}/insights (SPEC §4.3): the session hash the recency
 * job folds events into, read with one HMGET of its fixed fields (never its per-event
 * markers), and the Python service's engagement rules.
 */
import type { Middleware } from 'koa';
import type { RedisClient } from '../redis';
import { Type } from '@sinclair/typebox';
import { EVENT_TYPES } from '../models/enums';
import { notFound } from '../http/http-error';
import { compileParams, parseParams } from '../http/validate';
import { SessionId } from '../ingest/event-schema';
import { isoTime } from '../iso-time';
import type { RedisKeys } from '../redis-keys';
import { SESSION_FIELDS, eventCountField } from '../session-fields';

export const SessionParams = Type.Object({ session_id: SessionId });
const checkParams = compileParams(SessionParams);

const FIELDS = [
  SESSION_FIELDS.userId,
  SESSION_FIELDS.start,
  SESSION_FIELDS.last,
  SESSION_FIELDS.pageViews,
  SESSION_FIELDS.uniqueGames,
  SESSION_FIELDS.timeSpent,
  SESSION_FIELDS.entryPage,
  SESSION_FIELDS.lastPage,
  ...EVENT_TYPES.map(eventCountField),
];

export function engagementLevel(
  pageViews: number,
  durationMinutes: number,
): 'Low' | 'Medium' | 'High' {
  if (pageViews >= 10 || durationMinutes >= 20) return 'High';
  if (pageViews >= 5 || durationMinutes >= 10) return 'Medium';
  return 'Low';
}

const round2 = (value: number) => Math.round(value * 100) / 100;

export function getSessionInsights({
  lookups,
  keys,
}: {
  lookups: RedisClient;
  keys: RedisKeys;
}): Middleware {
  return async (ctx) => {
    const { session_id: sessionId } = parseParams(checkParams, ctx.params);
    const values = await lookups.hmget(keys.session(sessionId), ...FIELDS);
    const [userId, start, last, views, games, spent, entryPage, lastPage, ...counts] = values;
    if (userId == null || start == null || last == null)
      throw notFound(`No session "${sessionId}" is known.`);

    const pageViews = Number(views ?? 0);
    const durationMinutes = round2((Number(last) - Number(start)) / 60_000);
    const breakdown: Record<string, number> = {};
    EVENT_TYPES.forEach((type, index) => {
      const count = Number(counts[index] ?? 0);
      if (count > 0) breakdown[type] = count;
    });
    ctx.body = {
      session_id: sessionId,
      user_id: Number(userId),
      start_time: isoTime(Number(start)),
      last_activity: isoTime(Number(last)),
      duration_minutes: durationMinutes,
      page_views: pageViews,
      unique_games_viewed: Number(games ?? 0),
      avg_time_per_page: pageViews > 0 ? round2(Number(spent ?? 0) / pageViews) : null,
      event_breakdown: breakdown,
      engagement_level: engagementLevel(pageViews, durationMinutes),
      entry_page: entryPage ?? null,
      last_page: lastPage ?? null,
    };
  };
}
