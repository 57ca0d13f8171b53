/**
 * The service's configuration: the only reader of `process.env`.
 *
 * Every variable is declared once in `EnvSchema` (name, type, default, bounds) and
 * validated at start-up; a bad value throws a `ConfigError` naming the variable, and the
 * entry points turn that into a one-line message and exit status 1.
 */
import { Type, type Static } from '@sinclair/typebox';
import Ajv from 'ajv';
import { QUEUE_NAMES, type QueueName } from './queue-names';

const Int = (defaultValue: number, minimum: number, maximum = Number.MAX_SAFE_INTEGER) =>
  Type.Integer({ default: defaultValue, minimum, maximum });
const Bool = (defaultValue: boolean) => Type.Boolean({ default: defaultValue });

const EnvSchema = Type.Object({
  NODE_ENV: Type.Union(
    [Type.Literal('development'), Type.Literal('production'), Type.Literal('test')],
    {
      default: 'development',
    },
  ),
  LOG_LEVEL: Type.Union(
    ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'].map((level) =>
      Type.Literal(level),
    ),
    { default: 'info' },
  ),
  DATABASE_URL: Type.String({
    default: 'postgres://postgres@127.0.0.1:5432/postgres',
    pattern: '^postgres(ql)?://',
  }),
  DB_SCHEMA: Type.String({ default: 'game_store', pattern: '^[a-z_][a-z0-9_]{0,62}$' }),
  DB_POOL_MAX: Int(10, 1, 200),
  REDIS_URL: Type.String({ default: 'redis://127.0.0.1:6379', pattern: '^rediss?://' }),
  REDIS_CLUSTER_NODES: Type.String({ default: '' }),
  QUEUE_PREFIX: Type.String({ default: 'rti', pattern: '^[A-Za-z0-9_{}:.-]{1,64}$' }),
  PORT: Int(3000, 0, 65535),
  WORKER_QUEUES: Type.String({ default: QUEUE_NAMES.join(',') }),
  WORKER_CONCURRENCY: Int(4, 1, 256),
  WORKER_BATCH_MAX_JOBS: Int(32, 1, 1000),
  RECENCY_LINGER_MS: Int(30, 0, 60_000),
  PERSIST_LINGER_MS: Int(250, 0, 60_000),
  WORKER_LINGER_ADAPTIVE: Bool(true),
  WORKER_METRICS_PORT: Int(9100, 0, 65535),
  ADMIN_USER: Type.String({ default: '' }),
  ADMIN_PASSWORD: Type.String({ default: '' }),
  BULL_BOARD_READ_ONLY: Bool(false),
  BASE_PATH: Type.String({ default: '', pattern: '^(/[A-Za-z0-9._~-]+)*$' }),
  INGEST_KEYS: Type.String({ default: '' }),
  INGEST_MAX_BACKLOG: Int(1_000_000, 1),
  INGEST_LINGER_MS: Int(6, 0, 100),
  INGEST_LINGER_ADAPTIVE: Bool(true),
  INGEST_MAX_EVENTS_PER_JOB: Int(500, 1, 5000),
  INGEST_BATCH_CONCURRENCY: Int(8, 1, 1000),
  RECENTLY_VIEWED_MAX: Int(50, 1, 1000),
  RECENTLY_VIEWED_TTL_DAYS: Int(90, 1, 3650),
  RECENTLY_VIEWED_CACHE_SIZE: Int(20_000, 0, 10_000_000),
  CORS_ORIGINS: Type.String({ default: '' }),
  SHUTDOWN_TIMEOUT_MS: Int(10_000, 0, 600_000),
  HEAP_GROWING_PERCENT: Int(50, 0, 1000),
  RETENTION_MONTHS: Type.Optional(Type.Integer({ minimum: 1, maximum: 1200 })),
});

type Env = Static<typeof EnvSchema>;

export interface Config {
  nodeEnv: Env['NODE_ENV'];
  isProduction: boolean;
  logLevel: string;
  databaseUrl: string;
  dbSchema: string;
  dbPoolMax: number;
  redisUrl: string;
  /** Seed nodes of a Redis Cluster; when there are any, every connection is a cluster client. */
  redisClusterNodes: RedisNode[];
  /** On a cluster, always with a hash tag (all queue keys in one slot, see clusterPrefix). */
  queuePrefix: string;
  port: number;
  workerQueues: QueueName[];
  /** Batches in flight per queue per worker process. */
  workerConcurrency: number;
  /** The most jobs a worker takes into one batch. */
  workerBatchMaxJobs: number;
  /** Per queue, how old a batch's first job is before the worker takes the batch (ms). */
  workerLingerMs: Record<QueueName, number>;
  /** Take a batch before its linger is over when no other job is expected in time. */
  workerLingerAdaptive: boolean;
  workerMetricsPort: number;
  adminUser: string;
  adminPassword: string;
  bullBoardReadOnly: boolean;
  basePath: string;
  ingestKeys: string[];
  ingestMaxBacklog: number;
  /** The longest a batch of events waits for more before it is written. */
  ingestLingerMs: number;
  /** Write a batch earlier when no more events are expected within the linger. */
  ingestLingerAdaptive: boolean;
  ingestMaxEventsPerJob: number;
  /** Batch requests read, parsed and queued at once; the others wait (bounds the heap). */
  ingestBatchConcurrency: number;
  recentlyViewedMax: number;
  recentlyViewedTtlDays: number;
  /** Users whose recently-viewed lists the API keeps in memory, exact by Redis tracking (0: none). */
  recentlyViewedCacheSize: number;
  corsOrigins: string[];
  shutdownTimeoutMs: number;
  /** How far past its live size V8 lets the heap grow before a full GC (0: V8's own rule). */
  heapGrowingPercent: number;
  /** Months of history kept before the current one (whole monthly partitions); unset: all. */
  retentionMonths: number | undefined;
}

