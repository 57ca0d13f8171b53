/**
 * SPEC §4.5, §7: a Redis that may evict keys (any maxmemory-policy but noeviction) may
 * drop queued jobs, i.e. lose accepted events. In production the API and the worker refuse
 * to start on one; in development they start with a warning, and /readyz says 503.
 */
import test from 'ava';
import {
  collectStdout,
  killOnExit,
  freePort,
  signal,
  startRedisServer,
  type RedisServer,
} from './helpers/faults';
import { ADMIN } from './helpers/catalog';
import { waitFor } from './helpers/http';
import { envFor, killIfRunning, spawnEntry, type Spawned } from './helpers/processes';
import { testConfig } from './helpers/test-env';

interface ErrorBody {
  error: { details: Array<{ path: string }> };
}

let redis: RedisServer;
const spawned: Spawned[] = [];

test.before(async () => {
  redis = await startRedisServer(['--maxmemory-policy', 'allkeys-lru']);
});

test.after.always(async () => {
  spawned.forEach(killIfRunning);
  await redis?.stop();
});

function start(entry: 'src/server.ts' | 'jobs/worker.ts', env: Record<string, string>): Spawned {
  const config = testConfig({ REDIS_URL: redis.url });
  const started = spawnEntry(entry, envFor(config, { ...ADMIN, WORKER_METRICS_PORT: '0', ...env }));
  killOnExit(started.child);
  spawned.push(started);
  return started;
}

for (const entry of ['src/server.ts', 'jobs/worker.ts'] as const) {
  test(`${entry} refuses to start in production, naming maxmemory-policy`, async (t) => {
    const process = start(entry, { NODE_ENV: 'production', PORT: String(await freePort()) });
    t.like(await process.exited, { code: 1 });
    t.regex(process.stderr(), /maxmemory-policy is "allkeys-lru"; it must be "noeviction"/);
  });
}

test('in development the API starts with a warning, and /readyz says why it is not ready', async (t) => {
  const port = await freePort();
  const api = start('src/server.ts', {
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    PORT: String(port),
  });
  const stdout = collectStdout(api);
  const ready = await waitFor(async () => {
    const answer = await fetch(`http://127.0.0.1:${port}/readyz`).catch(() => undefined);
    return answer && { status: answer.status, body: (await answer.json()) as ErrorBody };
  });
  t.is(ready.status, 503);
  t.deepEqual(
    ready.body.error.details.map((detail) => detail.path),
    ['/redis_maxmemory_policy'],
  );
  const warned = () => (/maxmemory-policy is "allkeys-lru"/.test(stdout()) ? true : undefined);
  t.true(await waitFor(async () => warned()), 'a warning names maxmemory-policy');
  t.like(await signal(api, 'SIGTERM'), { code: 0 });
});

test('in development the worker starts with a warning', async (t) => {
  const worker = start('jobs/worker.ts', { NODE_ENV: 'development', LOG_LEVEL: 'info' });
  const stdout = collectStdout(worker);
  await waitFor(async () => (/worker started/.test(stdout()) ? true : undefined));
  t.regex(stdout(), /maxmemory-policy is "allkeys-lru"/);
  t.like(await signal(worker, 'SIGTERM'), { code: 0 });
});
