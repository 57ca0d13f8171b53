/**
 * The workers take their jobs in batches (jobs/batch-worker.ts): jobs waiting together are
 * processed as one batch and still each completed with its own result; a job that can never
 * succeed fails alone, the rest of its batch is stored; a worker stopped while a batch
 * lingers processes that batch before it closes; a paused worker takes nothing until it is
 * resumed; with the adaptive linger a lone job does not wait for it, a backlog still forms
 * batches, and a steady trickle is batched without waiting out a long recency linger, and
 * asks Redis for at most one job more than is waiting; the queue's marker is cleared only
 * when nothing waits. Outcomes only, never how long they took.
 */
import test, { type ExecutionContext } from 'ava';
import type { Job, RedisClient } from 'bullmq';
import { BatchWorker } from '../jobs/batch-worker';
import { queueMarkerClearer } from '../jobs/clear-queue-marker';
import { startWorkers, type RunningWorkers } from '../jobs/start-workers';
import type { Config } from '../src/config';
import { createLogger } from '../src/logger';
import { EVENTS_JOB, QUEUE_NAMES, type QueueName } from '../src/queue-names';
import { JOB_OPTIONS, WORKER_OPTIONS } from '../src/queues';
import { createWorkerRedis } from '../src/redis';
import { queuedEventAt } from './helpers/events';
import { waitFor } from './helpers/http';
import { startPipeline, type Pipeline } from './helpers/pipeline';
import { failedJobs, waitForDrain } from './helpers/queue-state';

const NOW = new Date().toISOString();

/** A pipeline whose workers the test starts itself, once its jobs are queued. */
async function pipelineWithoutWorkers(
  t: { teardown(fn: () => Promise<void>): void },
  env: Record<string, string>,
) {
  const api = await startPipeline(env, { workers: false });
  let workers: RunningWorkers | undefined;
  let closed: Promise<void> | undefined;
  const stopWorkers = () => (closed ??= workers?.close() ?? Promise.resolve());
  t.teardown(async () => {
    await stopWorkers();
    await api.stop();
  });
  return {
    api,
    startWorkers: (config: Config = api.config) =>
      (workers = startWorkers(config, createLogger(config, 'test-worker'))),
    stopWorkers,
  };
}

/** Adds one job holding `events` to each queue, as the API would. */
async function addToBoth(api: Pipeline, events: unknown[]): Promise<Record<QueueName, Job>> {
  const jobs = await Promise.all(
    QUEUE_NAMES.map((name) => api.deps.queues[name].add(EVENTS_JOB, { events }, JOB_OPTIONS)),
  );
  return Object.fromEntries(QUEUE_NAMES.map((name, i) => [name, jobs[i]!])) as Record<
    QueueName,
    Job
  >;
}

/**
 * A recency worker of the test's own, one batch at a time, whose processor records each
 * batch's size; closed when the test ends.
 */
function recordingWorker(
  t: ExecutionContext,
  api: Pipeline,
  lingerMs: number,
  Worker: typeof BatchWorker = BatchWorker,
) {
  const queue = api.deps.queues.recency;
  const redis = createWorkerRedis(api.config);
  const batchSizes: number[] = [];
  const worker = new Worker(
    queue.name,
    async (jobs) => {
      batchSizes.push(jobs.length);
      return jobs.map(() => ({ result: 'done' }));
    },
    {
      ...WORKER_OPTIONS,
      connection: redis,
      prefix: api.config.queuePrefix,
      batch: { lingerMs, maxJobs: 32, batches: 1 },
    },
  );
  t.teardown(async () => {
    await worker.close();
    redis.disconnect();
  });
  return { queue, redis, worker, batchSizes };
}

const rowCount = async (api: Pipeline) =>
  Number((await api.db('web_events').count({ n: '*' }))[0]!.n);

/** Jobs per batch the workers recorded for `queue`: how many batches, holding how many jobs. */
async function batches(workers: RunningWorkers, queue: QueueName) {
  const { values } = await workers.metrics.batchJobs.get();
  const value = (name: string) =>
    values.find((v) => v.metricName === name && v.labels.queue === queue)?.value ?? 0;
  return {
    batches: value('rti_worker_batch_jobs_count'),
    jobs: value('rti_worker_batch_jobs_sum'),
  };
}

