/**
 * The queues' shared settings: job options (set by the producer, the API) and worker
 * options (retry schedule, stall detection), so both sides read one definition.
 */
import {
  FlowProducer,
  Job,
  Queue,
  type FlowJob,
  type IRedisTransaction,
  type JobJson,
  type JobNode,
  type JobsOptions,
  type WorkerOptions,
} from 'bullmq';
import { pinToSlotMaster, type RedisClient } from './redis';
import { MAINTENANCE_QUEUE, QUEUE_NAMES, type QueueName } from './queue-names';
import type { RedisKeys } from './redis-keys';

export const BACKOFF_TYPE = 'capped-exponential';
const BACKOFF_BASE_MS = 1_000;
const BACKOFF_CAP_MS = 60_000;

/**
 * 30 attempts: 1 s, 2 s, 4 s … then every 60 s, ≈ 24 minutes in all, so a job outlives a
 * database outage of well over ten minutes before it is moved to the failed set.
 */
export const JOB_OPTIONS: JobsOptions = {
  attempts: 30,
  backoff: { type: BACKOFF_TYPE },
  // A few recent completed jobs for the dashboard; each holds its events, up to 500 of them.
  removeOnComplete: { count: 100, age: 3_600 },
  // Exhausted jobs are the dead-letter queue: kept until an operator retries or removes them.
  removeOnFail: false,
};

/** The delay before retry number `attemptsMade`: doubling from 1 s, capped at 60 s, ±10 % jitter. */
export function retryDelay(attemptsMade: number): number {
  const delay = Math.min(BACKOFF_BASE_MS * 2 ** Math.max(0, attemptsMade - 1), BACKOFF_CAP_MS);
  return Math.round(delay * (0.9 + Math.random() * 0.2));
}

/**
 * Stall detection: a worker killed mid-job leaves its lock to expire (10 s); another
 * worker's check (every 5 s) puts the job back in the wait list. Every job is safe to run
 * twice, so a job may stall many times (a crash loop) before it is failed, not just once.
 */
export const WORKER_OPTIONS: Omit<WorkerOptions, 'connection' | 'concurrency' | 'prefix'> = {
  lockDuration: 10_000,
  stalledInterval: 5_000,
  maxStalledCount: 50,
  settings: { backoffStrategy: (attemptsMade: number) => retryDelay(attemptsMade) },
};

/**
 * For the queues and the producer, which never block: BullMQ's check of the Redis version
 * (an `INFO` as each object starts) is skipped; the workers still make it. On the API's
 * cluster connection, which has no offline queue, an `INFO` that a slot refresh had held
 * back could fail after its object had closed, with nothing left to catch the error.
 * (BullMQ then assumes Redis 5, and reads a job's state with its Lua fallbacks: the same
 * answers.)
 */
const WITHOUT_VERSION_CHECK = { skipVersionCheck: true } as const;

/** The data object the last job encoded, and its encoding. */
let lastEncoded: { data: object; json: string } | undefined;

/**
 * A Job that reuses the encoding of the job added just before it when both carry the same
 * data object. The API adds each batch to both queues with the same `{ events }` object,
 * one job right after the other, and BullMQ encodes a job's data as it adds the job
 * (`Job#asJSON`), so every batch was encoded twice, a large share of the API's CPU on
 * batch ingest (docs/performance.md#one-encoding-per-batch). Only the last encoding is kept: a WeakMap of
 * them kept each batch's string until a full GC, and made single events dearer. (asJSON is
 * synchronous, so the data it sees unset is never seen by anyone else.)
 */
class EncodeOnceJob<Data = unknown, Result = unknown, Name extends string = string> extends Job<
  Data,
  Result,
  Name
> {
  override asJSON(): JobJson {
    const { data } = this;
    if (typeof data !== 'object' || data === null) return super.asJSON();
    if (lastEncoded?.data !== data) lastEncoded = { data, json: JSON.stringify(data) };
    const { json } = lastEncoded;
    (this as { data: unknown }).data = undefined;
    try {
      return { ...super.asJSON(), data: json };
    } finally {
      this.data = data;
    }
  }
}

/**
 * The API's producer: one atomic add of a batch's jobs to both queues (`addBulk`: one
 * MULTI/EXEC), which also raises each queue's backlog counter by the job's events
 * (src/ingest/backlog.ts). In the same transaction, no worker can settle a job its counter
 * has not counted, and a write that fails leaves neither jobs nor counts behind.
 *
 * The transaction counts as written only when EXEC answers every command in it without an
 * error. BullMQ's addBulk skips a job whose reply is missing and never reads the counters'
 * replies: either would be a 202 for events that no queue holds, or no counter counts.
 */
