/**
 * The ingest linger (src/ingest/linger.ts, src/ingest/enqueue-events.ts): events that come
 * close together share a job, a lone event is still written and folded with no traffic
 * after it, and an API stopped while a batch lingers writes it before it exits. The
 * linger's decisions are checked on their own with given arrival times; the pipeline
 * tests assert what happened, never how long it took.
 */
import test from 'ava';
import type { Queue } from 'bullmq';
import { Linger } from '../src/ingest/linger';
import { signal, spawnApi } from './helpers/faults';
import { waitFor } from './helpers/http';
import { startPipeline } from './helpers/pipeline';
import { killIfRunning } from './helpers/processes';
import { viewEvent } from './helpers/events';
import { sleep } from './helpers/workload';

/** A linger fed `gapMs`-spaced arrivals from t = 0 until `until`; returns the last arrival. */
function steady(linger: Linger, gapMs: number, until: number): number {
  let t = 0;
  for (; t <= until; t += gapMs) linger.arrived(1, t);
  return t - gapMs;
}

test('linger: a lone event after a pause goes at once; steady traffic waits for the next event', (t) => {
  const lone = new Linger(8, true);
  lone.arrived(1, 10_000);
  t.true(lone.nothingMoreBy(10_000 + 8, 10_000), 'nothing is expected within the ceiling');

  const busy = new Linger(8, true);
  const last = steady(busy, 2, 1_000); // 500 events/s: four more within 8 ms
  t.false(busy.nothingMoreBy(last + 8, last), 'the next event is due before the deadline');
  t.true(busy.nothingMoreBy(last + 1, last), 'but not before a deadline 1 ms away');
});

test('linger: a burst that has ended is written before the ceiling, steady traffic waits for it', (t) => {
  const burst = new Linger(20, true);
  for (let i = 0; i < 50; i++) burst.arrived(1, 1_000 + i * 0.01);
  const end = 1_000 + 49 * 0.01;
  const wait = burst.waitFor(1_000 + 20, end);
  t.true(wait > 0 && wait < 20, `looks again before the deadline (${wait} ms)`);
  t.is(burst.waitFor(1_000 + 20, end + 5), 0, 'no event for a while after the burst: write now');

  const steadyLinger = new Linger(20, true);
  const last = steady(steadyLinger, 1, 1_000);
  t.not(steadyLinger.waitFor(last + 20, last + 0.5), 0, 'between two steady events: keep waiting');
  t.is(steadyLinger.waitFor(last, last), 0, 'at the deadline: write');
});

test('linger: heavy traffic waits only as long as a full job takes; light traffic the whole ceiling', (t) => {
  const heavy = new Linger(6, true);
  steady(heavy, 0.05, 100); // 20,000 events/s
  t.true(heavy.lingerMs() < 6, `${heavy.lingerMs()} ms`);
  const light = new Linger(6, true);
  steady(light, 1, 1_000); // 1,000 events/s
  t.is(light.lingerMs(), 6);
  t.is(new Linger(6, false).lingerMs(), 6, 'not adaptive: always the ceiling');
});

test('linger: a target count bounds the wait by the time that many arrivals take', (t) => {
  // The workers' recency linger counts events (jobs/start-workers.ts): 6 of them.
  const light = new Linger(30, true, 6);
  steady(light, 5, 1_000); // 200 events/s
  t.is(Math.round(light.lingerMs()), 30, 'light traffic: the ceiling');
  const busy = new Linger(30, true, 6);
  for (let at = 0; at <= 1_000; at += 7) busy.arrived(7, at); // jobs of 7, 1,000 events/s
  t.is(Math.round(busy.lingerMs()), 6, 'as long as 6 events take');
  t.is(new Linger(30, true, Infinity).lingerMs(), 30, 'no target: the ceiling alone');
});

test('linger: without adaptive, a batch waits for its deadline and only that', (t) => {
  const fixed = new Linger(8, false);
  fixed.arrived(1, 10_000);
  t.false(fixed.nothingMoreBy(10_008, 10_000));
  t.is(fixed.waitFor(10_008, 10_000), 8);
  t.is(fixed.waitFor(10_008, 10_008), 0);
});

const recencyJobs = async (queue: Queue) =>
  (await queue.getJobs(['completed'])).map((job) => (job.data as { events: unknown[] }).events);