/**
 * True once a worker of each queue of `queues` waits on the queue's marker: BullMQ names its
 * blocking connection after the prefix and the queue, and Redis flags a blocked client `b`.
 */
async function workersWaiting(
  api: Pipeline,
  queues: readonly QueueName[] = QUEUE_NAMES,
): Promise<boolean> {
  const clients = String(await api.deps.redis.client('LIST')).split('\n');
  return queues.every((name) => {
    const connection = `${api.config.queuePrefix}:${Buffer.from(name).toString('base64')}`;
    return clients.some(
      (client) => client.includes(` name=${connection} `) && /\bflags=\w*b/.test(client),
    );
  });
}

test('jobs waiting together are taken as one batch, each completed with its own result', async (t) => {
  const { api, startWorkers } = await pipelineWithoutWorkers(t, {
    PERSIST_LINGER_MS: '0',
    RECENCY_LINGER_MS: '0',
  });
  const queued = [];
  for (let i = 0; i < 5; i++) {
    const events = [1, 2].map(() => queuedEventAt(NOW, { user_id: 100 + i, session_id: `s${i}` }));
    queued.push(await addToBoth(api, events));
  }
  const workers = startWorkers();
  await waitForDrain(api.deps.queues);

  t.is(await rowCount(api), 10);
  for (const jobs of queued) {
    const [persisted, folded] = await Promise.all([
      api.deps.queues.persist.getJob(jobs.persist.id!),
      api.deps.queues.recency.getJob(jobs.recency.id!),
    ]);
    t.deepEqual(persisted?.returnvalue, { inserted: 2 });
    t.deepEqual(folded?.returnvalue, { applied: 2 });
  }
  for (const queue of QUEUE_NAMES) {
    const taken = await batches(workers, queue);
    t.is(taken.jobs, 5, `${queue}: every job went through a batch`);
    t.true(taken.batches < taken.jobs, `${queue}: ${taken.batches} batches held more than one job`);
  }
});

test('a job PostgreSQL refuses fails alone; the rest of its batch is stored', async (t) => {
  const { api, startWorkers } = await pipelineWithoutWorkers(t, { PERSIST_LINGER_MS: '0' });
  const good = [queuedEventAt(NOW), queuedEventAt(NOW)];
  const poison = queuedEventAt(NOW, { filters_applied: { q: 'a\u0000b' } });
  const companion = queuedEventAt(NOW);
  const add = (events: unknown[]) =>
    api.deps.queues.persist.add(EVENTS_JOB, { events }, JOB_OPTIONS);
  const first = await add([good[0]]);
  const refused = await add([poison, companion]);
  const last = await add([good[1]]);
  startWorkers();
  await waitForDrain(api.deps.queues);

  const failed = await failedJobs(api.deps.queues);
  t.is(failed.persist!.length, 1);
  t.regex(
    failed.persist![0]!,
    new RegExp(`^${refused.id}: 1 of 2 events rejected by PostgreSQL: ${poison.event_id}`),
  );
  for (const job of [first, last]) {
    t.deepEqual((await api.deps.queues.persist.getJob(job.id!))?.returnvalue, { inserted: 1 });
  }
  const stored = await api.db('web_events').pluck('event_id');
  t.deepEqual(stored.sort(), [good[0]!, good[1]!, companion].map((e) => e.event_id).sort());
});

