/**
 * The API process: checks its admin credentials, opens its connections, listens on PORT,
 * and on SIGTERM/SIGINT drains (new requests get 503, in-flight ones finish), closes its
 * connections and exits 0.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { loadConfigOrExit, type Config } from './config';
import { createApp } from './app';
import { closeApiDeps, createApiDeps } from './app-deps';
import { checkRedisPolicyOrExit } from './check-redis-policy';
import { limitHeapGrowth } from './heap-growth';
import { createLogger, type Logger } from './logger';

/** SPEC §6: production never serves the dashboard and catalog mutations unprotected. */
function checkAdminCredentials(config: Config, logger: Logger): void {
  if (config.adminUser) return;
  if (config.isProduction) {
    process.stderr.write(
      'refusing to start: NODE_ENV=production requires ADMIN_USER and ADMIN_PASSWORD ' +
        '(they protect Bull Board and the catalog mutations)\n',
    );
    process.exit(1);
  }
  logger.warn(
    '!!! ADMIN_USER / ADMIN_PASSWORD are not set: Bull Board (/admin/queues) and the catalog ' +
      'mutations are OPEN to anyone who can reach this port. Set them before exposing it. !!!',
  );
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  limitHeapGrowth(config.heapGrowingPercent);
  const logger = createLogger(config, 'api');
  checkAdminCredentials(config, logger);
  await checkRedisPolicyOrExit(config, logger);
  const deps = createApiDeps(config, logger);
  const server = createServer(createApp(deps).callback());
  server.listen(config.port, () => {
    const { port } = server.address() as AddressInfo;
    logger.info({ port, basePath: config.basePath || '/' }, 'api listening');
  });

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    deps.drain.start();
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
