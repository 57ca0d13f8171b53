/**
 * createApp(deps) builds the Koa app and nothing else: it does not listen (the entry
 * point does) and it opens no connection (its deps arrive open), so tests drive
 * `app.callback()` or a real port with real dependencies.
 */
import Koa, { type Middleware } from 'koa';
import cors from '@koa/cors';
import compose from 'koa-compose';
import mount from 'koa-mount';
import type { AppDeps } from './app-deps';
import { mountBoard } from './board/mount-board';
import { handleErrors } from './http/handle-errors';
import { observeRequests } from './http/observe-requests';
import { rejectWhileDraining } from './http/reject-while-draining';
import { opsRoutes } from './ops-routes';
import { serveDocs } from './openapi/serve-docs';
import { API_PREFIX, adminRoutes, buildRouter, catalogApiRoutes, serviceRoutes } from './routes';

export function createApp(deps: AppDeps): Koa {
  const app = new Koa();
  const service = buildRouter(serviceRoutes(deps), API_PREFIX);
  const catalog = buildRouter(catalogApiRoutes(deps), API_PREFIX);
  const ops = buildRouter(opsRoutes(deps));
  const admin = buildRouter(adminRoutes(deps), API_PREFIX);
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

  // Everything the service serves, answered under BASE_PATH: a proxy in front may forward
  // the prefix unchanged, and each route below is written without it (mount strips it).
  // The API's routes are told apart by their prefix first, so the hot paths (ingest,
  // lookups) do not walk the ops, docs and board routers on their way.
  const apiChain = compose([
    apiCors,
    service.routes(),
    catalog.routes(),
    // Either router's answers 405 for both: the routers add what they matched to ctx.matched.
    // It sets the status and the Allow header; handleErrors writes the body.
    catalog.allowedMethods(),
  ] as Middleware[]);
  const opsChain = compose([
    ops.routes(),
    serveDocs(deps),
    mountBoard(deps.config, { ...deps.queues, maintenance: deps.maintenance }),
  ] as Middleware[]);
  // The admin routes (erasures) never answer browsers: no CORS.
  const adminChain = compose([admin.routes(), admin.allowedMethods()] as Middleware[]);
  const ADMIN_PREFIX = `${API_PREFIX}/admin/`;
  const site: Middleware = (ctx, next) => {
    if (ctx.path.startsWith(ADMIN_PREFIX)) return adminChain(ctx, next);
    return ctx.path.startsWith(API_PREFIX) ? apiChain(ctx, next) : opsChain(ctx, next);
  };

  app.use(observeRequests(deps.logger, deps.metrics));
  app.use(handleErrors);
  app.use(rejectWhileDraining(deps.drain));
  app.use(mount(deps.config.basePath || '/', site));

  app.on('error', (error: Error) => deps.logger.error({ err: error }, 'unhandled error'));
  return app;
}
