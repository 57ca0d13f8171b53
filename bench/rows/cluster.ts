/**
 * Row 9: one Redis against a 3-master Redis Cluster, in the same run. For each topology a
 * private Redis of the bench's own (no persistence on either, so both pay the same), its
 * own schema, prefix and API; on it row 3's sustained load and row 4's backlog drain with
 * 1, 2 and 4 worker processes, reported as ratios to this run's bare Koa POST and as CPU
 * per event of each process: the API, a worker process, and each redis-server (from
 * /proc). From the cluster's measured CPU per event it derives what one shard carries:
 * the queues' master (every queue key is in one slot, so it does not spread) and a data
 * master (the recency keys spread over all), and so how many shards a given rate needs.
 */
import { startRedisServer, type RedisServer } from '../../test/helpers/faults';
import { startRedisCluster, type RedisCluster } from '../../test/helpers/redis-cluster';
import calculateSlot from 'cluster-key-slot';
import { isCluster, masters } from '../../src/redis';
import type { BenchContext } from '../context';
import { closeEnvironment, openEnvironment, persistedRows } from '../environment';
import { cpuMsOf, stopChild, type Launcher } from '../processes';
import { startService, stopWorkers, type Service } from '../service';
import type { Measure } from '../table';
import { measureDrain } from './drain';
import { measureSustained } from './sustained';

const WORKER_COUNTS = [1, 2, 4];
/** Rates the shard estimate is given for, events/s. */
const GIVEN_RATES = [10_000, 50_000];

interface Topology {
  name: 'single Redis' | '3-master cluster';
  env: Record<string, string>;
  stop(): Promise<void>;
}

async function singleRedis(): Promise<Topology> {
  const server: RedisServer = await startRedisServer();
  return { name: 'single Redis', env: { REDIS_URL: server.url }, stop: () => server.stop() };
}

async function cluster(): Promise<Topology> {
  const started: RedisCluster = await startRedisCluster();
  return { name: '3-master cluster', env: started.env, stop: () => started.stop() };
}

interface ServerCpu {
  port: number;
  /** Whether it serves the queues' slot (on one Redis: it serves everything). */
  queues: boolean;
  usPerEvent: number;
}

/** Each master's pid (INFO server), port, and whether it serves the queues' slot. */
async function redisServers(service: Service) {
  const { redis, keys } = service.env;
  const queueSlot = calculateSlot(keys.backlog('persist'));
  const ranges = isCluster(redis) ? await redis.cluster('SLOTS') : [];
  const queuePort = ranges.find(([from, to]) => queueSlot >= from && queueSlot <= to)?.[2]?.[1];
  return Promise.all(
    masters(redis).map(async (node) => {
      const info = await node.info('server');
      const field = (name: string) => Number(new RegExp(`^${name}:(\\d+)`, 'm').exec(info)?.[1]);
      const port = field('tcp_port');
      return {
        pid: field('process_id'),
        port,
        queues: queuePort === undefined || port === queuePort,
      };
    }),
  );
}

/** Per redis-server, µs of CPU per event over `work` (which ends with every event persisted). */
async function redisCpuPerEvent(
  service: Service,
  work: () => Promise<unknown>,
): Promise<ServerCpu[]> {
  const servers = await redisServers(service);
  const before = await Promise.all(servers.map(({ pid }) => cpuMsOf(pid)));
  const rowsBefore = await persistedRows(service.env);
  await work();
  const events = Math.max(1, (await persistedRows(service.env)) - rowsBefore);
  const after = await Promise.all(servers.map(({ pid }) => cpuMsOf(pid)));
  return servers.map(({ port, queues }, i) => ({
    port,
    queues,
    usPerEvent: ((after[i]! - before[i]!) * 1_000) / events,
  }));
}