test('a worker stopped while its batch lingers processes the batch before it closes', async (t) => {
  // A linger far longer than the test: only the stop can end it.
  const { api, startWorkers, stopWorkers } = await pipelineWithoutWorkers(t, {
    PERSIST_LINGER_MS: '60000',
    RECENCY_LINGER_MS: '60000',
    // Else a lone job is taken at once (the test below).
    WORKER_LINGER_ADAPTIVE: 'false',
  });
  startWorkers();
  await waitFor(async () => (await workersWaiting(api)) || undefined);
  const jobs = await addToBoth(api, [queuedEventAt(NOW), queuedEventAt(NOW)]);
  // The worker has taken each queue's marker and lingers; the job waits to be taken with
  // its batch, locked by no one meanwhile.
  await waitFor(async () => {
    const markers = await Promise.all(
      QUEUE_NAMES.map((name) => api.deps.redis.zcard(api.deps.queues[name].keys.marker!)),
    );
    return markers.every((count) => count === 0) || undefined;
  });
  for (const name of QUEUE_NAMES) {
    t.is(await (await api.deps.queues[name].getJob(jobs[name].id!))?.getState(), 'waiting', name);
  }
  await stopWorkers();

  t.is(await rowCount(api), 2);
  for (const name of QUEUE_NAMES) {
    t.is(await (await api.deps.queues[name].getJob(jobs[name].id!))?.getState(), 'completed', name);
  }
});

test('with the adaptive linger a lone job is processed at once, whatever the linger', async (t) => {
  // A linger far longer than the test: nothing but the adaptive rule can end it.
  const { api, startWorkers } = await pipelineWithoutWorkers(t, {
    PERSIST_LINGER_MS: '60000',
    RECENCY_LINGER_MS: '60000',
  });
  const workers = startWorkers();
  const jobs = await addToBoth(api, [queuedEventAt(NOW), queuedEventAt(NOW)]);
  await waitForDrain(api.deps.queues);

  t.is(await rowCount(api), 2);
  for (const name of QUEUE_NAMES) {
    t.deepEqual(
      await (await api.deps.queues[name].getJob(jobs[name].id!))?.getState(),
      'completed',
    );
    t.deepEqual(await batches(workers, name), { batches: 1, jobs: 1 }, name);
  }
});

test('with the adaptive linger a backlog is still taken in batches', async (t) => {
  const { api, startWorkers } = await pipelineWithoutWorkers(t, {
    PERSIST_LINGER_MS: '1000',
    RECENCY_LINGER_MS: '1000',
  });
  for (let i = 0; i < 40; i++) await addToBoth(api, [queuedEventAt(NOW, { user_id: 100 + i })]);
  const workers = startWorkers();
  await waitForDrain(api.deps.queues);

  t.is(await rowCount(api), 40);
  for (const queue of QUEUE_NAMES) {
    const taken = await batches(workers, queue);
    t.is(taken.jobs, 40, `${queue}: every job went through a batch`);
    t.true(taken.batches < taken.jobs, `${queue}: ${taken.batches} batches held more than one job`);
  }
});

test('a steady trickle of recency jobs is batched, each batch waiting for a few jobs only', async (t) => {
  // The recency linger is spent only where it gathers: a batch waits for a few events at the
  // rate they come (start-workers.ts, TARGET_EVENTS), not for the ceiling. Waiting for the
  // ceiling (500 ms here), the batches of this 2–3 s trickle held ~25 jobs; with it, ~7.
  const { api, startWorkers } = await pipelineWithoutWorkers(t, { RECENCY_LINGER_MS: '500' });
  const workers = startWorkers();
  const queue = api.deps.queues.recency;
  const jobs = 500;
  for (let i = 0; i < jobs; i++) {
    const events = [queuedEventAt(NOW, { user_id: 200 + (i % 50) })];
    await queue.add(EVENTS_JOB, { events }, JOB_OPTIONS);
    await new Promise((resolve) => setTimeout(resolve, 4));
  }
  await waitForDrain(api.deps.queues);

  t.is(
    (await queue.getJobCounts('completed')).completed,
    Math.min(jobs, 100),
    'kept: the last 100',
  );
  const taken = await batches(workers, 'recency');
  t.is(taken.jobs, jobs);
  const perBatch = taken.jobs / taken.batches;
  t.log(`${taken.batches} batches, ${perBatch.toFixed(1)} jobs each`);
  t.true(
    perBatch > 1 && perBatch < 12,
    `${taken.batches} batches, ${perBatch.toFixed(1)} jobs each`,
  );
});

