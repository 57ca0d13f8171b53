/**
 * The operations routes (SPEC §4.5), beside /api/v1 rather than under it: probes and
 * scrapes come from the platform, not from API clients, and never get CORS headers.
 */
import type { AppDeps } from './app-deps';
import { getHealth } from './handlers/get-health';
import { getMetrics } from './handlers/get-metrics';
import { getReadiness } from './handlers/get-readiness';
import { OPS_DOCS } from './openapi/operation-docs';
import type { Route } from './routes';

export function opsRoutes(deps: AppDeps): Route[] {
  return [
    { method: 'GET', path: '/healthz', handlers: [getHealth], doc: OPS_DOCS.health },
    { method: 'GET', path: '/readyz', handlers: [getReadiness(deps)], doc: OPS_DOCS.readiness },
    { method: 'GET', path: '/metrics', handlers: [getMetrics(deps)], doc: OPS_DOCS.metrics },
  ];
}
