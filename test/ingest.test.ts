/**
 * POST /api/v1/ingest and /ingest/batch at the HTTP edge (SPEC §4.1): every answer code,
 * against a real API and Redis, with no worker running, so the queued jobs are inspected.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { startPipeline, type Pipeline } from './helpers/pipeline';
import { PYTHON_CLIENT_EVENT, viewEvent } from './helpers/events';
import { backlogCounters } from './helpers/queue-state';

let api: Pipeline;

test.before(async () => {
  api = await startPipeline({}, { workers: false });
});

test.after.always(async () => {
  await api?.stop();
});

/** Every event held by the waiting jobs of a queue. */
async function queuedEvents(queue: 'persist' | 'recency') {
  const jobs = await api.deps.queues[queue].getJobs(['waiting', 'delayed', 'prioritized']);
  return jobs.flatMap((job) => job.data.events as Array<Record<string, unknown>>);
}

// Serial: it runs before the other tests of this file, so the queues hold only its events.
test.serial(
  'the backlog counters count exactly the events queued, raised with their jobs',
  async (t) => {
    const events = [viewEvent(), viewEvent(), viewEvent()];
    const batch = await api.request('POST', '/api/v1/ingest/batch', {
      body: { events: [...events, events[0]] },
    });
    t.like(batch.body, { accepted: 3, duplicates: 1 });
    t.is((await api.request('POST', '/api/v1/ingest', { body: viewEvent() })).status, 202);

    const counters = await backlogCounters(api.deps.redis, api.deps.keys);
    t.deepEqual(counters, { persist: 4, recency: 4 });
    for (const queue of ['persist', 'recency'] as const) {
      t.is((await queuedEvents(queue)).length, 4, `${queue}: one count per event`);
    }
  },
);

test('accepts the Python client payload: naive timestamp read as UTC, null as absent', async (t) => {
  const answer = await api.request('POST', '/api/v1/ingest', { body: PYTHON_CLIENT_EVENT });
  t.is(answer.status, 202);
  t.is(answer.body.status, 'accepted');
  t.regex(answer.body.event_id, /^[0-9a-f-]{36}$/);
  t.is(answer.body.request_id, answer.headers.get('x-request-id'));

  for (const queue of ['persist', 'recency'] as const) {
    const event = (await queuedEvents(queue)).find((e) => e.event_id === answer.body.event_id);
    t.truthy(event, `queued on ${queue}`);
    t.is(event?.occurred_at, Date.UTC(2025, 7, 17, 10, 15, 30, 123));
    t.is(event?.time_spent, null);
  }
});

test('null counts as absent only for known fields: a null unknown field is named', async (t) => {
  const answer = await api.request('POST', '/api/v1/ingest', {
    body: viewEvent({ color: null, user_id: null, platform: null }),
  });
  t.is(answer.status, 422);
  const details = [...answer.body.error.details].sort((a, b) => a.path.localeCompare(b.path));
  t.deepEqual(details, [
    { path: '/color', message: 'is not an allowed field' },
    { path: '/user_id', message: 'is required' },
  ]);
});

const REQUIRED_FIELDS = ['user_id', 'session_id', 'event_type', 'timestamp', 'referrer_page'];

test('a required field sent as null is reported as required, not as the wrong type', async (t) => {
  for (const field of REQUIRED_FIELDS) {
    // The Python client's own payload, with one required field nulled as its clients might.
    const answer = await api.request('POST', '/api/v1/ingest', {
      body: { ...PYTHON_CLIENT_EVENT, [field]: null },
    });
    t.is(answer.status, 422, field);
    t.deepEqual(answer.body.error.details, [{ path: `/${field}`, message: 'is required' }], field);
  }
});

test('every optional field sent as null is accepted as unset, singly and in a batch', async (t) => {
  const optionalNulls = {
    event_id: null,
    time_spent: null,
    platform: null,
    search_query: null,
    filters_applied: null,
    sent_at: null,
  };
  const single = await api.request('POST', '/api/v1/ingest', {
    body: { ...PYTHON_CLIENT_EVENT, ...optionalNulls },
  });
  t.is(single.status, 202);
  t.regex(single.body.event_id, /^[0-9a-f-]{36}$/, 'an event id is generated for a null one');
  const [queued] = (await queuedEvents('persist')).filter(
    (e) => e.event_id === single.body.event_id,
  );
  t.like(queued, { time_spent: null, platform: null, search_query: null, filters_applied: null });

  const batch = await api.request('POST', '/api/v1/ingest/batch', {
    body: {
      events: [
        viewEvent(optionalNulls),
        viewEvent({ event_type: 'SEARCH', game_id: null, search_query: 'zelda' }),
        viewEvent({ referrer_page: null }),
      ],
    },
  });
  t.is(batch.status, 202);
  t.like(batch.body, { accepted: 2, duplicates: 0 });
  t.deepEqual(batch.body.rejected, [
    { index: 2, errors: [{ path: '/referrer_page', message: 'is required' }] },
  ]);
});

