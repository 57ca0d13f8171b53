/**
 * Redis connections, shaped by the process's role (STYLE §9):
 * - the API's fail fast (no offline queue, a short command timeout) so that a dead
 *   Redis becomes a 503 within a second, never a hang and never a 202. The API has one
 *   for the queues (BullMQ defines its scripts on it), one for the producer that writes
 *   the jobs (src/queues.ts: each of its transactions copies only the scripts that add
 *   a job), and one for the lookups, which
 *   auto-pipelines: the lookups of one turn of the event loop leave in one socket write.
 *   Each write to an idle Redis costs a wake-up, the largest part of a lookup's CPU time,
 *   and an ioredis pipeline copies every script defined on its connection, which BullMQ's
 *   ~50 would make dearer than the write it saves. The recently-viewed cache adds two
 *   (src/tracked-cache.ts): its tracked reads, and the invalidations it subscribes to,
 *   which never resends a command from before a reconnect (a stale CLIENT ID or SUBSCRIBE);
 * - a worker's waits and retries forever (`maxRetriesPerRequest: null`), as BullMQ's
 *   blocking commands require, and resumes when Redis is back; it sends the commands of
 *   one turn of the event loop in one socket write (`coalesceWrites`).
 *
 * With REDIS_CLUSTER_NODES set, each of them is an ioredis `Cluster` with the same options
 * (they apply to its connection to every node); ioredis follows MOVED and ASK redirections
 * and reloads the slot map when a master fails over or comes back.
 */
import { once } from 'node:events';
import calculateSlot from 'cluster-key-slot';
import { Cluster, Redis, type RedisOptions } from 'ioredis';
import type { Config } from './config';

/** A connection to a single Redis or to a Redis Cluster; either serves every use. */
export type RedisClient = Redis | Cluster;

type Topology = Pick<Config, 'redisUrl' | 'redisClusterNodes'>;

const reconnect = (attempt: number) => Math.min(50 * 2 ** attempt, 2_000);

export type ApiConnection = 'queues' | 'producer' | 'lookups' | 'cache-reads' | 'invalidations';

function connect(config: Topology, options: RedisOptions): RedisClient {
  if (config.redisClusterNodes.length === 0) return new Redis(config.redisUrl, options);
  const { enableOfflineQueue, enableAutoPipelining, retryStrategy, ...perNode } = options;
  const cluster = new Cluster(config.redisClusterNodes, {
    redisOptions: perNode,
    clusterRetryStrategy: retryStrategy ?? undefined,
    enableOfflineQueue,
    enableAutoPipelining,
    // A failed-over or restarted master answers within a few hundred ms of its slots moving.
    retryDelayOnFailover: 200,
    retryDelayOnClusterDown: 200,
  });
  cluster.on('+node', (node: Redis) => node.on('ready', () => void loadScripts(cluster, node)));
  return cluster;
}

/**
 * Loads every script defined on the cluster client into a node that (re)connects. A master
 * restarted without a replica has an empty script cache, and ioredis sends a script inside
 * MULTI (BullMQ's enqueue) as EVALSHA to a connection it believes has it: without this,
 * each such transaction would fail with NOSCRIPT.
 */
async function loadScripts(cluster: Cluster, node: Redis): Promise<void> {
  const scripts = Object.values(
    (cluster as unknown as { scriptsSet: Record<string, { lua: string }> }).scriptsSet,
  );
  await Promise.all(scripts.map(({ lua }) => node.script('LOAD', lua))).catch(() => undefined);
}

const apiOptions = (use: ApiConnection): RedisOptions => ({
  enableOfflineQueue: false,
  maxRetriesPerRequest: 1,
  commandTimeout: 1_000,
  connectTimeout: 1_000,
  retryStrategy: reconnect,
  connectionName: use === 'queues' ? 'rti-api' : `rti-api-${use}`,
  enableAutoPipelining: use === 'lookups' || use === 'cache-reads',
  ...((use === 'cache-reads' || use === 'invalidations') && {
    autoResubscribe: false,
    autoResendUnfulfilledCommands: false,
  }),
});

export function createApiRedis(config: Topology, use: ApiConnection = 'queues'): RedisClient {
  return connect(config, apiOptions(use));
}

/** The recently-viewed cache's connections: single Redis only (src/tracked-cache.ts). */
export function createTrackingRedis(
  config: Pick<Config, 'redisUrl'>,
  use: 'cache-reads' | 'invalidations',
): Redis {
  return new Redis(config.redisUrl, apiOptions(use));
}

export function createWorkerRedis(config: Topology): RedisClient {
  const redis = connect(config, {
    maxRetriesPerRequest: null,
    retryStrategy: reconnect,
    connectionName: 'rti-worker',
  });
  if (isCluster(redis)) redis.on('+node', coalesceWrites);
  else coalesceWrites(redis);
  return redis;
}

