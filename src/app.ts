/**
 * createApp(deps) builds the Koa app and nothing else: it does not listen (the entry
 * point does) and it opens no connection (its deps arrive open), so tests drive
 * `app.callback()` or a real port with real dependencies.
 */
import Koa from 'koa';
import cors from '@koa/cors';
import type { AppDeps } from './app-deps';
import { handleErrors } from './http/handle-errors';
import { observeRequests } from './http/observe-requests';
import { API_PREFIX, apiRoutes, buildRouter } from './routes';

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  const api = buildRouter(apiRoutes(deps), API_PREFIX);
  const allowedOrigins = new Set(deps.config.corsOrigins);
  // Browsers may call the API routes from the storefront's origins, never the admin ones.
  const apiCors = cors({
    origin: (ctx) => {
      const origin = ctx.get('Origin');
      return allowedOrigins.has('*') || allowedOrigins.has(origin) ? origin : '';
    },
    allowMethods: ['GET', 'POST', 'PUT', 'DELETE'],
    allowHeaders: ['Content-Type', 'Authorization', 'X-Write-Key', 'X-Request-Id'],
    exposeHeaders: ['X-Request-Id', 'Retry-After'],
    maxAge: 86_400,
  });

  app.use(observeRequests(deps.logger, deps.metrics));
  app.use(handleErrors);
  app.use((ctx, next) => (ctx.path.startsWith(API_PREFIX) ? apiCors(ctx, next) : next()));
  app.use(api.routes());
  app.use(api.allowedMethods({ throw: true }));

  app.on('error', (error: Error) => deps.logger.error({ err: error }, 'unhandled error'));
  return app;
}
