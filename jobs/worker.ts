/**
 * The worker process (`npm run start:worker`): runs the queues named in WORKER_QUEUES and,
 * on SIGTERM/SIGINT, finishes its active jobs (bounded by SHUTDOWN_TIMEOUT_MS) and exits 0.
 */
import { loadConfigOrExit } from '../src/config';
import { createLogger } from '../src/logger';
import { startWorkers } from './start-workers';

function main(): void {
  const config = loadConfigOrExit();
  const logger = createLogger(config, 'worker');
  const running = startWorkers(config, logger);
  logger.info(
    { queues: config.workerQueues, concurrency: config.workerConcurrency },
    'worker started',
  );

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'worker stopping');
    await running.close();
    logger.info('worker stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

main();
