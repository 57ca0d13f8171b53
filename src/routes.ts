/**
 * Every route of the API in one table (as bull-board lists its routes): method, path, the
 * middleware chain that answers it, and its documentation — built from the same schemas
 * that validate it, it is what /openapi.json and /docs show (src/openapi/). Handlers live
 * one per file in src/handlers/.
 */
import Router from '@koa/router';
import type { Middleware } from 'koa';
import type { AppDeps } from './app-deps';
import { catalogRoutes } from './catalog/catalog-routes';
import { games } from './catalog/games';
import { genres } from './catalog/genres';
import { publishers } from './catalog/publishers';
import { users } from './catalog/users';
import { createErasure, ErasureBody } from './handlers/create-erasure';
import { CustomerInsightsQuery, getCustomerInsights } from './handlers/get-customer-insights';
import { ErasureParams, getErasure } from './handlers/get-erasure';
import {
  getRecentlyViewed,
  RecentlyViewedParams,
  RecentlyViewedQuery,
} from './handlers/get-recently-viewed';
import { getSessionInsights, SessionParams } from './handlers/get-session-insights';
import { ingestBatch } from './handlers/ingest-batch';
import { ingestEvent } from './handlers/ingest-event';
import { limitConcurrency } from './http/limit-concurrency';
import { parseJsonBody } from './http/parse-json-body';
import { requireAdmin } from './http/require-admin';
import { requireWriteKey } from './http/require-write-key';
import { CustomerInsights } from './insights/customer-insights';
import {
  BatchAccepted,
  ErasureAnswer,
  IngestAccepted,
  RecentlyViewed,
  SessionInsights,
} from './openapi/answer-schemas';
import {
  BATCH_EXAMPLES,
  INGEST_EXAMPLES,
  IngestBatchBody,
  IngestEventBody,
} from './openapi/ingest-docs';
import { failure, failures, json, type RouteDoc } from './openapi/route-doc';

export interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  path: string;
  handlers: Middleware[];
  doc: RouteDoc;
}

export const API_PREFIX = '/api/v1';

// What the ingestion routes read: JSON, or text/plain holding JSON (navigator.sendBeacon).
const INGEST_TYPES = ['application/json', 'text/plain'];

/** Every route under API_PREFIX: what /openapi.json documents. */
export function apiRoutes(deps: AppDeps): Route[] {
  return [...serviceRoutes(deps), ...catalogApiRoutes(deps), ...adminRoutes(deps)];
}

/**
 * Ingestion, lookups and insights: the routes under load. They get a router of their own,
 * tried first, so a request for one does not test the catalog's twenty patterns too.
 */
