/**
 * The worker's Redis connection sends the commands of one turn of the event loop in one
 * socket write (src/redis.ts, `coalesceWrites`), on both topologies. Seen from Redis: the
 * commands of a turn arrive in one read (`total_reads_processed`, of servers of the test's
 * own), and each still gets its own answer, in order; commands of later turns go out too.
 */
import { Redis } from 'ioredis';
import { loadConfig } from '../src/config';
import { createWorkerRedis, masters, redisReady } from '../src/redis';
import { startRedisServer } from './helpers/faults';
import { testOnEachTopology } from './helpers/topologies';

const COMMANDS = 40;

/** Counts the reads Redis has processed from its clients, summed over the `nodes`. */
function readCounter(nodes: Redis[]) {
  // Connections of their own, opened once: each count then costs one read per node.
  const stats = nodes.map((node) => node.duplicate({ connectionName: 'rti-test-stats' }));
  return {
    async count(): Promise<number> {
      const infos = await Promise.all(stats.map((node) => node.info('stats')));
      return infos
        .map((info) => Number(/^total_reads_processed:(\d+)/m.exec(info)?.[1]))
        .reduce((a, b) => a + b, 0);
    },
    close: () => stats.forEach((node) => node.disconnect()),
  };
}

testOnEachTopology(
  'the commands of one turn leave in one write, each answered in order',
  async (t, topology) => {
    const clusterEnv = await topology.env();
    const server = 'REDIS_CLUSTER_NODES' in clusterEnv ? undefined : await startRedisServer();
    t.teardown(() => server?.stop());
    const redis = createWorkerRedis(
      loadConfig({ ...clusterEnv, REDIS_URL: server?.url ?? 'redis://127.0.0.1:6379' }),
    );
    t.teardown(() => redis.disconnect());
    await redisReady(redis);
    // One slot on a cluster ({t}), so the turn's commands go to one master.
    const key = `{t}:writes:${Date.now()}`;
    await redis.del(key);
    const nodes = masters(redis);
    const reads = readCounter(nodes);
    t.teardown(reads.close);

    const before = await reads.count();
    const answers = await Promise.all(
      Array.from({ length: COMMANDS }, (_, i) => redis.rpush(key, String(i))),
    );
    const taken = (await reads.count()) - before - nodes.length;

    t.deepEqual(
      answers,
      Array.from({ length: COMMANDS }, (_, i) => i + 1),
    );
    // The second count's INFOs are counted as they are read, and taken off above.
    t.true(taken <= 2, `${COMMANDS} commands of one turn took ${taken} reads`);

    // A command sent in a later turn, and from within an answer's continuation, still goes.
    await new Promise((resolve) => setImmediate(resolve));
    t.is(await redis.llen(key), COMMANDS);
    t.deepEqual(await redis.lrange(key, 0, 2), ['0', '1', '2']);
    await redis.del(key);
  },
);
