/**
 * GET /api/v1/users/{user_id}/recently-viewed?limit=10&include=game (SPEC §4.2):
 * newest first by event time, one entry per game, from the sorted set the recency job
 * keeps. `include=game` adds catalog details with one query for all items.
 */
import type { Middleware } from 'koa';
import type { Knex } from 'knex';
import type { Redis } from 'ioredis';
import { Type } from '@sinclair/typebox';
import { compileParams, parseParams } from '../http/validate';
import { PositiveId } from '../ingest/event-schema';
import { isoTime } from '../iso-time';
import type { RedisKeys } from '../redis-keys';

export const RecentlyViewedParams = Type.Object({ user_id: PositiveId });
export const RecentlyViewedQuery = Type.Object({
  limit: Type.Integer({ minimum: 1, maximum: 50, default: 10 }),
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

export function getRecentlyViewed({
  lookups,
  db,
  keys,
}: {
  lookups: Redis;
  db: Knex;
  keys: RedisKeys;
}): Middleware {
  return async (ctx) => {
    const { user_id: userId } = parseParams(checkParams, ctx.params);
    const { limit, include } = parseParams(checkQuery, ctx.query);
    const flat = await lookups.zrevrange(keys.recentlyViewed(userId), 0, limit - 1, 'WITHSCORES');
    const items: Array<{ game_id: number; viewed_at: string; game?: GameSummary | null }> = [];
    for (let i = 0; i < flat.length; i += 2) {
      items.push({
        game_id: Number(flat[i]),
        viewed_at: isoTime(Number(flat[i + 1])),
      });
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
