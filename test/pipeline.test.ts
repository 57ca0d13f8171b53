/**
 * The whole path: POST → queues → workers (in-process, real) → PostgreSQL row and Redis
 * recency → lookup routes (SPEC §4.1–§4.3), on a single Redis and on a Redis Cluster.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startPipeline, type Pipeline } from './helpers/pipeline';
import { waitFor } from './helpers/http';
import { viewEvent } from './helpers/events';
import { topologies, type Topology } from './helpers/topologies';

function pipelineTests(topology: Topology): void {
  let api: Pipeline;
  let nextUser = 1000;
  /** A user id no other test of this file uses. */
  const freshUser = () => (nextUser += 1);

  test.before(async () => {
    api = await startPipeline(await topology.env());
    const [publisher] = await api.db('publishers').insert({ name: 'Konami' }).returning('id');
    await api.db('games').insert([
      {
        id: 3,
        title: 'Castlevania: Symphony of the Night',
        price: 199.99,
        platform: 'PS1',
        region: 'NTSC_US',
        publisher_id: publisher.id,
      },
      {
        id: 4,
        title: 'Contra',
        price: 59.5,
        platform: 'NES',
        region: 'NTSC_US',
        publisher_id: publisher.id,
      },
    ]);
  });

  test.after.always(async () => {
    await api?.stop();
  });

  const rowsOf = (eventIds: string[]) =>
    api.db('web_events').whereIn('event_id', eventIds).select('*');

  /** Waits until every event id has its row and the recency job has folded it. */
  async function processed(eventIds: string[]) {
    await waitFor(async () =>
      (await rowsOf(eventIds)).length === eventIds.length ? true : undefined,
    );
    await waitFor(async () => {
      const counts = await api.deps.queues.recency.getJobCounts('waiting', 'active', 'delayed');
      const pending = (counts.waiting ?? 0) + (counts.active ?? 0) + (counts.delayed ?? 0);
      return pending === 0 ? true : undefined;
    });
  }

  const at = (minutesAgo: number) => new Date(Date.now() - minutesAgo * 60_000).toISOString();

  test(
    topology.title('an accepted view becomes a row and the newest recently-viewed entry'),
    async (t) => {
      const user = freshUser();
      const event = viewEvent({
        user_id: user,
        game_id: 4,
        platform: 'web',
        filters_applied: { price_under: 60 },
      });
      t.is((await api.request('POST', '/api/v1/ingest', { body: event })).status, 202);
      await processed([event.event_id as string]);

      const [row] = await rowsOf([event.event_id as string]);
      t.is(row.user_id, user);
      t.is(row.game_id, 4);
      t.is(row.event_type, 'VIEW');
      t.is(row.platform, 'web');
      t.deepEqual(row.filters_applied, { price_under: 60 });
      t.is(row.occurred_at.toISOString(), event.timestamp);

      const answer = await api.request('GET', `/api/v1/users/${user}/recently-viewed`);
      t.is(answer.status, 200);
      t.deepEqual(answer.body, {
        user_id: user,
        items: [{ game_id: 4, viewed_at: event.timestamp }],
      });
    },
  );

  test(
    topology.title('views sent out of order list newest first by event time, one entry per game'),
    async (t) => {
      const user = freshUser();
      const session = `s-${randomUUID()}`;
      // Sent in this order; event times say 12 was seen last and 11 first.
      const views = [
        viewEvent({ user_id: user, session_id: session, game_id: 10, timestamp: at(20) }),
        viewEvent({ user_id: user, session_id: session, game_id: 12, timestamp: at(1) }),
        viewEvent({ user_id: user, session_id: session, game_id: 11, timestamp: at(30) }),
        viewEvent({ user_id: user, session_id: session, game_id: 10, timestamp: at(5) }),
        viewEvent({ user_id: user, session_id: session, game_id: 10, timestamp: at(25) }),
      ];
      for (const view of views) await api.request('POST', '/api/v1/ingest', { body: view });
      await processed(views.map((v) => v.event_id as string));

      const answer = await api.request('GET', `/api/v1/users/${user}/recently-viewed`);
      t.deepEqual(
        answer.body.items.map((item: { game_id: number }) => item.game_id),
        [12, 10, 11],
      );
      t.is(
        answer.body.items[1].viewed_at,
        views[3]!.timestamp,
        'a game keeps its latest view time',
      );
      const limited = await api.request('GET', `/api/v1/users/${user}/recently-viewed?limit=2`);
      t.is(limited.body.items.length, 2);
    },
  );

  test(topology.title('only VIEW events count towards recently viewed'), async (t) => {
    const user = freshUser();
    const events = [
      viewEvent({ user_id: user, event_type: 'ADD_TO_CART', game_id: 20 }),
      viewEvent({ user_id: user, event_type: 'WISHLIST', game_id: 21 }),
      viewEvent({ user_id: user, event_type: 'SEARCH', game_id: undefined, search_query: 'zelda' }),
    ];
    for (const event of events)
      t.is((await api.request('POST', '/api/v1/ingest', { body: event })).status, 202);
    await processed(events.map((e) => e.event_id as string));
    const answer = await api.request('GET', `/api/v1/users/${user}/recently-viewed`);
    t.deepEqual(answer.body, { user_id: user, items: [] });
  });

  test(
    topology.title(
      'include=game adds title, platform and price, or null for a game the catalog lacks',
    ),
    async (t) => {
      const user = freshUser();
      const events = [
        viewEvent({ user_id: user, game_id: 3, timestamp: at(3) }),
        viewEvent({ user_id: user, game_id: 999, timestamp: at(2) }),
      ];
      await api.request('POST', '/api/v1/ingest/batch', { body: { events } });
      await processed(events.map((e) => e.event_id as string));
      const answer = await api.request('GET', `/api/v1/users/${user}/recently-viewed?include=game`);
      t.is(answer.status, 200);
      t.deepEqual(
        answer.body.items.map((item: { game_id: number; game: unknown }) => [
          item.game_id,
          item.game,
        ]),
        [
          [999, null],
          [3, { title: 'Castlevania: Symphony of the Night', platform: 'PS1', price: 199.99 }],
        ],
      );
    },
  );

  test(
    topology.title(
      'a list the API keeps in memory follows each new view, whatever the limit or include',
    ),
    async (t) => {
      const user = freshUser();
      const path = `/api/v1/users/${user}/recently-viewed`;
      const first = viewEvent({ user_id: user, game_id: 3, timestamp: at(10) });
      await api.request('POST', '/api/v1/ingest', { body: first });
      await processed([first.event_id as string]);
      const games = async (query = '') =>
        (
          (await api.request('GET', `${path}${query}`)).body.items as Array<{ game_id: number }>
        ).map((item) => item.game_id);
      t.deepEqual(await games(), [3]);
      t.deepEqual(await games(), [3], 'asked again: answered from memory (one Redis)');

      const second = viewEvent({ user_id: user, game_id: 4, timestamp: at(1) });
      await api.request('POST', '/api/v1/ingest', { body: second });
      await processed([second.event_id as string]);
      // Redis's invalidation reaches the API as the recency job writes: no stale answer after.
      t.deepEqual(
        await waitFor(async () => ((await games()).length === 2 ? games() : undefined), 1_000),
        [4, 3],
      );
      t.deepEqual(await games('?limit=1'), [4]);

      const withGames = await api.request('GET', `${path}?include=game`);
      t.is(withGames.body.items[1].game.title, 'Castlevania: Symphony of the Night');
      const plain = await api.request('GET', path);
      t.false('game' in plain.body.items[0], 'include=game leaves nothing behind in the kept list');
      const reads = await api.deps.metrics.registry.getSingleMetricAsString(
        'rti_lookup_cache_reads_total',
      );
      if (topology.name === 'Redis Cluster') {
        // Off on a cluster (src/tracked-cache.ts): every lookup read Redis, and says so.
        t.regex(reads, /result="bypass"\} [1-9]/, 'lookups were read from Redis');
        t.notRegex(reads, /result="(hit|miss)"/, 'nothing was kept in memory');
      } else {
        t.regex(reads, /result="hit"\} [1-9]/, 'lookups were answered from memory');
      }
    },
  );

  test(
    topology.title(
      'with RECENTLY_VIEWED_CACHE_SIZE=0 every lookup reads Redis, and follows each view',
    ),
    async (t) => {
      const uncached = await startPipeline({
        ...(await topology.env()),
        RECENTLY_VIEWED_CACHE_SIZE: '0',
      });
      t.teardown(() => uncached.stop());
      const user = freshUser();
      const path = `/api/v1/users/${user}/recently-viewed`;
      t.deepEqual((await uncached.request('GET', path)).body.items, []);
      const view = viewEvent({ user_id: user, game_id: 4 });
      await uncached.request('POST', '/api/v1/ingest', { body: view });
      const items = await waitFor(async () => {
        const answer = await uncached.request('GET', path);
        return answer.body.items.length > 0 ? answer.body.items : undefined;
      });
      t.deepEqual(items, [{ game_id: 4, viewed_at: view.timestamp }]);
      const reads = await uncached.deps.metrics.registry.getSingleMetricAsString(
        'rti_lookup_cache_reads_total',
      );
      t.notRegex(reads, /result="(hit|miss|bypass)"/, 'no cache in the way');
    },
  );

  test(
    topology.title(
      'recently-viewed: 422 for a bad user id, limit or include; [] for a user with no views',
    ),
    async (t) => {
      for (const path of ['0', '-3', 'abc', '1.5', '99999999999', '1e1', '0x10', '%205']) {
        const answer = await api.request('GET', `/api/v1/users/${path}/recently-viewed`);
        t.is(answer.status, 422, path);
        t.is(answer.body.error.details[0].path, '/user_id');
      }
      const queries = [
        'limit=0',
        'limit=51',
        'limit=ten',
        'limit=2.5',
        'limit=1e1',
        'include=publisher',
      ];
      for (const query of queries) {
        const answer = await api.request('GET', `/api/v1/users/1/recently-viewed?${query}`);
        t.is(answer.status, 422, query);
      }
      const empty = await api.request('GET', `/api/v1/users/${freshUser()}/recently-viewed`);
      t.deepEqual(empty.body.items, []);
    },
  );

  test(
    topology.title(
      'session insights count every event once, by event time, with the engagement rules',
    ),
    async (t) => {
      const user = freshUser();
      const session = `s-${randomUUID()}`;
      const base = { user_id: user, session_id: session };
      const events = [
        viewEvent({
          ...base,
          game_id: 1,
          timestamp: at(30),
          time_spent: 60,
          referrer_page: '/home',
        }),
        viewEvent({ ...base, game_id: 2, timestamp: at(20), time_spent: 90 }),
        viewEvent({ ...base, game_id: 1, timestamp: at(18), time_spent: 30 }),
        viewEvent({
          ...base,
          event_type: 'SEARCH',
          game_id: undefined,
          timestamp: at(15),
          time_spent: 0,
        }),
        viewEvent({
          ...base,
          event_type: 'ADD_TO_CART',
          game_id: 2,
          timestamp: at(6),
          time_spent: 20,
          referrer_page: '/cart',
        }),
      ];
      // Sent newest first, and the batch resent: the counters must not move.
      const body = { events: [...events].reverse() };
      await api.request('POST', '/api/v1/ingest/batch', { body });
      await api.request('POST', '/api/v1/ingest/batch', { body });
      await processed(events.map((e) => e.event_id as string));

      const answer = await api.request(
        'GET',
        `/api/v1/sessions/${encodeURIComponent(session)}/insights`,
      );
      t.is(answer.status, 200);
      t.like(answer.body, {
        session_id: session,
        user_id: user,
        start_time: events[0]!.timestamp,
        last_activity: events[4]!.timestamp,
        duration_minutes: 24,
        page_views: 3,
        unique_games_viewed: 2,
        avg_time_per_page: 66.67,
        event_breakdown: { VIEW: 3, SEARCH: 1, ADD_TO_CART: 1 },
        engagement_level: 'High',
        entry_page: '/home',
        last_page: '/cart',
      });
      t.is((await rowsOf(events.map((e) => e.event_id as string))).length, 5);
    },
  );

  test(
    topology.title('session insights: 404 for an unknown session, 422 for an invalid id'),
    async (t) => {
      const unknown = await api.request('GET', `/api/v1/sessions/${randomUUID()}/insights`);
      t.is(unknown.status, 404);
      t.is(unknown.body.error.code, 'not_found');
      const invalid = await api.request('GET', `/api/v1/sessions/${'x'.repeat(129)}/insights`);
      t.is(invalid.status, 422);
    },
  );

  test(
    topology.title(
      'an event resent after its jobs completed and were removed is stored and counted once',
    ),
    async (t) => {
      const user = freshUser();
      const event = viewEvent({ user_id: user });
      await api.request('POST', '/api/v1/ingest', { body: event });
      await processed([event.event_id as string]);
      await api.deps.queues.persist.clean(0, 10_000, 'completed');
      await api.deps.queues.recency.clean(0, 10_000, 'completed');

      const again = await api.request('POST', '/api/v1/ingest', { body: event });
      t.is(again.status, 202);
      t.is(again.body.event_id, event.event_id);
      await processed([event.event_id as string]);
      t.is((await rowsOf([event.event_id as string])).length, 1);
      const insights = await api.request('GET', `/api/v1/sessions/${event.session_id}/insights`);
      t.is(insights.body.page_views, 1);
      t.deepEqual(insights.body.event_breakdown, { VIEW: 1 });
    },
  );
}

for (const topology of topologies()) pipelineTests(topology);