test('a batch asks Redis for at most one job more than is waiting', async (t) => {
  // Each fetch that finds no job is a script call wasted in Redis. Batches of three jobs,
  // one after the other: a batch asking for as many as the last one took, then twice as
  // many because all came back, made four such calls per batch.
  const { api } = await pipelineWithoutWorkers(t, {});
  let emptyFetches = 0;
  class CountingWorker extends BatchWorker {
    protected override async moveToActive(client: RedisClient, token: string, name?: string) {
      const job = await super.moveToActive(client, token, name);
      if (job === undefined) emptyFetches += 1;
      return job;
    }
  }
  const { queue, batchSizes } = recordingWorker(t, api, 200, CountingWorker);

  const rounds = 4;
  for (let round = 1; round <= rounds; round++) {
    const events = [queuedEventAt(NOW)];
    await queue.addBulk(
      [1, 2, 3].map(() => ({ name: EVENTS_JOB, data: { events }, opts: JOB_OPTIONS })),
    );
    // Once the three are completed: a finishing job takes the next waiting one, and that
    // would start the next batch with its jobs already taken.
    await waitFor(async () =>
      ((await queue.getJobCounts('completed')).completed ?? 0) >= 3 * round ? true : undefined,
    );
  }

  t.deepEqual(batchSizes, Array(rounds).fill(3), 'each batch took the three jobs waiting');
  t.true(emptyFetches <= rounds, `${emptyFetches} fetches found no job in ${rounds} batches`);
});

test('a worker paused while its batch lingers processes that batch, then takes nothing until resumed', async (t) => {
  // As BullMQ's own loop: pause() waits for the batch loop to end, and resume() starts it
  // again. The job the marker announced is taken and processed, as on close.
  const { api } = await pipelineWithoutWorkers(t, {});
  const { queue, redis, worker, batchSizes } = recordingWorker(t, api, 1_000);
  const count = async (state: 'waiting' | 'completed') =>
    (await queue.getJobCounts(state))[state] ?? 0;
  const add = (jobs: number) =>
    queue.addBulk(
      Array.from({ length: jobs }, () => ({
        name: EVENTS_JOB,
        data: { events: [queuedEventAt(NOW)] },
        opts: JOB_OPTIONS,
      })),
    );

  await waitFor(async () => (await workersWaiting(api, ['recency'])) || undefined);
  await add(1);
  // The worker has taken the marker and lingers; the job still waits.
  await waitFor(async () => ((await redis.zcard(queue.keys.marker!)) === 0 ? true : undefined));
  t.is(await count('waiting'), 1);
  await worker.pause();
  t.true(worker.isPaused());
  t.false(worker.isRunning(), 'the batch loop has ended');
  t.is(await count('completed'), 1, 'the lingering batch was processed');

  await add(3);
  t.is(await count('waiting'), 3, 'a paused worker takes nothing');
  worker.resume();
  await waitFor(async () => ((await count('completed')) === 4 ? true : undefined));
  t.deepEqual(batchSizes, [1, 3], 'the three jobs added while paused made one batch');
});

test('the queue marker is cleared only when no job is waiting, and a delay marker is kept', async (t) => {
  // BullMQ sets the marker again each time it takes a job; a worker that took them all
  // clears it, so that its blocking fetch waits for a new job (clear-queue-marker.lua).
  const { api } = await pipelineWithoutWorkers(t, {});
  const queue = api.deps.queues.recency;
  const marker = queue.keys.marker!;
  const clear = await queueMarkerClearer(queue);
  await queue.add(EVENTS_JOB, { events: [queuedEventAt(NOW)] }, JOB_OPTIONS);

  t.is(await clear(), 0, 'a job is waiting');
  t.not(await api.deps.redis.zscore(marker, '0'), null);

  await queue.drain();
  const delayedUntil = Date.now() + 60_000;
  await api.deps.redis.zadd(marker, 0, '0', delayedUntil, '1');
  t.is(await clear(), 1, 'nothing waits');
  t.is(await api.deps.redis.zscore(marker, '0'), null);
  t.is(Number(await api.deps.redis.zscore(marker, '1')), delayedUntil);
});
