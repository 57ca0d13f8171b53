/**
 * The job processors on their own, against real PostgreSQL and Redis: each is safe to run
 * twice, and a payload that can never succeed fails for good with its reason.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { UnrecoverableError, type Job } from 'bullmq';
import type { Knex } from 'knex';
import { Redis } from 'ioredis';
import { createPersistProcessor } from '../jobs/persist-events';
import calculateSlot from 'cluster-key-slot';
import { createRecencyProcessor, groupBySlot, scriptArguments } from '../jobs/update-recency';
import type { QueuedEvent } from '../src/ingest/queued-event';
import { createDb } from '../src/db';
import { redisKeys } from '../src/redis-keys';
import type { Config } from '../src/config';
import { dropTestSchema, migrateTestSchema, testConfig } from './helpers/test-env';
import { removeRedisKeys } from './helpers/pipeline';

let config: Config;
let db: Knex;
let redis: Redis;

test.before(async () => {
  config = testConfig({ RECENTLY_VIEWED_MAX: '3' });
  db = await migrateTestSchema(config);
  redis = new Redis(config.redisUrl);
});

test.after.always(async () => {
  await removeRedisKeys({ redis }, config.queuePrefix);
  redis.disconnect();
  await dropTestSchema(db, config);
});

const jobOf = (events: unknown[]) => ({ id: 'test', data: { events } }) as unknown as Job;

function queuedEvent(overrides: Partial<QueuedEvent> = {}): QueuedEvent {
  const now = Date.now();
  return {
    event_id: randomUUID(),
    user_id: 42,
    session_id: `s-${randomUUID()}`,
    event_type: 'VIEW',
    game_id: 1,
    timestamp: now - 1_000,
    occurred_at: now - 1_000,
    received_at: now,
    referrer_page: '/games/1',
    time_spent: 10,
    platform: null,
    search_query: null,
    filters_applied: null,
    ...overrides,
  };
}

test('persist: a job run twice leaves one row per event', async (t) => {
  const persist = createPersistProcessor(db);
  const events = [
    queuedEvent(),
    queuedEvent({ event_type: 'SEARCH', game_id: null, filters_applied: 'a=b' }),
  ];
  t.deepEqual(await persist(jobOf(events)), { inserted: 2 });
  t.deepEqual(await persist(jobOf(events)), { inserted: 0 });
  const rows = await db('web_events')
    .whereIn(
      'event_id',
      events.map((e) => e.event_id),
    )
    .orderBy('id');
  t.is(rows.length, 2);
  t.is(rows[1].filters_applied, 'a=b');
});

test('recency: a job run twice leaves the same Redis state', async (t) => {
  const keys = redisKeys(config.queuePrefix);
  const fold = createRecencyProcessor(redis, keys, config);
  const user = 4242;
  const session = `s-${randomUUID()}`;
  const events = [1, 2, 3, 4, 2].map((game, i) =>
    queuedEvent({
      user_id: user,
      session_id: session,
      game_id: game,
      occurred_at: 1_700_000_000_000 + i * 1000,
    }),
  );
  const snapshot = async () => ({
    list: await redis.zrange(keys.recentlyViewed(user), 0, -1, 'WITHSCORES'),
    session: await redis.hgetall(keys.session(session)),
  });

  t.deepEqual(await fold(jobOf(events)), { applied: 5 });
  const first = await snapshot();
  t.deepEqual(await fold(jobOf(events)), { applied: 0 });
  t.deepEqual(await snapshot(), first);

  // Trimmed to RECENTLY_VIEWED_MAX (3), newest by event time: 2 (seen again last), 4, 3.
  t.deepEqual(await redis.zrevrange(keys.recentlyViewed(user), 0, -1), ['2', '4', '3']);
  t.is(first.session.views, '5');
  t.is(first.session.games, '4');
  t.true((await redis.pttl(keys.recentlyViewed(user))) > 89 * 24 * 3_600_000);
  t.true((await redis.pttl(keys.session(session))) > 23 * 3_600_000);
});

test('recency: the session part and the view part of a job each apply once, whichever ran first', async (t) => {
  // On a Redis Cluster a job is one script call per slot, and a worker killed between two
  // leaves some parts applied: the retry must apply the others and repeat none.
  const keys = redisKeys(config.queuePrefix);
  const fold = createRecencyProcessor(redis, keys, config);
  const folding = redis as unknown as {
    foldEvents(numKeys: number, ...args: Array<string | number>): Promise<number>;
  };
  const runPart = (part: Parameters<typeof scriptArguments>[0]) => {
    const { scriptKeys, args } = scriptArguments(part, keys, config);
    return folding.foldEvents(scriptKeys.length, ...scriptKeys, ...args);
  };
  for (const first of ['sessions', 'views'] as const) {
    const user = first === 'sessions' ? 5151 : 5252;
    const session = `s-${randomUUID()}`;
    const events = [7, 8].map((game, i) =>
      queuedEvent({
        user_id: user,
        session_id: session,
        game_id: game,
        occurred_at: 1_700_000_000_000 + i,
      }),
    );
    const part = {
      sessions: first === 'sessions' ? events : [],
      views: first === 'views' ? events : [],
    };
    t.is(await runPart(part), first === 'sessions' ? 2 : 0);
    t.deepEqual(await fold(jobOf(events)), { applied: first === 'sessions' ? 0 : 2 }, first);
    const state = async () => ({
      list: await redis.zrevrange(keys.recentlyViewed(user), 0, -1, 'WITHSCORES'),
      session: await redis.hgetall(keys.session(session)),
    });
    const once = await state();
    t.deepEqual(once.list, ['8', '1700000000001', '7', '1700000000000'], first);
    t.like(once.session, { views: '2', games: '2', 'n:VIEW': '2' }, first);
    t.deepEqual(await fold(jobOf(events)), { applied: 0 });
    t.deepEqual(await state(), once, `${first}: a third run changes nothing`);
    // The marker, not the sorted set's own order, is what guards a view: gone (expired),
    // the list is not brought back by a job that already folded its views.
    await redis.del(keys.recentlyViewed(user));
    await fold(jobOf(events));
    t.is(await redis.exists(keys.recentlyViewed(user)), 0, `${first}: no view folded twice`);
  }
  t.true((await redis.pttl(keys.recentlyViewedMarkers(5151))) > 23 * 3_600_000);
});

test("recency: grouped by slot, each group's keys share a slot and a session keeps its order", (t) => {
  const keys = redisKeys('{rti}');
  const sessions = Array.from({ length: 30 }, (_, i) => `s-${i}`);
  const events = Array.from({ length: 300 }, (_, i) =>
    queuedEvent({ user_id: 1 + (i % 17), session_id: sessions[(i * 7) % 30]!, occurred_at: i }),
  );
  const groups = groupBySlot(events, keys, calculateSlot);
  t.true(groups.length > 1, 'the keys spread over many slots');
  for (const group of groups) {
    const { scriptKeys } = scriptArguments(group, keys, config);
    t.is(new Set(scriptKeys.map((key) => calculateSlot(key))).size, 1);
  }
  t.is(
    groups.reduce((sum, group) => sum + group.sessions.length, 0),
    events.length,
  );
  t.is(
    groups.reduce((sum, group) => sum + group.views.length, 0),
    events.length,
  );
  for (const session of sessions) {
    const holding = groups.filter((group) => group.sessions.some((e) => e.session_id === session));
    t.is(holding.length, 1, `${session} is in one group`);
    const times = holding[0]!.sessions
      .filter((e) => e.session_id === session)
      .map((e) => e.occurred_at);
    t.deepEqual(
      times,
      [...times].sort((a, b) => a - b),
      `${session} in the job's order`,
    );
  }
  // One Redis: one group, one script call for the whole job.
  t.is(groupBySlot(events, keys, () => 0).length, 1);
});

test('an invalid payload fails for good (UnrecoverableError) with its reason', async (t) => {
  const persist = createPersistProcessor(db);
  const fold = createRecencyProcessor(redis, redisKeys(config.queuePrefix), config);
  for (const processor of [persist, fold]) {
    const error = await t.throwsAsync(processor(jobOf([{ user_id: 'seven' }])));
    t.true(error instanceof UnrecoverableError);
    t.regex(error!.message, /invalid job payload: \/events\/0/);
  }
  const empty = await t.throwsAsync(persist({ id: 'x', data: {} } as unknown as Job));
  t.true(empty instanceof UnrecoverableError);
});

test('persist: a row PostgreSQL refuses fails the job for good, and the other events are stored', async (t) => {
  const persist = createPersistProcessor(db);
  const good = [queuedEvent(), queuedEvent()];
  // Valid for the job schema (the API refuses it, an older release did not): jsonb has no NUL.
  const poison = queuedEvent({ filters_applied: { q: 'a\u0000b' } });
  const error = await t.throwsAsync(persist(jobOf([good[0], poison, good[1]])));
  t.true(error instanceof UnrecoverableError);
  t.regex(error!.message, new RegExp(`1 of 3 events rejected.*${poison.event_id}`));
  const stored = await db('web_events')
    .whereIn(
      'event_id',
      [...good, poison].map((e) => e.event_id),
    )
    .pluck('event_id');
  t.deepEqual(stored.sort(), good.map((e) => e.event_id).sort());
});

test('persist: an unreachable database is a retryable error, not a permanent one', async (t) => {
  const deadDb = createDb({ ...config, databaseUrl: 'postgres://postgres@127.0.0.1:1/test' });
  t.teardown(() => deadDb.destroy());
  const error = await t.throwsAsync(createPersistProcessor(deadDb)(jobOf([queuedEvent()])));
  t.false(error instanceof UnrecoverableError);
});
