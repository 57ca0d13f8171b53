/**
 * The documentation of the operations routes outside /api/v1 (SPEC §4.5): the probes and
 * metrics of src/ops-routes.ts, and Bull Board, which src/board/ mounts as a whole.
 */
import { Health, Readiness } from './answer-schemas';
import { failure, failures, json, type DocumentedRoute, type RouteDoc } from './route-doc';

export const OPS_DOCS = {
  health: {
    operationId: 'getHealth',
    summary: 'Liveness: the process serves HTTP',
    description: 'Checks no dependency (that is /readyz).',
    tags: ['operations'],
    responses: { 200: json(Health, 'Alive.') },
  },
  readiness: {
    operationId: 'getReadiness',
    summary: 'Readiness: PostgreSQL and Redis answer, Redis never evicts',
    description:
      'PostgreSQL answers `select 1`, Redis answers PING and its `maxmemory-policy` is `noeviction`. ' +
      'A 503 lists one detail per failing check.',
    tags: ['operations'],
    responses: {
      200: json(Readiness, 'Ready.'),
      ...failure(503, 'A check failed, or the server is draining.'),
    },
  },
  metrics: {
    operationId: 'getMetrics',
    summary: 'Prometheus metrics of the API',
    description:
      'HTTP requests and latency by route and status, events accepted/rejected/duplicate, queue depth ' +
      'by queue and state. Each worker serves its own at WORKER_METRICS_PORT.',
    tags: ['operations'],
    responses: {
      200: { description: 'Prometheus text exposition format.', contentType: 'text/plain' },
    },
  },
} satisfies Record<string, RouteDoc>;

export const BOARD_DOC: DocumentedRoute = {
  method: 'GET',
  path: '/admin/queues',
  doc: {
    operationId: 'getQueueBoard',
    summary: 'Bull Board: the persist and recency queues',
    description:
      'The dashboard (page, assets and its JSON API under /admin/queues/…): queue depth, failed jobs ' +
      '(the dead-letter queue), retries. Every route of it needs the admin credentials.',
    tags: ['operations'],
    security: 'admin',
    responses: {
      200: { description: 'The dashboard page.', contentType: 'text/html' },
      ...failures(401),
    },
  },
};
