/**
 * The service's OpenAPI document: every route of the API table, the operations routes,
 * Bull Board and the docs routes, with the schemas worth a name listed as components.
 */
import type { AppDeps } from '../app-deps';
import { GameAnswer, GameBody } from '../catalog/games';
import { GenreAnswer, GenreBody } from '../catalog/genres';
import { PublisherAnswer, PublisherBody } from '../catalog/publishers';
import { UserAnswer, UserBody } from '../catalog/users';
import { CustomerInsights } from '../insights/customer-insights';
import { opsRoutes } from '../ops-routes';
import { API_PREFIX, apiRoutes, type Route } from '../routes';
import {
  BatchAccepted,
  Health,
  IngestAccepted,
  Readiness,
  RecentlyViewed,
  SessionInsights,
} from './answer-schemas';
import { buildOpenApi, type OpenApiDocument } from './build-openapi';
import { ErrorAnswer, ErrorDetail } from './error-answer';
import { IngestBatchBody, IngestEventBody } from './ingest-docs';
import { BOARD_DOC } from './operation-docs';
import type { Tag } from './route-doc';

const COMPONENTS = {
  Error: ErrorAnswer,
  ErrorDetail,
  IngestEvent: IngestEventBody,
  IngestBatch: IngestBatchBody,
  IngestAccepted,
  BatchAccepted,
  RecentlyViewed,
  SessionInsights,
  CustomerInsights,
  User: UserAnswer,
  UserBody,
  Game: GameAnswer,
  GameBody,
  Genre: GenreAnswer,
  GenreBody,
  Publisher: PublisherAnswer,
  PublisherBody,
  Health,
  Readiness,
};

const TAGS: Record<Tag, string> = {
  ingestion: 'Customer interactions in: answered 202 once durably queued.',
  lookups: 'What a customer viewed last, milliseconds after the click (Redis).',
  insights: 'Live session insights (Redis) and customer insights (PostgreSQL history).',
  users: 'Catalog: customers. Mutations need the admin credentials.',
  games: 'Catalog: games, with their publisher and genres. Mutations need the admin credentials.',
  genres: 'Catalog: genres. Mutations need the admin credentials.',
  publishers: 'Catalog: publishers. Mutations need the admin credentials.',
  operations: 'Probes, metrics and the queue dashboard.',
  admin: 'Erasing one customer’s data (privacy requests). Needs the admin credentials.',
  docs: 'This document and its interactive page.',
};

const DESCRIPTION = `
Real-time ingestion of a game store's customer interactions: the API validates each one
and answers \`202\` once it is durably queued (BullMQ on Redis); workers write it to
PostgreSQL and fold it into Redis, from which the lookups answer.

**Errors** all have one shape, \`{"error": {"code", "message", "details": [{"path", "message"}]}}\`:
\`details\` lists every problem found, each with a JSON-pointer \`path\`.

**Nulls**: an ingestion field sent as \`null\` counts as absent: an optional one is unset, a
required one is reported as required.

**Authentication**: catalog mutations and Bull Board need the admin credentials (HTTP
Basic); ingestion needs a write key (\`Authorization: Bearer KEY\` or \`X-Write-Key\`) only
when the server sets \`INGEST_KEYS\`.
`.trim();

export function describeService(deps: AppDeps, docsRoutes: Route[]): OpenApiDocument {
  const api = apiRoutes(deps).map((route) => ({ ...route, path: `${API_PREFIX}${route.path}` }));
  return buildOpenApi({
    routes: [...api, ...opsRoutes(deps), BOARD_DOC, ...docsRoutes],
    basePath: deps.config.basePath,
    components: COMPONENTS,
    tags: TAGS,
    description: DESCRIPTION,
  });
}