class BatchProducer extends FlowProducer {
  constructor(
    private readonly redis: RedisClient,
    prefix: string,
    private readonly serviceKeys: RedisKeys,
  ) {
    super({ connection: redis, prefix, ...WITHOUT_VERSION_CHECK });
    // Once BullMQ has defined its scripts on the connection (the producer's own).
    this.waitUntilReady().then(() => keepTransactionScripts(redis), ignoreError);
  }

  protected override get Job(): typeof Job {
    return EncodeOnceJob;
  }

  protected override async addNodes(
    multi: IRedisTransaction,
    nodes: FlowJob[],
  ): Promise<JobNode[]> {
    const added = await super.addNodes(multi, nodes);
    // After the jobs: addBulk reads the jobs' replies from the front of EXEC's answer.
    for (const { queueName, data } of nodes) {
      const events = (data as { events: unknown[] }).events.length;
      multi.runCommand('incrby', [this.serviceKeys.backlog(queueName), events]);
    }
    // EXEC answers one reply per job added, then one per counter.
    sendOnce(multi, added.length + nodes.length, () =>
      pinToSlotMaster(this.redis, multi, this.serviceKeys.backlog(nodes[0]!.queueName)),
    );
    return added;
  }
}

const ignoreError = () => undefined;

/** The scripts a job's add may run (BullMQ's Job#addJob, by the job's options). */
const JOB_ADD_SCRIPTS = new Set([
  'addStandardJob',
  'addDelayedJob',
  'addPrioritizedJob',
  'addParentJob',
]);

/**
 * Leaves on `redis` only the scripts that add a job for its transactions to copy. ioredis
 * copies every script defined on a connection into each MULTI it builds: with BullMQ's 52
 * that took 40–57 µs per batch, 9–12 µs with these four (docs/performance.md,
 * "Transactions that copy four scripts"). The scripts stay callable on the connection
 * itself; a MULTI built on it can add jobs and nothing else, and on a cluster only these
 * are loaded into a master that comes back (src/redis.ts).
 */
function keepTransactionScripts(redis: RedisClient): void {
  const { scriptsSet } = redis as unknown as { scriptsSet: Record<string, unknown> };
  for (const name of Object.keys(scriptsSet)) {
    // BullMQ names each script `<name>:<its version>`.
    if (!JOB_ADD_SCRIPTS.has(name.split(':')[0]!)) delete scriptsSet[name];
  }
}

type ExecReplies = Awaited<ReturnType<IRedisTransaction['exec']>>;

/**
 * Has `multi` sent once and judged by its replies. BullMQ's addBulk calls `exec` as soon as
 * addNodes resolves, so `beforeSend` runs in the turn that sends it. On a cluster ioredis
 * calls `exec` again to resend a transaction whose connection closed, or that a node
 * refused (CLUSTERDOWN, MOVED): the second call fails the write instead (the client gets
 * its 503 and sends again), since a resend is routed command by command.
 */
function sendOnce(multi: IRedisTransaction, commands: number, beforeSend: () => void): void {
  const exec = multi.exec.bind(multi);
  let sent = false;
  multi.exec = async () => {
    if (sent) {
      (multi as unknown as { reject(error: Error): void }).reject(
        new Error('the transaction failed where it was sent'),
      );
      return null;
    }
    sent = true;
    beforeSend();
    return assertAllAnswered(await exec(), commands);
  };
}

function assertAllAnswered(replies: ExecReplies, commands: number): ExecReplies {
  if (replies?.length !== commands) {
    throw new Error(`the transaction answered ${replies?.length ?? 'nothing'} of ${commands}`);
  }
  const failed = replies.find(([error]) => error);
  if (failed) throw failed[0]!;
  return replies;
}

/** `connection` must be the producer's own: its transactions lose every other script. */
export function createFlowProducer(
  connection: RedisClient,
  prefix: string,
  keys: RedisKeys,
): FlowProducer {
  return new BatchProducer(connection, prefix, keys);
}

export function createQueues(connection: RedisClient, prefix: string): Record<QueueName, Queue> {
  const entries = QUEUE_NAMES.map((name) => [
    name,
    new Queue(name, { connection, prefix, ...WITHOUT_VERSION_CHECK }),
  ]);
  return Object.fromEntries(entries) as Record<QueueName, Queue>;
}

/** Maintenance jobs retry as event jobs do, and leave a short history for the dashboard. */
export const MAINTENANCE_JOB_OPTIONS: JobsOptions = {
  ...JOB_OPTIONS,
  removeOnComplete: { count: 100 },
  removeOnFail: { count: 100 },
};

export function createMaintenanceQueue(connection: RedisClient, prefix: string): Queue {
  return new Queue(MAINTENANCE_QUEUE, { connection, prefix, ...WITHOUT_VERSION_CHECK });
}
