/**
 * The two Redis topologies the service runs on, for the tests that must hold on both
 * (the same bodies, the same reference model): the machine's single Redis, and a private
 * 3-master Redis Cluster, started once per test file when a test first asks for it and
 * removed when the test process exits: its servers are killed then (test/helpers/faults.ts)
 * and their directories removed here. Not in an `after` hook: AVA runs those side by side,
 * and the file's own, which remove its keys, need the cluster up.
 * A test takes its topology's `env` into its config.
 */
import { rmSync } from 'node:fs';
import test, { type ExecutionContext } from 'ava';
import { startRedisCluster, type RedisCluster } from './redis-cluster';

export interface Topology {
  name: 'single Redis' | 'Redis Cluster';
  /** The environment that points a config (or a spawned process) at this topology. */
  env(): Promise<Record<string, string>>;
  /** `title`, labelled with the topology, for one registration per topology. */
  title(title: string): string;
}

let shared: Promise<RedisCluster> | undefined;
let started: RedisCluster | undefined;

/** The test file's cluster, started on first use. */
export function sharedCluster(): Promise<RedisCluster> {
  shared ??= startRedisCluster([], { detached: true }).then((cluster) => (started = cluster));
  return shared;
}

process.once('exit', () => {
  for (const master of started?.masters ?? []) {
    rmSync(master.dir, { recursive: true, force: true, maxRetries: 3 });
  }
});

const single: Topology = {
  name: 'single Redis',
  env: async () => ({}),
  title: (title) => `${title} [single Redis]`,
};

const cluster: Topology = {
  name: 'Redis Cluster',
  env: async () => (await sharedCluster()).env,
  title: (title) => `${title} [Redis Cluster]`,
};

/** Both topologies: register a test body once for each. */
export const topologies = (): readonly Topology[] => [single, cluster];

/** Registers `body` as one test per topology, the topology's name added to `title`. */
export function testOnEachTopology(
  title: string,
  body: (t: ExecutionContext, topology: Topology) => Promise<void>,
  { serial = false } = {},
): void {
  for (const topology of topologies()) {
    (serial ? test.serial : test)(topology.title(title), (t) => body(t, topology));
  }
}
