/**
 * GET /api/v1/users/{user_id}/recently-viewed?limit=10&include=game (SPEC §4.2):
 * newest first by event time, one entry per game, from the sorted set the recency job
 * keeps. `include=game` adds catalog details with one query for all items.
 *
 * The set is read whole up to the largest limit and kept in the API's memory until Redis
 * says it changed (src/tracked-cache.ts), so a user's next lookup, whatever its limit,
 * costs no round trip.
 */
import type { Middleware } from 'koa';
import type { Knex } from 'knex';
import type { RedisClient } from '../redis';
import { Type } from '@sinclair/typebox';
import { compileParams, parseParams } from '../http/validate';
import { PositiveId } from '../ingest/event-schema';
import { isoTime } from '../iso-time';
import type { RedisKeys } from '../redis-keys';
import type { ReadThrough } from '../tracked-cache';

const MAX_LIMIT = 50;

/** A user's newest views as [game id, event time ms, game id, event time ms, …]. */
export type RecentViews = Float64Array;

export const RecentlyViewedParams = Type.Object({ user_id: PositiveId });
export const RecentlyViewedQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: MAX_LIMIT, default: 10 }),
  include: Type.Optional(
    Type.Literal('game', { description: 'Adds each game’s title, platform and price.' }),
  ),
});

const checkParams = compileParams(RecentlyViewedParams);
const checkQuery = compileParams(RecentlyViewedQuery);

interface GameSummary {
  title: string;
  platform: string;
  price: number;
}

async function loadGames(db: Knex, ids: number[]): Promise<Map<number, GameSummary>> {
  const rows = await db('games').select('id', 'title', 'platform', 'price').whereIn('id', ids);
  return new Map(
    rows.map((row) => [
      row.id,
      { title: row.title, platform: row.platform, price: Number(row.price) },
    ]),
  );
}

/** The newest MAX_LIMIT views of the set at `key`, as [game, time, game, time, …]. */
async function readViews(redis: RedisClient, key: string): Promise<RecentViews> {
  const flat = await redis.zrevrange(key, 0, MAX_LIMIT - 1, 'WITHSCORES');
  return Float64Array.from(flat, Number);
}

export function getRecentlyViewed({
  recentViews,
  db,
  keys,
}: {
  recentViews: ReadThrough<RecentViews>;
  db: Knex;
  keys: RedisKeys;
}): Middleware {
  return async (ctx) => {
    const { user_id: userId } = parseParams(checkParams, ctx.params);
    const { limit, include } = parseParams(checkQuery, ctx.query);
    const key = keys.recentlyViewed(userId);
    const views = await recentViews.get(key, (redis) => readViews(redis, key));
    const items: Array<{ game_id: number; viewed_at: string; game?: GameSummary | null }> = [];
    for (let i = 0; i < views.length && i < limit * 2; i += 2) {
      items.push({ game_id: views[i]!, viewed_at: isoTime(views[i + 1]!) });
    }
    if (include === 'game' && items.length > 0) {
      const games = await loadGames(
        db,
        items.map((item) => item.game_id),
      );
      for (const item of items) item.game = games.get(item.game_id) ?? null;
    }
    ctx.body = { user_id: userId, items };
  };
}