export interface RedisNode {
  host: string;
  port: number;
}

const list = (value: string) =>
  value
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/** `host:port,host:port` → the nodes; a ConfigError for an entry that is not host:port. */
function parseClusterNodes(value: string): RedisNode[] {
  return list(value).map((entry) => {
    const match = /^([^\s:]+|\[[0-9a-fA-F:]+\]):(\d{1,5})$/.exec(entry);
    const port = Number(match?.[2]);
    if (!match || port < 1 || port > 65535) {
      throw new ConfigError(
        `invalid environment: REDIS_CLUSTER_NODES must be host:port,host:port… (got "${entry}")`,
      );
    }
    return { host: match[1]!.replace(/^\[|\]$/g, ''), port };
  });
}

/**
 * The queue prefix on a cluster. A BullMQ queue's keys, and the backlog counters raised in
 * the same MULTI, must all hash to one slot: a prefix without a hash tag is wrapped in one
 * (`rti` → `{rti}`); a prefix with braces that do not make a tag is refused.
 */
export function clusterPrefix(prefix: string): string {
  const open = prefix.indexOf('{');
  if (open === -1 && !prefix.includes('}')) return `{${prefix}}`;
  const close = prefix.indexOf('}', open + 1);
  if (open === -1 || close <= open + 1) {
    throw new ConfigError(
      `invalid environment: QUEUE_PREFIX "${prefix}" must hold a non-empty {hash-tag} on Redis Cluster, or no braces at all`,
    );
  }
  return prefix;
}

const ajv = new Ajv({ useDefaults: true, coerceTypes: true, allErrors: true });
const validateEnv = ajv.compile<Env>(EnvSchema);

/** Reads and validates the environment; throws a ConfigError naming every bad variable. */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const known = Object.keys(EnvSchema.properties);
  const env: Record<string, string> = {};
  for (const name of known) {
    const value = source[name];
    if (value !== undefined && value !== '') env[name] = value;
  }
  if (!validateEnv(env)) {
    const problems = (validateEnv.errors ?? []).map(
      (error) => `${error.instancePath.slice(1)} ${error.message ?? 'is invalid'}`,
    );
    throw new ConfigError(`invalid environment: ${problems.join('; ')}`);
  }

  const workerQueues = list(env.WORKER_QUEUES);
  const unknownQueue = workerQueues.find((name) => !QUEUE_NAMES.includes(name as QueueName));
  if (unknownQueue !== undefined || workerQueues.length === 0) {
    throw new ConfigError(
      `invalid environment: WORKER_QUEUES must list some of ${QUEUE_NAMES.join(', ')} (got "${env.WORKER_QUEUES}")`,
    );
  }
  if ((env.ADMIN_USER === '') !== (env.ADMIN_PASSWORD === '')) {
    throw new ConfigError(
      'invalid environment: ADMIN_USER and ADMIN_PASSWORD must be set together',
    );
  }

  const redisClusterNodes = parseClusterNodes(env.REDIS_CLUSTER_NODES);

  return {
    nodeEnv: env.NODE_ENV,
    isProduction: env.NODE_ENV === 'production',
    logLevel: env.LOG_LEVEL,
    databaseUrl: env.DATABASE_URL,
    dbSchema: env.DB_SCHEMA,
    dbPoolMax: env.DB_POOL_MAX,
    redisUrl: env.REDIS_URL,
    redisClusterNodes,
    queuePrefix: redisClusterNodes.length > 0 ? clusterPrefix(env.QUEUE_PREFIX) : env.QUEUE_PREFIX,
    port: env.PORT,
    workerQueues: workerQueues as QueueName[],
    workerConcurrency: env.WORKER_CONCURRENCY,
    workerBatchMaxJobs: env.WORKER_BATCH_MAX_JOBS,
    workerLingerMs: { persist: env.PERSIST_LINGER_MS, recency: env.RECENCY_LINGER_MS },
    workerLingerAdaptive: env.WORKER_LINGER_ADAPTIVE,
    workerMetricsPort: env.WORKER_METRICS_PORT,
    adminUser: env.ADMIN_USER,
    adminPassword: env.ADMIN_PASSWORD,
    bullBoardReadOnly: env.BULL_BOARD_READ_ONLY,
    basePath: env.BASE_PATH,
    ingestKeys: list(env.INGEST_KEYS),
    ingestMaxBacklog: env.INGEST_MAX_BACKLOG,
    ingestLingerMs: env.INGEST_LINGER_MS,
    ingestLingerAdaptive: env.INGEST_LINGER_ADAPTIVE,
    ingestMaxEventsPerJob: env.INGEST_MAX_EVENTS_PER_JOB,
    ingestBatchConcurrency: env.INGEST_BATCH_CONCURRENCY,
    recentlyViewedMax: env.RECENTLY_VIEWED_MAX,
    recentlyViewedTtlDays: env.RECENTLY_VIEWED_TTL_DAYS,
    recentlyViewedCacheSize: env.RECENTLY_VIEWED_CACHE_SIZE,
    corsOrigins: list(env.CORS_ORIGINS),
    shutdownTimeoutMs: env.SHUTDOWN_TIMEOUT_MS,
    heapGrowingPercent: env.HEAP_GROWING_PERCENT,
    retentionMonths: env.RETENTION_MONTHS,
  };
}

/** For entry points: the config, or a one-line message on stderr and exit status 1. */
export function loadConfigOrExit(): Config {
  try {
    return loadConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
}
