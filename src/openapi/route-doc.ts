/**
 * What the route table says about each route for the OpenAPI document: the same TypeBox
 * schemas that validate its parameters and body, and one schema per answer status, so the
 * document cannot drift from what the API checks (STYLE §3) — and the contract test checks
 * every answer the suite receives against it.
 */
import { Type, type TObject, type TSchema } from '@sinclair/typebox';
import { ErrorAnswer } from './error-answer';

export type Tag =
  | 'ingestion'
  | 'lookups'
  | 'insights'
  | 'users'
  | 'games'
  | 'genres'
  | 'publishers'
  | 'operations'
  | 'admin'
  | 'docs';

export interface ResponseDoc {
  description: string;
  /** The body's schema; none for an empty body (204) or a body that is not JSON. */
  schema?: TSchema;
  /** Defaults to application/json when there is a schema. */
  contentType?: string;
  headers?: Record<string, { description: string; schema: TSchema }>;
}

export interface Example {
  summary: string;
  value: unknown;
}

export interface RouteDoc {
  /** The handler's verb-noun name (`ingestEvent`): Swagger UI's deep links use it. */
  operationId: string;
  summary: string;
  description?: string;
  tags: Tag[];
  /** `admin`: HTTP Basic (SPEC §6); `writeKey`: needed only when INGEST_KEYS is set. */
  security?: 'admin' | 'writeKey';
  params?: TObject;
  query?: TObject;
  body?: { schema: TSchema; examples?: Record<string, Example>; contentTypes?: string[] };
  responses: Record<number, ResponseDoc>;
}

/** A documented route (method and full path), with or without a handler in the table. */
export interface DocumentedRoute {
  method: string;
  path: string;
  doc: RouteDoc;
}

export const json = (schema: TSchema, description: string): ResponseDoc => ({
  schema,
  description,
});

const RETRY_AFTER = {
  'Retry-After': {
    description: 'Seconds to wait before retrying.',
    schema: Type.Integer({ minimum: 0 }),
  },
};

const FAILURES: Record<number, ResponseDoc> = {
  400: { description: 'Malformed JSON, or a `__proto__` / `constructor` / `prototype` key.' },
  401: { description: 'Missing or wrong credentials.' },
  404: { description: 'No such resource.' },
  409: { description: 'A unique field is taken, or the row is still referenced.' },
  413: { description: 'The body is too large.' },
  415: { description: 'The content type is missing or not JSON.' },
  422: { description: 'Invalid: `details` lists every problem, each with a JSON-pointer path.' },
  503: {
    description: 'A backing service is down, or the server is draining.',
    headers: RETRY_AFTER,
  },
};

/** The error answers of these statuses, all in the one error shape of SPEC §4. */
export function failures(...statuses: number[]): Record<number, ResponseDoc> {
  return Object.fromEntries(
    statuses.map((status) => {
      const failure = FAILURES[status];
      if (!failure) throw new Error(`no standard description for a ${status} answer`);
      return [status, { ...failure, schema: ErrorAnswer }];
    }),
  );
}

/** `failures(…)` with a route-specific description for some statuses. */
export function failure(status: number, description: string): Record<number, ResponseDoc> {
  const [standard] = Object.values(failures(status));
  return { [status]: { ...standard!, description } };
}
