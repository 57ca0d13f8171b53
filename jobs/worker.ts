/**
 * The worker process (`npm run start:worker`): runs the queues named in WORKER_QUEUES,
 * serves its metrics on WORKER_METRICS_PORT and, on SIGTERM/SIGINT, finishes its active
 * jobs (bounded by SHUTDOWN_TIMEOUT_MS) and exits 0.
 */
import { checkRedisPolicyOrExit } from '../src/check-redis-policy';
import { loadConfigOrExit } from '../src/config';
import { limitHeapGrowth } from '../src/heap-growth';
import { createLogger } from '../src/logger';
import { serveMetrics, type MetricsServer } from '../src/worker-metrics';
import { startWorkers } from './start-workers';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  limitHeapGrowth(config.heapGrowingPercent);
  const logger = createLogger(config, 'worker');
  await checkRedisPolicyOrExit(config, logger);
  const running = startWorkers(config, logger);
  let metricsServer: MetricsServer | undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    await running.close();
    await metricsServer?.close();
    logger.info('worker stopped');
    process.exit(0);
  };
  // Before anything else is awaited: the workers already take jobs, so a SIGTERM from now
  // on must drain them, not kill them.
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));

  try {
    metricsServer = await serveMetrics(running.metrics.registry, config.workerMetricsPort);
  } catch (error) {
    logger.fatal(
      { err: (error as Error).message },
      `cannot serve metrics on WORKER_METRICS_PORT=${config.workerMetricsPort}`,
    );
    await running.close();
    process.exit(1);
  }
  logger.info(
    {
      queues: config.workerQueues,
      concurrency: config.workerConcurrency,
      metricsPort: metricsServer.port,
    },
    'worker started',
  );
}

void main();
