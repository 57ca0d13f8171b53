/**
 * SPEC §4.1, §7 on a Redis Cluster: the master that holds the queues' slot killed with
 * SIGKILL under load, and restarted on its port with its nodes.conf. While its slots are
 * unreachable the API answers 503 with Retry-After, never 202; once it is back the API and
 * a worker process carry on without a restart, and every event accepted is stored once
 * and folded once.
 *
 * The masters run with `appendonly yes` and `appendfsync always`: Redis then writes each
 * acknowledged write to its AOF before it replies, and a restarted master comes back with
 * every job it accepted. Replicas would not prove that: a replica copies its master
 * asynchronously, so one promoted after a kill may lack the last writes its master
 * acknowledged (docs/redis-cluster.md).
 */
import test from 'ava';
import { isRunning, errorLogs, signal, spawnWorker } from './helpers/faults';
import { waitFor } from './helpers/http';
import { startPipeline } from './helpers/pipeline';
import { killIfRunning } from './helpers/processes';
import { startRedisCluster } from './helpers/redis-cluster';
import { backlogCounters, failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference } from './helpers/reference-model';
import { loadThroughOutage } from './helpers/outage';
import { makeEvents, type TestEvent, sleep } from './helpers/workload';

test('a cluster master killed under load: 503 while its slots are down, recovery without restarts, every event once', async (t) => {
  const cluster = await startRedisCluster(['--appendonly', 'yes', '--appendfsync', 'always']);
  t.teardown(() => cluster.stop());
  const api = await startPipeline(cluster.env, { workers: false });
  const worker = await spawnWorker(api.config);
  t.teardown(async () => {
    killIfRunning(worker);
    await api.stop();
  });
  const queueMaster = await cluster.masterOf(api.deps.keys.backlog('persist'));

  const { before, during, sending } = await loadThroughOutage(
    t,
    api.url,
    () => queueMaster.kill(),
    {
      retryForMs: 60_000,
    },
  );

  // Every answer while the master is down says 503 and when to come back, never 202.
  const probe = makeEvents({ count: 3 });
  const deadline = Date.now() + 3_000;
  while (Date.now() < deadline) {
    const answer = await api.request('POST', '/api/v1/ingest/batch', { body: { events: probe } });
    t.is(answer.status, 503, 'a batch while the queues’ master is down');
    t.is(answer.body.error.code, 'unavailable');
    t.truthy(answer.headers.get('retry-after'));
    await sleep(250);
  }
  // /readyz follows the cluster's own verdict, which the other masters reach once the dead
  // one has been silent for cluster-node-timeout (2 s here) and they have gossiped it.
  await waitFor(async () =>
    (await api.request('GET', '/readyz')).status === 503 ? true : undefined,
  );

  await queueMaster.start();
  await cluster.healthy();
  await waitFor(async () =>
    (await api.request('GET', '/readyz')).status === 200 ? true : undefined,
  );
  const again = await api.request('POST', '/api/v1/ingest/batch', { body: { events: probe } });
  t.is(again.status, 202, 'the API takes events again, without a restart');
  const probes: TestEvent[] = [...probe];

  const duringOutcome = await sending;
  t.is(duringOutcome.accepted.size, during.length, 'the retrying client got every event accepted');
  t.true((duringOutcome.statuses[503] ?? 0) > 0, 'the client met the outage');

  await waitForDrain(api.deps.queues, 90_000);
  const all = [...before, ...during, ...probes];
  await assertMatchesReference(
    t,
    { ...api.deps, recentlyViewedMax: api.config.recentlyViewedMax },
    all,
  );
  t.deepEqual(
    await failedJobs(api.deps.queues),
    { persist: [], recency: [] },
    `worker errors: ${errorLogs(worker)}`,
  );
  t.deepEqual(await backlogCounters(api.deps.redis, api.deps.keys), { persist: 0, recency: 0 });
  t.true(isRunning(worker), 'the worker reconnected by itself');
  t.like(await signal(worker, 'SIGTERM'), { code: 0 });
});