test('stores and echoes the event id in lowercase', async (t) => {
  const id = randomUUID().toUpperCase();
  const answer = await api.request('POST', '/api/v1/ingest', { body: viewEvent({ event_id: id }) });
  t.is(answer.status, 202);
  t.is(answer.body.event_id, id.toLowerCase());
});

test('corrects the event time for client clock skew with sent_at', async (t) => {
  // The client's clock is an hour fast: it says the view was 5 s before sending.
  const skewed = Date.now() + 3_600_000;
  const body = viewEvent({
    timestamp: new Date(skewed - 5_000).toISOString(),
    sent_at: new Date(skewed).toISOString(),
  });
  const before = Date.now();
  const answer = await api.request('POST', '/api/v1/ingest', { body });
  t.is(answer.status, 202);
  const event = (await queuedEvents('persist')).find((e) => e.event_id === body.event_id)!;
  const occurredAt = event.occurred_at as number;
  t.true(occurredAt >= before - 5_000 && occurredAt <= Date.now() - 5_000);
  t.is(event.timestamp, skewed - 5_000, 'the claimed time is kept as sent');
});

test('accepts text/plain holding JSON (navigator.sendBeacon)', async (t) => {
  const answer = await api.request('POST', '/api/v1/ingest', {
    raw: JSON.stringify(viewEvent()),
    headers: { 'content-type': 'text/plain;charset=UTF-8' },
  });
  t.is(answer.status, 202);
});

test('415 without a content type or with a non-JSON one', async (t) => {
  const variants: Array<Record<string, string>> = [
    {},
    { 'content-type': 'application/x-www-form-urlencoded' },
    { 'content-type': 'text/html' },
  ];
  for (const headers of variants) {
    // A Buffer body, so fetch adds no content type of its own.
    const raw = Buffer.from(JSON.stringify(viewEvent()));
    const answer = await api.request('POST', '/api/v1/ingest', { raw, headers });
    t.is(answer.status, 415);
    t.is(answer.body.error.code, 'unsupported_media_type');
  }
});

test('400 for malformed JSON, in either content type', async (t) => {
  for (const type of ['application/json', 'text/plain']) {
    const answer = await api.request('POST', '/api/v1/ingest', {
      raw: '{"user_id": 1,',
      headers: { 'content-type': type },
    });
    t.is(answer.status, 400);
    t.is(answer.body.error.code, 'malformed_json');
  }
});

test('400 for __proto__, constructor or prototype keys at any depth; nothing is polluted', async (t) => {
  const bodies = [
    '{"__proto__": {"polluted": true}, "user_id": 1}',
    '{"filters_applied": {"constructor": {"prototype": {"polluted": true}}}}',
    '{"filters_applied": {"a": [{"prototype": 1}]}}',
  ];
  for (const raw of bodies) {
    const answer = await api.request('POST', '/api/v1/ingest', {
      raw,
      headers: { 'content-type': 'application/json' },
    });
    t.is(answer.status, 400, raw);
    t.is(answer.body.error.code, 'malformed_json');
  }
  t.is(({} as Record<string, unknown>).polluted, undefined);
});

test('413 for a body over 32 KB, refused before it is parsed', async (t) => {
  const answer = await api.request('POST', '/api/v1/ingest', {
    body: viewEvent({ referrer_page: 'x'.repeat(33 * 1024) }),
  });
  t.is(answer.status, 413);
  t.is(answer.body.error.code, 'payload_too_large');
});

test('422 lists every problem with its JSON pointer', async (t) => {
  const answer = await api.request('POST', '/api/v1/ingest', {
    body: {
      user_id: 0,
      session_id: '',
      event_type: 'HOVER',
      timestamp: 'yesterday',
      referrer_page: 'x'.repeat(2049),
      time_spent: 86_401,
      platform: 'p'.repeat(33),
      search_query: 'q'.repeat(513),
      color: 'blue',
    },
  });
  t.is(answer.status, 422);
  t.is(answer.body.error.code, 'validation_failed');
  const paths = answer.body.error.details.map((detail: { path: string }) => detail.path).sort();
  t.deepEqual(paths, [
    '/color',
    '/event_type',
    '/platform',
    '/referrer_page',
    '/search_query',
    '/session_id',
    '/time_spent',
    '/timestamp',
    '/user_id',
  ]);
});

test('422 when a game event has no game_id, but not for a search', async (t) => {
  for (const type of [
    'VIEW',
    'ADD_TO_CART',
    'REMOVE_FROM_CART',
    'WISHLIST',
    'PURCHASE',
    'REVIEW',
  ]) {
    const answer = await api.request('POST', '/api/v1/ingest', {
      body: viewEvent({ event_type: type, game_id: null }),
    });
    t.is(answer.status, 422, type);
    t.deepEqual(answer.body.error.details, [{ path: '/game_id', message: 'is required' }]);
  }
  const search = viewEvent({ event_type: 'SEARCH', game_id: undefined, search_query: 'mario' });
  t.is((await api.request('POST', '/api/v1/ingest', { body: search })).status, 202);
});

