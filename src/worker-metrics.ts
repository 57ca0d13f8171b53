/**
 * Prometheus metrics of a worker process (SPEC §4.5): job duration and failures by queue,
 * jobs per batch, events persisted and folded, the process's default metrics, and the
 * small HTTP listener that serves them on WORKER_METRICS_PORT (a worker has no other HTTP
 * surface).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Histogram, Registry } from 'prom-client';
import { collectProcessMetrics } from './metrics';

export function createWorkerMetrics() {
  const registry = new Registry();
  collectProcessMetrics(registry);
  const registers = [registry];
  return {
    registry,
    jobDuration: new Histogram({
      name: 'rti_worker_job_duration_seconds',
      help: 'Time to process one job (one batch of events), by queue and outcome',
      labelNames: ['queue', 'status'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    }),
    batchJobs: new Histogram({
      name: 'rti_worker_batch_jobs',
      help: 'Jobs a worker took into one batch (one write per store), by queue',
      labelNames: ['queue'] as const,
      buckets: [1, 2, 4, 8, 16, 32, 64, 128],
      registers,
    }),
    jobFailures: new Counter({
      name: 'rti_worker_job_failures_total',
      help: 'Failed job attempts by queue; final="true" when the job went to the failed set',
      labelNames: ['queue', 'final'] as const,
      registers,
    }),
    eventsPersisted: new Counter({
      name: 'rti_worker_events_persisted_total',
      help: 'Events newly written to web_events (duplicates not counted)',
      registers,
    }),
    partitionsCreated: new Counter({
      name: 'rti_worker_history_partitions_created_total',
      help: 'Monthly partitions of web_events created by partition maintenance',
      registers,
    }),
    partitionsDropped: new Counter({
      name: 'rti_worker_history_partitions_dropped_total',
      help: 'Monthly partitions of web_events dropped by retention (RETENTION_MONTHS)',
      registers,
    }),
    rowsExpired: new Counter({
      name: 'rti_worker_history_rows_expired_total',
      help: 'Rows of web_events removed with the partitions retention dropped',
      registers,
    }),
    erasures: new Counter({
      name: 'rti_worker_erasures_total',
      help: 'Erasures of one user carried out to the end',
      registers,
    }),
    eventsFolded: new Counter({
      name: 'rti_worker_events_folded_total',
      help: 'Events newly folded into Redis recency data (duplicates not counted)',
      registers,
    }),
  };
}

export type WorkerMetrics = ReturnType<typeof createWorkerMetrics>;

export interface MetricsServer {
  port: number;
  close(): Promise<void>;
}

/** Serves `GET /metrics` from `registry` on `port` (0: any free port, for tests). */
export async function serveMetrics(registry: Registry, port: number): Promise<MetricsServer> {
  const server: Server = createServer((request, response) => {
    if (request.method !== 'GET' || request.url?.split('?')[0] !== '/metrics') {
      response
        .writeHead(404, { 'Content-Type': 'text/plain' })
        .end('Not found: try GET /metrics\n');
      return;
    }
    registry.metrics().then(
      (text) => response.writeHead(200, { 'Content-Type': registry.contentType }).end(text),
      (error: Error) =>
        response.writeHead(500, { 'Content-Type': 'text/plain' }).end(`${error.message}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