test('under a light steady load, jobs carry more than one event', async (t) => {
  // A ceiling far above the gaps, so that a busy machine's late timers still leave them under it.
  const api = await startPipeline({ INGEST_LINGER_MS: '100' });
  t.teardown(() => api.stop());
  // About 200 events/s, each request sent without waiting for the one before (open loop).
  const answers: Array<Promise<number>> = [];
  for (let i = 0; i < 90; i++) {
    answers.push(
      api.request('POST', '/api/v1/ingest', { body: viewEvent() }).then((a) => a.status),
    );
    await sleep(5);
  }
  t.deepEqual(new Set(await Promise.all(answers)), new Set([202]));
  const jobs = await waitFor(async () => {
    const events = await recencyJobs(api.deps.queues.recency);
    const total = events.reduce((sum, job) => sum + job.length, 0);
    return total === 90 ? events : undefined;
  });
  t.true(
    jobs.some((events) => events.length > 1),
    `events per job: ${jobs.map((events) => events.length).join(', ')}`,
  );
});

for (const adaptive of ['true', 'false']) {
  test(`a lone event is answered and folded with no traffic after it (adaptive ${adaptive})`, async (t) => {
    const api = await startPipeline({ INGEST_LINGER_MS: '50', INGEST_LINGER_ADAPTIVE: adaptive });
    t.teardown(() => api.stop());
    const user = 4_242;
    const answer = await api.request('POST', '/api/v1/ingest', {
      body: viewEvent({ user_id: user, game_id: 17 }),
    });
    t.is(answer.status, 202);
    const items = await waitFor(async () => {
      const lookup = await api.request('GET', `/api/v1/users/${user}/recently-viewed`);
      const listed = (lookup.body as { items: Array<{ game_id: number }> }).items;
      return listed.length > 0 ? listed : undefined;
    });
    t.deepEqual(
      items.map((item) => item.game_id),
      [17],
    );
  });
}

test('an API stopped while a batch lingers writes it before it exits', async (t) => {
  const env = await startPipeline({}, { workers: false });
  // A long fixed linger: the last requests are still waiting on it when the signal comes,
  // however late a loaded machine's timers fire (the adaptive one may close every batch
  // early then). The shutdown path is the same with either.
  const api = await spawnApi(env.config, {
    INGEST_LINGER_MS: '100',
    INGEST_LINGER_ADAPTIVE: 'false',
  });
  t.teardown(async () => {
    killIfRunning(api);
    await env.stop();
  });
  const sent: Array<{ id: string; status: Promise<number>; answeredAfterSignal?: boolean }> = [];
  let signalled = false;
  const send = () => {
    const event = viewEvent();
    const entry: (typeof sent)[number] = {
      id: event.event_id as string,
      status: Promise.resolve(0),
    };
    entry.status = fetch(`${api.url}/api/v1/ingest`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(event),
    }).then(
      async (answer) => {
        await answer.arrayBuffer();
        entry.answeredAfterSignal = signalled;
        return answer.status;
      },
      () => 0,
    );
    sent.push(entry);
    return entry;
  };
  for (let i = 0; i < 60; i++) {
    send();
    await sleep(10);
  }
  // Once the last request is answered no batch is open; the next request opens one, and
  // the signal comes 10 ms into its 100 ms linger.
  await sent.at(-1)!.status;
  send();
  await sleep(10);
  signalled = true;
  const exit = await signal(api, 'SIGTERM');
  t.deepEqual(exit, { code: 0, signal: null }, `api stderr: ${api.stderr()}`);
  const statuses = await Promise.all(sent.map((entry) => entry.status));
  const accepted = sent.filter((_, i) => statuses[i] === 202);
  t.true(
    accepted.some((entry) => entry.answeredAfterSignal),
    'some requests were still waiting on their batch when the signal came',
  );
  const stored = new Set<string>(await env.db('web_events').pluck('event_id'));
  t.is(stored.size, 0, 'no worker ran: the events are queued, not stored');
  const queued = await env.deps.queues.persist.getJobs(['waiting']);
  const ids = new Set(
    queued.flatMap((job) =>
      (job.data as { events: Array<{ event_id: string }> }).events.map((e) => e.event_id),
    ),
  );
  t.deepEqual(
    accepted.filter((entry) => !ids.has(entry.id)).map((entry) => entry.id),
    [],
    'every 202 is queued',
  );
});