/**
 * Sends the commands a connection is given in one turn of the event loop in one socket
 * write: the first corks the socket, and it is uncorked once the turn's callbacks and
 * promise continuations have run. A worker's batch finishes each of its jobs with a script
 * of BullMQ's and takes the next jobs in parallel rounds, many commands in one turn, and
 * each write to an idle Redis wakes it, a cost paid by both processes
 * (docs/performance.md, "One write per turn"). Unlike `enableAutoPipelining`, no ioredis
 * Pipeline is built (each copies every script defined on the connection, BullMQ's ~50).
 */
function coalesceWrites(redis: Redis): void {
  const send = redis.sendCommand.bind(redis);
  let corked: Redis['stream'] | undefined;
  redis.sendCommand = (command, stream) => {
    const socket = redis.stream;
    if (corked === undefined && stream === undefined && socket?.writable) {
      corked = socket;
      socket.cork();
      process.nextTick(() => {
        corked = undefined;
        socket.uncork();
      });
    }
    return send(command, stream);
  };
}

export const isCluster = (redis: RedisClient): redis is Cluster => redis instanceof Cluster;

/**
 * On a cluster, sends `transaction` (a MULTI not yet sent) whole to the master of `key`'s
 * slot, or throws when this client has no connection to that master; call it in the turn
 * that calls the transaction's `exec`. Left to itself, ioredis (5.x) routes each command
 * of a transaction on its own once that master has left its pool: each goes to a random
 * node, and one whose node is still connecting fails at once while the next ones go on. A
 * MULTI could then lose its first commands and still EXEC: jobs reported added that no
 * Redis holds (docs/redis-cluster.md, "Failover and resharding"). Pinned, every command
 * goes to that master's connection, which holds them while it connects. `preferKey` is the
 * pipeline's own field for the node a MOVED named. A single Redis needs none of this.
 */
export function pinToSlotMaster(redis: RedisClient, transaction: object, key: string): void {
  if (!isCluster(redis)) return;
  const owner = redis.slots[calculateSlot(key)]?.[0];
  const connected = redis
    .nodes('master')
    .some(({ options }) => `${options.host}:${options.port}` === owner);
  if (owner === undefined || !connected) {
    // Nothing else may ask for the slot while it fails: read the slot map again, so that
    // the master is connected once it is back (or its replacement is).
    redis.refreshSlotsCache();
    throw new Error(`no connection to the master of the queues' slot (${owner ?? 'unknown'})`);
  }
  (transaction as { preferKey?: string }).preferKey = owner;
}

/** The connections to every master: one for a single Redis, one per master of a cluster. */
export function masters(redis: RedisClient): Redis[] {
  return isCluster(redis) ? redis.nodes('master') : [redis];
}

/**
 * Redis's `maxmemory-policy`: anything but `noeviction` may silently drop queued jobs. On
 * a cluster every master is asked, and the first that says otherwise is the answer.
 */
export async function maxmemoryPolicy(redis: RedisClient): Promise<string> {
  const policies = await Promise.all(
    masters(redis).map(async (node) => {
      const reply = (await node.config('GET', 'maxmemory-policy')) as string[];
      return reply[1] ?? 'unknown';
    }),
  );
  return policies.find((policy) => policy !== 'noeviction') ?? policies[0] ?? 'unknown';
}

/**
 * Every key matching `pattern`, a page at a time, by SCAN on every master (a cluster's
 * SCAN sees one node's keys only). For the operators' and the tests' clean-ups and checks.
 */
export async function* scanKeys(redis: RedisClient, pattern: string): AsyncGenerator<string[]> {
  for (const node of masters(redis)) {
    let cursor = '0';
    do {
      const [next, keys] = await node.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) yield keys;
    } while (cursor !== '0');
  }
}

/** Deletes `keys`: at once on a single Redis, one UNLINK each on a cluster (many slots). */
export async function unlinkKeys(redis: RedisClient, keys: readonly string[]): Promise<void> {
  if (keys.length === 0) return;
  if (isCluster(redis)) await Promise.all(keys.map((key) => redis.unlink(key)));
  else await redis.unlink(...keys);
}

/**
 * Resolves when Redis answers: a PING on a single Redis; on a cluster, a node's word that
 * every slot is served (`cluster_state:ok`, which turns to fail once a master has been
 * unreachable for cluster-node-timeout) and a PING from every master.
 */
export async function redisAnswers(redis: RedisClient): Promise<void> {
  if (!isCluster(redis)) {
    await redis.ping();
    return;
  }
  const info = String(await redis.cluster('INFO'));
  if (!/^cluster_state:ok\b/m.test(info))
    throw new Error('Redis Cluster: some slots are not served');
  await Promise.all(redis.nodes('master').map((node) => node.ping()));
}

/**
 * Resolves when the connection is ready, rejects at its next error. The API's connection
 * has no offline queue, so a command sent while it (re)connects fails at once; a probe
 * waits for this first (under its own deadline) instead of reporting a connect in progress.
 */
export async function redisReady(redis: RedisClient): Promise<void> {
  if (redis.status !== 'ready') await once(redis, 'ready');
}