async function measureTopology(
  ctx: BenchContext,
  launcher: Launcher,
  topology: Topology,
  concurrency: number,
): Promise<{ measures: Measure[]; redisUs: ServerCpu[] }> {
  const env = await openEnvironment(ctx.options.serviceEnv, topology.env);
  const service = await startService(launcher, env, ctx.options);
  const topologyCtx: BenchContext = { ...ctx, service };
  const measures: Measure[] = [];
  let redisUs: ServerCpu[] = [];
  try {
    for (const workers of WORKER_COUNTS) {
      const row = `9 ${topology.name}, ${workers} worker process${workers > 1 ? 'es' : ''}`;
      let sustained: Measure[] = [];
      const perServer = await redisCpuPerEvent(service, async () => {
        sustained = (await measureSustained(topologyCtx, workers, concurrency)).measures;
      });
      redisUs = perServer;
      const kept = ['accepted', 'folded', 'API CPU per event', 'workers CPU per event'];
      for (const measure of sustained.filter((m) => kept.includes(m.label))) {
        measures.push({ ...measure, row, target: undefined });
      }
      // Over the whole sustained run (warm-up and drain included), per event persisted.
      perServer.forEach((server, i) =>
        measures.push({
          row,
          label: `redis-server ${i + 1} CPU per event`,
          unit: 'µs',
          values: [server.usPerEvent],
          note: server.queues && perServer.length > 1 ? "serves the queues' slot" : undefined,
        }),
      );
      const drainOptions = {
        ...ctx.options,
        workers,
        runs: 1,
        drainEvents: ctx.options.quick ? 10_000 : 50_000,
      };
      const drained = (await measureDrain({ ...topologyCtx, options: drainOptions })).find(
        (m) => m.label === 'drained',
      );
      if (drained) measures.push({ ...drained, row, label: 'backlog drained', target: undefined });
      await stopWorkers(service);
    }
  } finally {
    await stopWorkers(service);
    await Promise.all([stopChild(service.api), stopChild(service.ref)]);
    await closeEnvironment(env);
  }
  return { measures, redisUs };
}

/**
 * What one shard carries, from the cluster's CPU per event. A redis-server runs commands on
 * one thread, so it saturates at 1 s of CPU per second. The recency data spreads over every
 * master: a master without the queues (`data`) spends its share of it, so the data's whole
 * cost per event is that times the masters; the queues' master spends as much on data plus
 * all of the queue work, which never spreads (one slot).
 */
function shardEstimate(redisUs: ServerCpu[]): Measure[] {
  const queues = redisUs.find((server) => server.queues);
  const data = redisUs.filter((server) => !server.queues);
  if (!queues || data.length === 0) return [];
  const dataShareUs = data.reduce((sum, server) => sum + server.usPerEvent, 0) / data.length;
  const dataUs = dataShareUs * redisUs.length;
  const queueUs = Math.max(queues.usPerEvent - dataShareUs, 0.01);
  const perDataShard = 1e6 / dataUs;
  const perQueueMaster = 1e6 / queueUs;
  const row = '9 shards, from the cluster at 4 worker processes';
  const needs = GIVEN_RATES.map((rate) => {
    // At half load, to leave room for bursts and for a resharding's extra work.
    const shards = Math.ceil((2 * rate) / perDataShard);
    const prefixes = Math.ceil((2 * rate) / perQueueMaster);
    return `${rate.toLocaleString('en-US')} events/s needs ${shards} data shard(s) and ${prefixes} queue prefix(es) (each on its own master) at half load`;
  });
  return [
    {
      row,
      label: 'one shard carries (recency data)',
      unit: 'events/s',
      values: [perDataShard],
      note: `${dataUs.toFixed(1)} µs of Redis CPU per event for the data in all; ${needs.join('; ')}`,
    },
    {
      row,
      label: "the queues' master carries (queues)",
      unit: 'events/s',
      values: [perQueueMaster],
      note: `${queueUs.toFixed(1)} µs per event for the queues (one slot: more needs another QUEUE_PREFIX, i.e. another deployment)`,
    },
  ];
}

export async function measureCluster(
  ctx: BenchContext,
  launcher: Launcher,
  concurrency: number,
): Promise<Measure[]> {
  const measures: Measure[] = [];
  let clusterUs: ServerCpu[] = [];
  for (const start of [singleRedis, cluster]) {
    const topology = await start();
    try {
      const result = await measureTopology(ctx, launcher, topology, concurrency);
      measures.push(...result.measures);
      if (topology.name === '3-master cluster') clusterUs = result.redisUs;
    } finally {
      await topology.stop();
    }
  }
  return [...measures, ...shardEstimate(clusterUs)];
}
