/**
 * Every route of the API in one table (as bull-board lists its routes): method, path,
 * and the middleware chain that answers it. Handlers live one per file in src/handlers/.
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppDeps } from './app-deps';
import { parseJsonBody } from './http/parse-json-body';
import { requireWriteKey } from './http/require-write-key';
import { ingestEvent } from './handlers/ingest-event';
import { ingestBatch } from './handlers/ingest-batch';
import { getRecentlyViewed } from './handlers/get-recently-viewed';
import { getSessionInsights } from './handlers/get-session-insights';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handlers: Middleware[];
}

export const API_PREFIX = '/api/v1';

export function apiRoutes(deps: AppDeps): Route[] {
  const writeKey = requireWriteKey(deps.config.ingestKeys);
  return [
    {
      method: 'POST',
      path: '/ingest',
      handlers: [writeKey, parseJsonBody({ limit: '32kb' }), ingestEvent(deps.ingestion)],
    },
    {
      method: 'POST',
      path: '/ingest/batch',
      handlers: [writeKey, parseJsonBody({ limit: '1mb' }), ingestBatch(deps.ingestion)],
    },
    { method: 'GET', path: '/users/:user_id/recently-viewed', handlers: [getRecentlyViewed(deps)] },
    { method: 'GET', path: '/sessions/:session_id/insights', handlers: [getSessionInsights(deps)] },
  ];
}

export function buildRouter(routes: Route[], prefix = ''): Router {
  const router = new Router({ prefix });
  for (const { method, path, handlers } of routes) {
    router.register(path, [method], handlers);
  }
  return router;
}
