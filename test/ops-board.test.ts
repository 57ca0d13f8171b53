/**
 * Bull Board (SPEC §4.5, §6): every route behind the admin credentials, failed jobs with
 * their reasons, retry, read-only mode, no CORS, and the whole app under BASE_PATH.
 */
import test from 'ava';
import { createApp } from '../src/app';
import { closeApiDeps, createApiDeps, type AppDeps } from '../src/app-deps';
import { createLogger } from '../src/logger';
import { EVENTS_JOB } from '../src/queue-names';
import { startWorkers } from '../jobs/start-workers';
import { listen, waitFor, type TestServer } from './helpers/http';
import { removeRedisKeys } from './helpers/pipeline';
import { testConfig } from './helpers/test-env';

const ADMIN = { ADMIN_USER: 'ops', ADMIN_PASSWORD: 's3cret-board' };
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});
const asAdmin = basic(ADMIN.ADMIN_USER, ADMIN.ADMIN_PASSWORD);

interface Board {
  deps: AppDeps;
  server: TestServer;
}
const opened: Board[] = [];

async function openBoard(env: Record<string, string> = {}): Promise<Board> {
  const deps = createApiDeps(testConfig({ ...ADMIN, CORS_ORIGINS: '*', ...env }));
  const board = { deps, server: await listen(createApp(deps)) };
  opened.push(board);
  return board;
}

test.after.always(async () => {
  for (const { deps, server } of opened) {
    await server.close();
    await removeRedisKeys(deps, deps.config.queuePrefix);
    await closeApiDeps(deps);
  }
});

/**
 * Adds a job whose payload can never be processed and lets a real worker fail it, so it
 * lands in the failed set with the worker's reason, as a poison job would.
 */
async function failPoisonJob(deps: AppDeps): Promise<string> {
  const job = await deps.queues.persist.add(EVENTS_JOB, { events: 'not a list' });
  const config = { ...deps.config, workerQueues: ['persist' as const] };
  const workers = startWorkers(config, createLogger(config, 'test-worker'));
  try {
    await waitFor(async () =>
      (await deps.queues.persist.getJobState(job.id!)) === 'failed' ? true : undefined,
    );
  } finally {
    await workers.close();
  }
  return job.id!;
}

interface BoardQueue {
  name: string;
  counts: Record<string, number>;
  readOnlyMode: boolean;
  allowRetries: boolean;
  jobs: Array<{ id: string; failedReason?: string }>;
}

/** The queues as the board's JSON API shows them, with the failed jobs of `persist` listed. */
async function failedOnBoard(server: TestServer): Promise<BoardQueue[]> {
  const answer = await server.request(
    'GET',
    '/admin/queues/api/queues?activeQueue=persist&status=failed',
    {
      headers: asAdmin,
    },
  );
  if (answer.status !== 200) throw new Error(`board API answered ${answer.status}: ${answer.text}`);
  return answer.body.queues as BoardQueue[];
}

/** The page, one static asset and the JSON API: everything the board serves. */
const BOARD_ROUTES = [
  '/admin/queues',
  '/admin/queues/queue/persist',
  '/admin/queues/static/favicon-32x32.png',
  '/admin/queues/api/queues',
];

test('every board route answers 401 without or with wrong credentials, in the one error shape', async (t) => {
  const { server } = await openBoard();
  for (const path of BOARD_ROUTES) {
    for (const headers of [{}, basic('ops', 'wrong'), basic('nobody', ADMIN.ADMIN_PASSWORD)]) {
      const answer = await server.request('GET', path, { headers });
      t.is(answer.status, 401, path);
      t.is(answer.body?.error?.code, 'unauthorized', path);
      t.regex(answer.headers.get('www-authenticate') ?? '', /^Basic /, path);
    }
  }
  const put = await server.request('PUT', '/admin/queues/api/queues/persist/1/retry');
  t.is(put.status, 401);
});

test('with credentials the board serves its page, its assets and its JSON API', async (t) => {
  const { server } = await openBoard();
  const page = await server.request('GET', '/admin/queues', { headers: asAdmin });
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /text\/html/);
  t.true(page.text.includes('<base href="/admin/queues/"'));
  t.true(page.text.includes('<title>real-time-ingestion</title>'));

  const deepLink = await server.request('GET', '/admin/queues/queue/persist', { headers: asAdmin });
  t.is(deepLink.status, 200);

  const asset = await server.request('GET', '/admin/queues/static/favicon-32x32.png', {
    headers: asAdmin,
  });
  t.is(asset.status, 200);
  t.is(asset.headers.get('content-type'), 'image/png');

  const stylesheet = /href="(static\/css\/[^"]+\.css)"/.exec(page.text)?.[1];
  t.truthy(stylesheet);
  t.is(
    (await server.request('GET', `/admin/queues/${stylesheet}`, { headers: asAdmin })).status,
    200,
  );

  const api = await server.request('GET', '/admin/queues/api/queues', { headers: asAdmin });
  t.is(api.status, 200);
  t.deepEqual(
    api.body.queues.map((queue: { name: string }) => queue.name),
    ['persist', 'recency', 'maintenance'],
  );
});

