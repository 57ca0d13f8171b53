/**
 * GET /readyz (SPEC §4.5) — can this instance take traffic? PostgreSQL answers `select 1`;
 * Redis answers PING on the queues' and the producer's connections (on a cluster: every
 * master, and every slot is served); the producer has set itself up (BullMQ loads its
 * scripts first: until then an ingest write may miss its 1 s deadline and answer 503);
 * and Redis's `maxmemory-policy` is `noeviction` (any other policy may silently evict
 * queued jobs, so the instance must not report ready). Each check has a short deadline,
 * so a hung dependency turns into a 503 instead of a hung probe.
 * 200 lists the checks; 503 is the one error shape, one detail per failing check.
 */
import type { FlowProducer } from 'bullmq';
import type { RedisClient } from '../redis';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import { HttpError } from '../http/http-error';
import { maxmemoryPolicy, redisAnswers, redisReady } from '../redis';
import { withTimeout } from '../with-timeout';

const CHECK_TIMEOUT_MS = 1_000;

type Check = () => Promise<string>;

export function getReadiness({
  db,
  redis,
  producer,
  flow,
}: {
  db: Knex;
  redis: RedisClient;
  producer: RedisClient;
  flow: FlowProducer;
}): Middleware {
  const checks: Record<string, Check> = {
    postgres: async () => (await db.raw('select 1'), 'ok'),
    // Both connections the ingest path writes on: the backlog's, and the producer's own
    // (each reconnects on its own schedule after Redis comes back).
    redis: async () => (
      await Promise.all([redisReady(redis), redisReady(producer)]),
      await flow.waitUntilReady(),
      await Promise.all([redisAnswers(redis), redisAnswers(producer)]),
      'ok'
    ),
    redis_maxmemory_policy: async () => {
      await redisReady(redis);
      const policy = await maxmemoryPolicy(redis);
      if (policy !== 'noeviction') throw new Error(`is "${policy}"; it must be "noeviction"`);
      return policy;
    },
  };

  return async (ctx) => {
    const names = Object.keys(checks);
    const results = await Promise.allSettled(
      names.map((name) => withTimeout(checks[name]!(), CHECK_TIMEOUT_MS)),
    );
    const passed: Record<string, string> = {};
    const failed: Array<{ path: string; message: string }> = [];
    results.forEach((result, index) => {
      const name = names[index]!;
      if (result.status === 'fulfilled') passed[name] = result.value;
      else failed.push({ path: `/${name}`, message: (result.reason as Error).message });
    });
    if (failed.length > 0) {
      const which = failed.map((detail) => detail.path.slice(1)).join(', ');
      throw new HttpError(503, 'unavailable', `Not ready: ${which} failed.`, failed, {
        'Retry-After': '5',
      });
    }
    ctx.body = { status: 'ok', checks: passed };
  };
}