test('422 for an event more than 24 h in the future or before 2000', async (t) => {
  const future = viewEvent({ timestamp: new Date(Date.now() + 25 * 3_600_000).toISOString() });
  const ancient = viewEvent({ timestamp: '1999-12-31T23:59:59Z' });
  for (const body of [future, ancient]) {
    const answer = await api.request('POST', '/api/v1/ingest', { body });
    t.is(answer.status, 422);
    t.is(answer.body.error.details[0].path, '/timestamp');
  }
  const soon = viewEvent({ timestamp: new Date(Date.now() + 23 * 3_600_000).toISOString() });
  t.is((await api.request('POST', '/api/v1/ingest', { body: soon })).status, 202);
});

test('422 for filters_applied over 4 KB once serialized; objects and strings both accepted', async (t) => {
  const big = await api.request('POST', '/api/v1/ingest', {
    body: viewEvent({ filters_applied: { q: 'x'.repeat(4100) } }),
  });
  t.is(big.status, 422);
  t.is(big.body.error.details[0].path, '/filters_applied');
  for (const filters of [{ platform: 'NES', price_under: 100 }, 'platform=NES']) {
    const answer = await api.request('POST', '/api/v1/ingest', {
      body: viewEvent({ filters_applied: filters }),
    });
    t.is(answer.status, 202);
  }
});

test('422 for strings PostgreSQL cannot store: NUL characters, unpaired surrogates', async (t) => {
  const bodies = [
    viewEvent({ referrer_page: '/a\u0000b' }),
    viewEvent({ filters_applied: { deep: ['ok', 'bad\ud800'] } }),
  ];
  const expected = ['/referrer_page', '/filters_applied/deep/1'];
  for (const [index, body] of bodies.entries()) {
    const answer = await api.request('POST', '/api/v1/ingest', { body });
    t.is(answer.status, 422);
    t.is(answer.body.error.details[0].path, expected[index]);
  }
});

test('404 in the one error shape for an unknown path; 405 for a wrong method', async (t) => {
  const missing = await api.request('GET', '/api/v1/nope');
  t.is(missing.status, 404);
  t.is(missing.body.error.code, 'not_found');
  const wrong = await api.request('GET', '/api/v1/ingest');
  t.is(wrong.status, 405);
  t.is(wrong.body.error.code, 'method_not_allowed');
  // Each 405 says what is allowed; the catalog has a router of its own and answers alike.
  const wrongCatalog = await api.request('PATCH', '/api/v1/games/1');
  t.is(wrongCatalog.status, 405);
  t.is(wrongCatalog.headers.get('allow'), 'HEAD, GET, PUT, DELETE');
  t.is(wrong.headers.get('allow'), 'POST');
});

test('batch: valid events accepted, invalid ones reported by index, in-request duplicates counted', async (t) => {
  const repeated = viewEvent();
  const events = [
    viewEvent(),
    { ...viewEvent(), user_id: -1 },
    repeated,
    repeated,
    viewEvent({ color: 1 }),
  ];
  const answer = await api.request('POST', '/api/v1/ingest/batch', { body: { events } });
  t.is(answer.status, 202);
  t.is(answer.body.accepted, 2);
  t.is(answer.body.duplicates, 1);
  t.deepEqual(
    answer.body.rejected.map((r: { index: number }) => r.index),
    [1, 4],
  );
  t.deepEqual(answer.body.rejected[0].errors, [{ path: '/user_id', message: 'must be >= 1' }]);

  const queued = (await queuedEvents('persist')).filter((e) => e.event_id === repeated.event_id);
  t.is(queued.length, 1, 'a duplicate within the request is enqueued once');
});

test('batch: 422 when empty, not an array, with another top-level key, or with no valid event', async (t) => {
  const bodies = [
    { events: [] },
    { events: 'x' },
    { events: [viewEvent()], extra: 1 },
    { events: [{ user_id: 1 }] },
    [],
  ];
  for (const body of bodies) {
    const answer = await api.request('POST', '/api/v1/ingest/batch', { body });
    t.is(answer.status, 422, JSON.stringify(body).slice(0, 40));
    t.is(answer.body.error.code, 'validation_failed');
  }
  const none = await api.request('POST', '/api/v1/ingest/batch', {
    body: { events: [{ user_id: 1 }] },
  });
  t.true(none.body.error.details.every((d: { path: string }) => d.path.startsWith('/events/0/')));
});

test('batch: 413 over 500 events or over 1 MB', async (t) => {
  const many = await api.request('POST', '/api/v1/ingest/batch', {
    body: { events: Array.from({ length: 501 }, () => viewEvent()) },
  });
  t.is(many.status, 413);
  const heavy = await api.request('POST', '/api/v1/ingest/batch', {
    body: {
      events: Array.from({ length: 40 }, () =>
        viewEvent({
          referrer_page: 'x'.repeat(2048),
          search_query: 'q'.repeat(512),
          filters_applied: 'f'.repeat(4000),
        }),
      ),
    },
  });
  t.is(heavy.status, 202, '40 large events stay under 1 MB');
  const tooHeavy = await api.request('POST', '/api/v1/ingest/batch', {
    raw: JSON.stringify({ events: [viewEvent()], padding: 'x'.repeat(1024 * 1024) }),
    headers: { 'content-type': 'application/json' },
  });
  t.is(tooHeavy.status, 413);
});