test('a failed job shows its reason and can be retried from the board', async (t) => {
  const { deps, server } = await openBoard();
  const jobId = await failPoisonJob(deps);

  const queues = await failedOnBoard(server);
  const persist = queues.find((queue) => queue.name === 'persist')!;
  t.is(persist.counts.failed, 1);
  t.false(persist.readOnlyMode);
  const shown = persist.jobs.find((job) => job.id === jobId);
  t.regex(shown?.failedReason ?? '', /invalid job payload/);

  const retry = await server.request('PUT', `/admin/queues/api/queues/persist/${jobId}/retry`, {
    headers: asAdmin,
  });
  t.is(retry.status, 204);
  t.is(await deps.queues.persist.getJobState(jobId), 'waiting');
});

test('BULL_BOARD_READ_ONLY=true shows the queues but refuses every action', async (t) => {
  const { deps, server } = await openBoard({ BULL_BOARD_READ_ONLY: 'true' });
  const jobId = await failPoisonJob(deps);

  for (const queue of await failedOnBoard(server)) {
    t.true(queue.readOnlyMode);
    t.false(queue.allowRetries);
  }

  const retry = await server.request('PUT', `/admin/queues/api/queues/persist/${jobId}/retry`, {
    headers: asAdmin,
  });
  t.is(retry.status, 405);
  const empty = await server.request('PUT', '/admin/queues/api/queues/persist/empty', {
    headers: asAdmin,
  });
  t.is(empty.status, 405);
  t.is(await deps.queues.persist.getJobState(jobId), 'failed');
});

test('the board and the admin routes never send CORS headers, even to an allowed origin', async (t) => {
  const { server } = await openBoard();
  const origin = { origin: 'https://shop.example' };
  for (const path of ['/admin/queues', '/admin/queues/api/queues', '/healthz', '/metrics']) {
    const answer = await server.request('GET', path, { headers: { ...asAdmin, ...origin } });
    t.is(answer.status, 200, path);
    t.is(answer.headers.get('access-control-allow-origin'), null, path);
  }
  const preflight = await server.request('OPTIONS', '/admin/queues/api/queues', {
    headers: { ...origin, 'access-control-request-method': 'PUT' },
  });
  t.is(preflight.headers.get('access-control-allow-origin'), null);
  // The API routes of the same app do answer that origin: the difference is deliberate.
  const api = await server.request('GET', '/api/v1/users/1/recently-viewed', { headers: origin });
  t.is(api.headers.get('access-control-allow-origin'), 'https://shop.example');
});

test('under BASE_PATH the whole app answers below the prefix, and the board links its assets there', async (t) => {
  const { server } = await openBoard({ BASE_PATH: '/ingestion' });

  const page = await server.request('GET', '/ingestion/admin/queues', { headers: asAdmin });
  t.is(page.status, 200);
  t.true(page.text.includes('<base href="/ingestion/admin/queues/"'));
  // Bull Board's own assets and JSON API, and paths outside BASE_PATH, are not in the
  // OpenAPI document that `server.request` holds answers to: they are fetched directly.
  const direct = async (path: string, headers: Record<string, string> = {}) => {
    const response = await fetch(`${server.url}${path}`, { headers });
    return { status: response.status, text: await response.text() };
  };
  t.is((await direct('/ingestion/admin/queues/static/favicon-32x32.png', asAdmin)).status, 200);
  t.is((await direct('/ingestion/admin/queues/api/queues', asAdmin)).status, 200);
  t.is((await direct('/ingestion/admin/queues/api/queues')).status, 401);

  const lookup = await server.request('GET', '/ingestion/api/v1/users/42/recently-viewed');
  t.is(lookup.status, 200);
  t.deepEqual(lookup.body, { user_id: 42, items: [] });
  t.is((await server.request('GET', '/ingestion/healthz')).status, 200);

  for (const path of [
    '/api/v1/users/42/recently-viewed',
    '/healthz',
    '/admin/queues',
    '/ingestionx/healthz',
  ]) {
    const outside = await direct(path, asAdmin);
    t.is(outside.status, 404, path);
    t.is(JSON.parse(outside.text).error.code, 'not_found', path);
  }
});
