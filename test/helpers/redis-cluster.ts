/**
 * A private 3-master Redis Cluster on loopback ports, for the tests that run on both
 * topologies and the cluster's fault test: three redis-servers of the test's own
 * (`--cluster-enabled yes`, each with its nodes.conf in its temporary directory), joined
 * by `redis-cli --cluster create`. The machine's shared Redis is never touched.
 */
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import calculateSlot from 'cluster-key-slot';
import { Redis } from 'ioredis';
import { freePort, startRedisServer, type RedisServer } from './faults';
import { waitFor } from './http';

const run = promisify(execFile);

export interface RedisCluster {
  masters: RedisServer[];
  /** REDIS_CLUSTER_NODES for a config or a spawned process. */
  env: { REDIS_CLUSTER_NODES: string };
  /** The master that serves `key`'s slot. */
  masterOf(key: string): Promise<RedisServer>;
  /** Resolves once every master reports `cluster_state:ok`. */
  healthy(timeoutMs?: number): Promise<void>;
  /** Kills every master and removes their directories. */
  stop(): Promise<void>;
}

async function clusterInfo(port: number, command: 'INFO'): Promise<string>;
async function clusterInfo(
  port: number,
  command: 'SLOTS',
): Promise<Array<[number, number, [string, number]]>>;
async function clusterInfo(port: number, command: 'INFO' | 'SLOTS'): Promise<unknown> {
  const redis = new Redis(port, '127.0.0.1', {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
  });
  redis.on('error', () => undefined);
  try {
    await redis.connect();
    return await redis.call('CLUSTER', command);
  } finally {
    redis.disconnect();
  }
}

/**
 * Starts the cluster. `args` are extra options of every master, e.g.
 * `['--appendonly', 'yes', '--appendfsync', 'always']` so that a killed master comes back
 * with every write it acknowledged; `detached` as for startRedisServer.
 */
export async function startRedisCluster(
  args: string[] = [],
  { detached = false } = {},
): Promise<RedisCluster> {
  const masters: RedisServer[] = [];
  try {
    for (let i = 0; i < 3; i += 1) {
      // The cluster bus port is the client port + 10000 unless set: pick a free one too.
      const busPort = await freePort();
      masters.push(
        await startRedisServer(
          [
            '--cluster-enabled',
            'yes',
            '--cluster-config-file',
            'nodes.conf',
            '--cluster-port',
            String(busPort),
            // How long a master may stay silent before the others mark the cluster failed.
            '--cluster-node-timeout',
            '2000',
            ...args,
          ],
          { detached },
        ),
      );
    }
    const addresses = masters.map((master) => `127.0.0.1:${master.port}`);
    await run('redis-cli', ['--cluster', 'create', ...addresses, '--cluster-yes']);
  } catch (error) {
    await Promise.all(masters.map((master) => master.stop()));
    throw new Error(`cannot start a Redis Cluster (needed by this test): ${String(error)}`);
  }

  const cluster: RedisCluster = {
    masters,
    env: { REDIS_CLUSTER_NODES: masters.map((master) => `127.0.0.1:${master.port}`).join(',') },
    async masterOf(key) {
      const slot = calculateSlot(key);
      for (const master of masters) {
        const ranges = await clusterInfo(master.port, 'SLOTS').catch(() => undefined);
        const range = ranges?.find(([from, to]) => slot >= from && slot <= to);
        if (range) return masters.find((candidate) => candidate.port === range[2][1])!;
      }
      throw new Error(`no master serves slot ${slot}`);
    },
    async healthy(timeoutMs = 20_000) {
      await waitFor(async () => {
        const states = await Promise.all(
          masters.map((master) => clusterInfo(master.port, 'INFO').catch(() => '')),
        );
        return states.every((info) => info.includes('cluster_state:ok')) ? true : undefined;
      }, timeoutMs);
    },
    async stop() {
      await Promise.all(masters.map((master) => master.stop()));
    },
  };
  await cluster.healthy().catch(async (error: unknown) => {
    await cluster.stop();
    throw error;
  });
  return cluster;
}
