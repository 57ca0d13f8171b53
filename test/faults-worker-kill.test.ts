/**
 * SPEC §7: worker processes killed with SIGKILL, again and again, while thousands of events
 * arrive. A killed worker's active jobs stall (their lock expires) and another worker runs
 * them again; the jobs are idempotent, so nothing is lost and nothing counted twice. On a
 * single Redis and on a Redis Cluster.
 */
import { QueueEvents } from 'bullmq';
import { QUEUE_NAMES } from '../src/queue-names';
import { createWorkerRedis } from '../src/redis';
import {
  TcpProxy,
  errorLogs,
  hostAndPort,
  signal,
  spawnWorker,
  startWorkerProcess,
  throughProxy,
} from './helpers/faults';
import { startPipeline } from './helpers/pipeline';
import { killIfRunning, type Spawned } from './helpers/processes';
import { backlogCounters, failedJobs, waitForDrain } from './helpers/queue-state';
import { assertMatchesReference } from './helpers/reference-model';
import { testOnEachTopology } from './helpers/topologies';
import { makeEvents, sendEvents, sleep } from './helpers/workload';

testOnEachTopology(
  'workers SIGKILLed every ~2 s under load: every event stored and folded exactly once',
  async (t, topology) => {
    const api = await startPipeline(
      { ...(await topology.env()), RECENTLY_VIEWED_MAX: '10' },
      { workers: false },
    );
    // The workers reach PostgreSQL and Redis through proxies that hold each answer back a few
    // ms: jobs are mid-way (a row written or a script run, the job not yet completed) when
    // the kills land, so the retried runs meet effects already applied. A cluster client
    // connects to the addresses the cluster announces, past any proxy: there a recency job
    // is one script call per slot, and a kill between two of them leaves it half applied.
    const cluster = api.config.redisClusterNodes.length > 0;
    const proxies = [
      new TcpProxy(hostAndPort(api.config.databaseUrl), 10),
      ...(cluster ? [] : [new TcpProxy(hostAndPort(api.config.redisUrl), 3)]),
    ];
    await Promise.all(proxies.map((proxy) => proxy.open()));
    const workerEnv = {
      DATABASE_URL: throughProxy(api.config.databaseUrl, proxies[0]!),
      ...(!cluster && { REDIS_URL: throughProxy(api.config.redisUrl, proxies[1]!) }),
    };
    const slots: Spawned[] = [];
    const everyWorker: Spawned[] = [];
    // BullMQ gives each QueueEvents a duplicate of its connection: the one passed is closed here.
    const eventsConnection = createWorkerRedis(api.config);
    const stalls = QUEUE_NAMES.map(
      (name) =>
        new QueueEvents(name, { connection: eventsConnection, prefix: api.config.queuePrefix }),
    );
    let stalled = 0;
    for (const queueEvents of stalls) queueEvents.on('stalled', () => (stalled += 1));
    t.teardown(async () => {
      slots.forEach(killIfRunning);
      await Promise.all(stalls.map((queueEvents) => queueEvents.close()));
      eventsConnection.disconnect();
      await Promise.all(proxies.map((proxy) => proxy.close()));
      await api.stop();
    });
    await Promise.all(stalls.map((queueEvents) => queueEvents.waitUntilReady()));
    slots.push(await spawnWorker(api.config, workerEnv), await spawnWorker(api.config, workerEnv));
    everyWorker.push(...slots);

    // Two worker slots killed in turn, each restarted at once (its start-up overlaps the other's work).
    let killing = true;
    let kills = 0;
    const killer = (async () => {
      for (let turn = 0; killing; turn += 1) {
        await sleep(1_500 + Math.random() * 1_000);
        const slot = turn % slots.length;
        await signal(slots[slot]!, 'SIGKILL');
        kills += 1;
        slots[slot] = startWorkerProcess(api.config, workerEnv);
        everyWorker.push(slots[slot]!);
      }
    })();

    const events = makeEvents({ count: 4_000 });
    const outcome = await sendEvents(api.url, events, { clients: 4, durationMs: 15_000 });
    killing = false;
    await killer;
    t.deepEqual(Object.keys(outcome.statuses), ['202'], 'the API accepted every request');
    t.true(kills >= 5, `${kills} kills`);

    await waitForDrain(api.deps.queues, 90_000);
    await assertMatchesReference(t, { ...api.deps, recentlyViewedMax: 10 }, events);
    t.deepEqual(
      await failedJobs(api.deps.queues),
      { persist: [], recency: [] },
      `worker errors: ${errorLogs(...everyWorker)}`,
    );
    t.deepEqual(await backlogCounters(api.deps.redis, api.deps.keys), { persist: 0, recency: 0 });
    t.true(stalled > 0, 'some kills landed mid-job (the jobs stalled and were run again)');
    t.log(`${kills} kills, ${stalled} stalled jobs recovered`);

    for (const worker of slots) t.like(await signal(worker, 'SIGTERM'), { code: 0 });
  },
  // One topology after the other: both at once, beside the other test files, starve a
  // 2-core machine until the API's 1 s deadline turns some writes into 503s.
  { serial: true },
);
