/**
 * Graceful shutdown (SPEC §7) of real, spawned processes: a worker sent SIGTERM with jobs
 * in hand finishes them and exits 0, losing and doubling nothing; the API sent SIGTERM
 * stops accepting connections, finishes the request in flight and exits 0.
 */
import test from 'ava';
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { createLogger } from '../src/logger';
import { startWorkers } from '../jobs/start-workers';
import { viewEvent } from './helpers/events';
import { waitFor } from './helpers/http';
import { startPipeline, type Pipeline } from './helpers/pipeline';
import { envFor, killIfRunning, spawnEntry, type Spawned } from './helpers/processes';

const pipelines: Pipeline[] = [];
const spawned: Spawned[] = [];
test.after.always(async () => {
  spawned.forEach(killIfRunning);
  for (const pipeline of pipelines) await pipeline.stop();
});

async function rowCounts(api: Pipeline): Promise<{ rows: number; distinct: number }> {
  const [row] = await api
    .db('web_events')
    .select(
      api.db.raw('count(*)::int as rows'),
      api.db.raw('count(distinct event_id)::int as distinct'),
    );
  return row;
}

test('a worker sent SIGTERM finishes its active jobs, exits 0, and every event is stored once', async (t) => {
  // Small jobs, many of them: the worker is sure to be in the middle of some at SIGTERM.
  const api = await startPipeline({ INGEST_MAX_EVENTS_PER_JOB: '10' }, { workers: false });
  pipelines.push(api);
  const total = 4_000;
  for (let sent = 0; sent < total; sent += 500) {
    const events = Array.from({ length: 500 }, () => viewEvent());
    // As a client does: a 503 (a busy machine can miss the 1 s enqueue deadline) is resent.
    const answer = await waitFor(async () => {
      const attempt = await api.request('POST', '/api/v1/ingest/batch', { body: { events } });
      return attempt.status === 503 ? undefined : attempt;
    });
    t.is(answer.status, 202);
    t.is(answer.body.accepted, 500);
  }

  const worker = spawnEntry(
    'jobs/worker.ts',
    envFor(api.config, {
      WORKER_METRICS_PORT: '0',
      WORKER_CONCURRENCY: '8',
      SHUTDOWN_TIMEOUT_MS: '30000',
    }),
  );
  spawned.push(worker);
  await waitFor(async () => ((await rowCounts(api)).rows > 0 ? true : undefined), 30_000);
  worker.child.kill('SIGTERM');

  t.deepEqual(await worker.exited, { code: 0, signal: null });
  const messages = worker.logs.map((line) => line.msg);
  t.true(messages.includes('worker stopping'));
  t.true(messages.includes('worker stopped'));
  t.false(
    messages.some((message) => /timed out/.test(message)),
    'no job was abandoned',
  );
  for (const queue of Object.values(api.deps.queues)) {
    // A job abandoned mid-way would still sit in the active list (until its lock expires).
    const counts = await queue.getJobCounts('active', 'failed');
    t.deepEqual(counts, { active: 0, failed: 0 }, queue.name);
  }
  const atExit = await rowCounts(api);
  t.log(`${atExit.rows} of ${total} events stored when the worker exited`);

  // What the stopped worker did not take is still queued: another worker finishes it.
  const rest = startWorkers(api.config, createLogger(api.config, 'test-worker'));
  try {
    await waitFor(async () => ((await rowCounts(api)).rows >= total ? true : undefined), 60_000);
    await waitFor(async () => {
      const counts = await api.deps.queues.recency.getJobCounts('waiting', 'active', 'delayed');
      return Object.values(counts).every((count) => count === 0) ? true : undefined;
    }, 60_000);
  } finally {
    await rest.close();
  }
  t.deepEqual(await rowCounts(api), { rows: total, distinct: total });
});

interface Answer {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

test('the API sent SIGTERM refuses new connections, finishes the request in flight and exits 0', async (t) => {
  const api = await startPipeline({}, { workers: false });
  pipelines.push(api);
  const server = spawnEntry('src/server.ts', envFor(api.config, { PORT: '0' }));
  spawned.push(server);
  const { port } = (await server.waitForLog((line) => line.msg === 'api listening')) as unknown as {
    port: number;
  };
  // Outside production, missing admin credentials are allowed, and said loudly.
  t.true(
    server.logs.some((line) => line.level === 40 && /ADMIN_USER \/ ADMIN_PASSWORD/.test(line.msg)),
  );

  // Expect: 100-continue makes the server confirm it has the request before the body is sent,
  // so the request is certainly in flight when the signal arrives.
  const body = JSON.stringify(viewEvent());
  const inFlight = httpRequest({
    host: '127.0.0.1',
    port,
    method: 'POST',
    path: '/api/v1/ingest',
    headers: {
      'content-type': 'application/json',
      'content-length': Buffer.byteLength(body),
      expect: '100-continue',
    },
  });
  const answered = new Promise<Answer>((resolve, reject) => {
    inFlight.on('response', (response) => {
      let text = '';
      response.setEncoding('utf8').on('data', (chunk: string) => (text += chunk));
      response.on('end', () =>
        resolve({ status: response.statusCode!, headers: response.headers, body: text }),
      );
    });
    inFlight.on('error', reject);
  });
  await new Promise<void>((resolve) => {
    inFlight.on('continue', () => resolve());
    inFlight.flushHeaders();
  });

  server.child.kill('SIGTERM');
  await server.waitForLog((line) => line.msg === 'api stopping');
  await t.throwsAsync(
    fetch(`http://127.0.0.1:${port}/healthz`),
    undefined,
    'no new connection is accepted',
  );

  inFlight.end(body);
  const answer = await answered;
  const answerBody = JSON.parse(answer.body);
  t.is(answer.headers.connection, 'close');
  t.deepEqual(await server.exited, { code: 0, signal: null });
  t.true(server.logs.some((line) => line.msg === 'api stopped'));

  // Answered by its handler, not turned away by the drain: a 202 whose event really is
  // queued, or, on a machine too busy to enqueue within the 1 s deadline, ingestion's own 503.
  if (answer.status === 202) {
    t.is(answerBody.status, 'accepted');
    const counts = await api.deps.queues.persist.getJobCounts('waiting');
    t.is(counts.waiting, 1);
  } else {
    t.is(answer.status, 503);
    t.regex(answerBody.error.message, /event queue/);
  }
});
