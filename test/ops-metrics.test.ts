/**
 * Prometheus metrics (SPEC §4.5): the API's /metrics after real traffic (HTTP, events by
 * outcome, queue gauges) and a worker's metrics listener after real jobs (duration,
 * failures, events persisted and folded, process metrics).
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import { EVENTS_JOB } from '../src/queue-names';
import { serveMetrics } from '../src/worker-metrics';
import { waitFor } from './helpers/http';
import { viewEvent } from './helpers/events';
import { startPipeline, type Pipeline } from './helpers/pipeline';

const pipelines: Pipeline[] = [];
test.after.always(async () => {
  for (const pipeline of pipelines) await pipeline.stop();
});

/** The value of one sample in Prometheus text format, or undefined when absent. */
function sample(
  text: string,
  name: string,
  labels: Record<string, string> = {},
): number | undefined {
  for (const line of text.split('\n')) {
    const match = /^([A-Za-z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const found = Object.fromEntries(
      Array.from((match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g), ([, key, value]) => [
        key,
        value,
      ]),
    );
    if (Object.entries(labels).every(([key, value]) => found[key] === value))
      return Number(match[3]);
  }
  return undefined;
}

test('the API exposes HTTP, event and queue metrics that follow the traffic', async (t) => {
  // No workers: the jobs stay waiting, so the queue gauges have something to show.
  const api = await startPipeline({}, { workers: false });
  pipelines.push(api);
  const accepted = 7;
  for (let i = 0; i < accepted; i += 1) {
    t.is((await api.request('POST', '/api/v1/ingest', { body: viewEvent() })).status, 202);
  }
  t.is(
    (await api.request('POST', '/api/v1/ingest', { body: viewEvent({ user_id: -1 }) })).status,
    422,
  );
  const repeated = viewEvent();
  const batch = await api.request('POST', '/api/v1/ingest/batch', {
    body: { events: [repeated, repeated, viewEvent({ event_type: 'NOPE' })] },
  });
  t.is(batch.status, 202);
  t.is(batch.body.duplicates, 1);

  const scrape = await api.request('GET', '/metrics');
  t.is(scrape.status, 200);
  t.regex(scrape.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  const text = scrape.text;

  t.is(sample(text, 'rti_ingest_events_total', { outcome: 'accepted' }), accepted + 1);
  t.is(sample(text, 'rti_ingest_events_total', { outcome: 'rejected' }), 2);
  t.is(sample(text, 'rti_ingest_events_total', { outcome: 'duplicate' }), 1);

  const ingest = { method: 'POST', route: '/api/v1/ingest', status: '202' };
  t.is(sample(text, 'rti_http_requests_total', ingest), accepted);
  t.is(sample(text, 'rti_http_request_duration_seconds_count', ingest), accepted);
  t.is(
    sample(text, 'rti_http_request_duration_seconds_bucket', { ...ingest, le: '+Inf' }),
    accepted,
  );
  t.true(sample(text, 'rti_http_request_duration_seconds_sum', ingest)! > 0);
  t.is(sample(text, 'rti_http_requests_total', { route: '/api/v1/ingest', status: '422' }), 1);

  // Each accepted request became at least one job per queue; nothing has processed them.
  for (const queue of ['persist', 'recency']) {
    const waiting = sample(text, 'rti_queue_jobs', { queue, state: 'waiting' })!;
    t.true(waiting >= 1 && waiting <= accepted + 1, `${queue} waiting: ${waiting}`);
    for (const state of ['active', 'delayed', 'failed', 'completed']) {
      t.is(sample(text, 'rti_queue_jobs', { queue, state }), 0, `${queue} ${state}`);
    }
    t.is(sample(text, 'rti_queue_backlog_events', { queue }), accepted + 1, `${queue} backlog`);
  }
  t.not(sample(text, 'process_cpu_user_seconds_total'), undefined);
});

test('a worker serves job duration, failures and events persisted and folded', async (t) => {
  const api = await startPipeline();
  pipelines.push(api);
  const metricsServer = await serveMetrics(api.workers!.metrics.registry, 0);
  t.teardown(() => metricsServer.close());
  const scrape = async () => {
    const response = await fetch(`http://127.0.0.1:${metricsServer.port}/metrics`);
    t.is(response.status, 200);
    return response.text();
  };

  const events = Array.from({ length: 40 }, () =>
    viewEvent({ user_id: 77, session_id: `s-${randomUUID()}` }),
  );
  t.is((await api.request('POST', '/api/v1/ingest/batch', { body: { events } })).status, 202);
  // A duplicate is processed again but neither persisted nor folded a second time.
  t.is((await api.request('POST', '/api/v1/ingest', { body: events[0] })).status, 202);
  const poison = await api.deps.queues.persist.add(EVENTS_JOB, { events: [{ event_id: 'nope' }] });

  // Idle queues first, then the scrape: every job has finished, and a processor records
  // its metrics before its job leaves the active list.
  const text = await waitFor(async () => {
    const idle = await Promise.all(
      Object.values(api.deps.queues).map(async (queue) => {
        const counts = await queue.getJobCounts('waiting', 'active');
        return counts.waiting === 0 && counts.active === 0;
      }),
    );
    if (idle.includes(false)) return undefined;
    const current = await scrape();
    const failed = sample(current, 'rti_worker_job_failures_total', {
      queue: 'persist',
      final: 'true',
    });
    return failed === undefined ? undefined : current;
  });

  t.is(sample(text, 'rti_worker_events_persisted_total'), events.length);
  t.is(sample(text, 'rti_worker_events_folded_total'), events.length);
  t.is((await api.db('web_events').count({ n: '*' }))[0]!.n, String(events.length));
  t.is(sample(text, 'rti_worker_job_failures_total', { queue: 'persist', final: 'true' }), 1);
  t.is(await api.deps.queues.persist.getJobState(poison.id!), 'failed');

  for (const queue of ['persist', 'recency']) {
    const completed = sample(text, 'rti_worker_job_duration_seconds_count', {
      queue,
      status: 'completed',
    })!;
    t.true(completed >= 2, `${queue} completed jobs: ${completed}`);
    t.true(
      sample(text, 'rti_worker_job_duration_seconds_sum', { queue, status: 'completed' })! > 0,
    );
  }
  t.is(
    sample(text, 'rti_worker_job_duration_seconds_count', { queue: 'persist', status: 'failed' }),
    1,
  );
  t.not(sample(text, 'process_resident_memory_bytes'), undefined);

  const elsewhere = await fetch(`http://127.0.0.1:${metricsServer.port}/`);
  t.is(elsewhere.status, 404);
});