export function serviceRoutes(deps: AppDeps): Route[] {
  const writeKey = requireWriteKey(deps.config.ingestKeys);
  return [
    {
      method: 'POST',
      path: '/ingest',
      handlers: [writeKey, parseJsonBody({ limit: '32kb' }), ingestEvent(deps.ingestion)],
      doc: {
        operationId: 'ingestEvent',
        summary: 'Ingest one interaction',
        description: 'Answers 202 once the event is durably queued, never before (SPEC §4.1).',
        tags: ['ingestion'],
        security: 'writeKey',
        body: { schema: IngestEventBody, examples: INGEST_EXAMPLES, contentTypes: INGEST_TYPES },
        responses: {
          202: json(IngestAccepted, 'Durably queued.'),
          ...failures(400, 401, 413, 415, 422),
          ...failure(503, 'Redis is unreachable or the backlog is full: retry after Retry-After.'),
        },
      },
    },
    {
      method: 'POST',
      path: '/ingest/batch',
      handlers: [
        writeKey,
        limitConcurrency(deps.config.ingestBatchConcurrency),
        parseJsonBody({ limit: '1mb' }),
        ingestBatch(deps.ingestion),
      ],
      doc: {
        operationId: 'ingestBatch',
        summary: 'Ingest up to 500 interactions',
        description: 'Valid events are queued, invalid ones reported by index. Body ≤ 1 MB.',
        tags: ['ingestion'],
        security: 'writeKey',
        body: { schema: IngestBatchBody, examples: BATCH_EXAMPLES, contentTypes: INGEST_TYPES },
        responses: {
          202: json(BatchAccepted, 'The valid events are durably queued.'),
          ...failures(400, 401, 415),
          ...failure(413, 'Over 500 events or over 1 MB.'),
          ...failure(422, '`events` is empty or not an array, or no event is valid.'),
          ...failure(503, 'Redis is unreachable or the backlog is full: retry after Retry-After.'),
        },
      },
    },
    {
      method: 'GET',
      path: '/users/:user_id/recently-viewed',
      handlers: [getRecentlyViewed(deps)],
      doc: {
        operationId: 'getRecentlyViewed',
        summary: 'The games a user viewed last',
        description: 'Newest first by event time, one entry per game, from Redis (SPEC §4.2).',
        tags: ['lookups'],
        params: RecentlyViewedParams,
        query: RecentlyViewedQuery,
        responses: {
          200: json(RecentlyViewed, 'The list; empty for a user without views.'),
          ...failures(422),
        },
      },
    },
    {
      method: 'GET',
      path: '/sessions/:session_id/insights',
      handlers: [getSessionInsights(deps)],
      doc: {
        operationId: 'getSessionInsights',
        summary: 'Live insights of one session',
        description:
          'From Redis, updated by the recency job; kept 24 h after the last event (SPEC §4.3).',
        tags: ['insights'],
        params: SessionParams,
        responses: { 200: json(SessionInsights, 'The session.'), ...failures(404, 422) },
      },
    },
    {
      method: 'GET',
      path: '/customer/insights',
      handlers: [getCustomerInsights(deps)],
      doc: {
        operationId: 'getCustomerInsights',
        summary: 'Preferences and engagement of one customer',
        description: 'From the history in PostgreSQL, by event time (SPEC §4.3).',
        tags: ['insights'],
        query: CustomerInsightsQuery,
        responses: {
          200: json(CustomerInsights, 'The insights; empty for a user without events.'),
          ...failures(422),
        },
      },
    },
  ];
}

export function catalogApiRoutes(deps: AppDeps): Route[] {
  const admin = requireAdmin(deps.config);
  return [
    ...catalogRoutes(users, deps, admin),
    ...catalogRoutes(games, deps, admin),
    ...catalogRoutes(genres, deps, admin),
    ...catalogRoutes(publishers, deps, admin),
  ];
}

/** Erasing one user's data (docs/data-lifecycle.md): admin credentials, as the catalog's writes. */
export function adminRoutes(deps: AppDeps): Route[] {
  const admin = requireAdmin(deps.config);
  return [
    {
      method: 'POST',
      path: '/admin/erasures',
      handlers: [admin, parseJsonBody({ limit: '1kb' }), createErasure(deps)],
      doc: {
        operationId: 'createErasure',
        summary: 'Erase everything held of one user',
        description:
          'Every event of the user received up to now: their rows in the history, their ' +
          'recently-viewed list, their session hashes and their events still in the queues. ' +
          'Events received later are kept as new data. Runs as a job: follow it with the ' +
          'status route (its path is in the Location header).',
        tags: ['admin'],
        security: 'admin',
        body: {
          schema: ErasureBody,
          examples: { example: { summary: 'Erase user 42', value: { user_id: 42 } } },
        },
        responses: {
          202: json(ErasureAnswer, 'Recorded and queued.'),
          ...failures(400, 401, 413, 415, 422),
          ...failure(404, 'The user id is unknown: not in the catalog, the history or Redis.'),
          ...failure(503, 'Redis or PostgreSQL is unreachable: nothing was recorded, retry.'),
        },
      },
    },
    {
      method: 'GET',
      path: '/admin/erasures/:erasure_id',
      handlers: [admin, getErasure(deps)],
      doc: {
        operationId: 'getErasure',
        summary: 'The status and counts of one erasure',
        tags: ['admin'],
        security: 'admin',
        params: ErasureParams,
        responses: {
          200: json(ErasureAnswer, 'The erasure’s audit row.'),
          ...failures(401, 404, 422),
        },
      },
    },
  ];
}

export function buildRouter(routes: Route[], prefix = ''): Router {
  const router = new Router({ prefix });
  for (const { method, path, handlers } of routes) {
    router.register(path, [method], handlers);
  }
  return router;
}
