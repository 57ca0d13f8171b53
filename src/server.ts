/**
 * The API process: opens its connections, listens on PORT, and on SIGTERM/SIGINT stops
 * accepting, lets in-flight requests finish, closes its connections and exits 0.
 */
import { createServer } from 'node:http';
import { loadConfigOrExit } from './config';
import { createApp } from './app';
import { closeApiDeps, createApiDeps } from './app-deps';

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const deps = createApiDeps(config);
  const { logger } = deps;
  const server = createServer(createApp(deps).callback());
  server.listen(config.port, () => logger.info({ port: config.port }, 'api listening'));

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'api stopping');
    const timer = setTimeout(() => {
      logger.warn('shutdown timed out; closing remaining connections');
      server.closeAllConnections();
    }, config.shutdownTimeoutMs);
    timer.unref();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeIdleConnections();
    await closed;
    await closeApiDeps(deps);
    logger.info('api stopped');
    process.exit(0);
  };
  process.on('SIGTERM', () => void stop('SIGTERM'));
  process.on('SIGINT', () => void stop('SIGINT'));
}

void main();
