/**
 * The system under test, as the bench runs it: the API process, the bare Koa reference
 * process, and a pool of worker processes that rows start and stop. The service's
 * processes get the bench's schema and queue prefix, LOG_LEVEL=warn, and the `--env`
 * overrides; the reference gets only its port.
 */
import path from 'node:path';
import { freePort } from '../test/helpers/faults';
import type { BenchEnvironment } from './environment';
import type { BenchOptions } from './options';
import {
  REFERENCE_ENTRY,
  RESULTS_DIR,
  startChild,
  stopChild,
  waitForHttp,
  type Child,
  type Launcher,
} from './processes';
import { sleep } from './stats';

/** A worker process and where it serves its Prometheus metrics. */
export interface WorkerChild extends Child {
  metricsUrl: string;
}

export interface Service {
  env: BenchEnvironment;
  apiUrl: string;
  api: Child;
  refUrl: string;
  ref: Child;
  workers: WorkerChild[];
  start: (name: string, entry: string, env: Record<string, string>) => Promise<Child>;
}

export async function startService(
  launcher: Launcher,
  env: BenchEnvironment,
  options: BenchOptions,
): Promise<Service> {
  // One folder per process: V8 writes one profile per thread (tsx adds a loader thread).
  const profile = (name: string) =>
    options.cpuProf
      ? ['--cpu-prof', `--cpu-prof-dir=${path.join(RESULTS_DIR, 'profiles', name)}`]
      : [];
  const start = (name: string, entry: string, extra: Record<string, string>) =>
    startChild(launcher, name, entry, env.serviceEnv(extra), profile(name));

  const [apiPort, refPort] = [await freePort(), await freePort()];
  const [api, ref] = await Promise.all([
    start('api', 'src/server.ts', { PORT: String(apiPort) }),
    // The reference gets none of the --env overrides (NODE_OPTIONS included).
    startChild(
      launcher,
      'bare-koa',
      REFERENCE_ENTRY,
      { PORT: String(refPort) },
      profile('bare-koa'),
    ),
  ]);
  const apiUrl = `http://127.0.0.1:${apiPort}`;
  const refUrl = `http://127.0.0.1:${refPort}`;
  await Promise.all([waitForHttp(`${apiUrl}/healthz`, api), waitForHttp(`${refUrl}/lookup`, ref)]);
  return { env, apiUrl, api, refUrl, ref, workers: [], start };
}

let generation = 0;

/** Starts `count` worker processes and waits until each serves both queues. */
export async function startWorkers(
  service: Service,
  count: number,
  extraEnv: Record<string, string> = {},
): Promise<void> {
  generation += 1;
  for (let i = 1; i <= count; i++) {
    const port = await freePort();
    const env = { ...extraEnv, WORKER_METRICS_PORT: String(port) };
    const child = await service.start(`worker-${generation}-${i}`, 'jobs/worker.ts', env);
    service.workers.push({ ...child, metricsUrl: `http://127.0.0.1:${port}/metrics` });
  }
  const deadline = Date.now() + 30_000;
  for (const queue of Object.values(service.env.queues)) {
    while ((await queue.getWorkersCount()) < service.workers.length) {
      if (Date.now() > deadline) throw new Error('worker processes did not connect within 30 s');
      await sleep(50);
    }
  }
}

export async function stopWorkers(service: Service): Promise<void> {
  await Promise.all(service.workers.map((worker) => stopChild(worker)));
  service.workers = [];
}

/** Makes sure exactly `count` worker processes run (rows 4–6 share them). */
export async function ensureWorkers(service: Service, count: number): Promise<void> {
  if (service.workers.length === count) return;
  await stopWorkers(service);
  await startWorkers(service, count);
}

export interface WorkerCounts {
  /** Events newly folded into Redis (rti_worker_events_folded_total). */
  folded: number;
  /** Recency jobs completed (the count of rti_worker_job_duration_seconds). */
  recencyJobs: number;
}

/** The running worker processes' own counters, summed (read from their /metrics). */
export async function workerCounts(service: Service): Promise<WorkerCounts> {
  const read = async (worker: WorkerChild): Promise<WorkerCounts> => {
    const text = await (await fetch(worker.metricsUrl)).text();
    const value = (pattern: RegExp) => {
      const match = pattern.exec(text)?.[1];
      if (match === undefined) throw new Error(`${worker.name}'s metrics lack ${pattern.source}`);
      return Number(match);
    };
    return {
      folded: value(/^rti_worker_events_folded_total (\S+)/m),
      recencyJobs: value(
        /^rti_worker_job_duration_seconds_count\{[^}]*queue="recency"[^}]*status="completed"[^}]*\} (\S+)/m,
      ),
    };
  };
  const counts = await Promise.all(service.workers.map(read));
  return {
    folded: counts.reduce((sum, c) => sum + c.folded, 0),
    recencyJobs: counts.reduce((sum, c) => sum + c.recencyJobs, 0),
  };
}
