/**
 * Builds the OpenAPI 3.1 document from documented routes. OpenAPI 3.1 schemas are JSON
 * Schema 2020-12, so the TypeBox schemas go in as they are; only TypeBox's symbol keys are
 * dropped, and the schemas given a component name are replaced by a `$ref` wherever the
 * very same object appears.
 */
import type { TObject, TSchema } from '@sinclair/typebox';
import { failures, type DocumentedRoute, type ResponseDoc, type Tag } from './route-doc';

export type OpenApiDocument = Record<string, unknown> & {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, unknown>; securitySchemes: Record<string, unknown> };
};

interface Operation {
  operationId: string;
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  [key: string]: unknown;
}

export interface OpenApiInput {
  routes: DocumentedRoute[];
  /** Where the API is served (BASE_PATH), so "Try it out" calls the right URL. */
  basePath: string;
  /** Schemas shown under their name (components.schemas) and referenced by `$ref`. */
  components: Record<string, TSchema>;
  tags: Record<Tag, string>;
  description: string;
}

const SECURITY = {
  admin: [{ adminBasic: [] }],
  // Without INGEST_KEYS ingestion is open: the empty requirement says "or nothing".
  writeKey: [{ writeKeyBearer: [] }, { writeKeyHeader: [] }, {}],
};

const SECURITY_SCHEMES = {
  adminBasic: {
    type: 'http',
    scheme: 'basic',
    description: 'ADMIN_USER / ADMIN_PASSWORD: catalog mutations and Bull Board.',
  },
  writeKeyBearer: {
    type: 'http',
    scheme: 'bearer',
    description: 'A write key from INGEST_KEYS (needed only when it is set).',
  },
  writeKeyHeader: {
    type: 'apiKey',
    in: 'header',
    name: 'X-Write-Key',
    description: 'A write key from INGEST_KEYS (needed only when it is set).',
  },
};

/** `/users/:user_id` → `/users/{user_id}`. */
export const toOpenApiPath = (path: string) => path.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/** A plain JSON copy of `value` where each named schema (other than `self`) becomes a `$ref`. */
function plain(value: unknown, names: Map<unknown, string>, self?: unknown): unknown {
  if (Array.isArray(value)) return value.map((item) => plain(item, names));
  if (value === null || typeof value !== 'object') return value;
  const name = value === self ? undefined : names.get(value);
  if (name !== undefined) return { $ref: `#/components/schemas/${name}` };
  return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, plain(item, names)]));
}

function parameters(
  schema: TObject | undefined,
  where: 'path' | 'query',
  names: Map<unknown, string>,
) {
  if (!schema) return [];
  const required = new Set(schema.required ?? []);
  return Object.entries(schema.properties).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || required.has(name),
    description: (property as TSchema).description,
    schema: plain(property, names),
  }));
}

function response(
  { description, schema, contentType, headers }: ResponseDoc,
  names: Map<unknown, string>,
) {
  const type = contentType ?? (schema ? 'application/json' : undefined);
  return {
    description,
    ...(headers && { headers: plain(headers, names) }),
    ...(type && { content: { [type]: schema ? { schema: plain(schema, names) } : {} } }),
  };
}

function operation({ doc }: DocumentedRoute, names: Map<unknown, string>): Operation {
  // Every route answers 503 while the server drains (SPEC §7) or a dependency is down.
  const responses = { ...failures(503), ...doc.responses };
  return {
    operationId: doc.operationId,
    summary: doc.summary,
    ...(doc.description && { description: doc.description }),
    tags: doc.tags,
    ...(doc.security && { security: SECURITY[doc.security] }),
    parameters: [
      ...parameters(doc.params, 'path', names),
      ...parameters(doc.query, 'query', names),
    ],
    ...(doc.body && {
      requestBody: {
        required: true,
        content: Object.fromEntries(
          (doc.body.contentTypes ?? ['application/json']).map((type) => [
            type,
            {
              schema: plain(doc.body!.schema, names),
              ...(doc.body!.examples && { examples: doc.body!.examples }),
            },
          ]),
        ),
      },
    }),
    responses: Object.fromEntries(
      Object.entries(responses).map(([status, answer]) => [status, response(answer, names)]),
    ),
  };
}

export function buildOpenApi(input: OpenApiInput): OpenApiDocument {
  const names = new Map<unknown, string>(
    Object.entries(input.components).map(([name, schema]) => [schema, name]),
  );
  const paths: OpenApiDocument['paths'] = {};
  for (const route of input.routes) {
    const path = toOpenApiPath(route.path);
    paths[path] ??= {};
    paths[path][route.method.toLowerCase()] = operation(route, names);
  }
  return {
    openapi: '3.1.0',
    info: {
      title: 'real-time-ingestion',
      version: '1.0.0',
      description: input.description,
      license: { name: 'MIT', identifier: 'MIT' },
    },
    servers: [{ url: input.basePath || '/', description: 'This server' }],
    tags: Object.entries(input.tags).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: Object.fromEntries(
        Object.entries(input.components).map(([name, schema]) => [
          name,
          plain(schema, names, schema),
        ]),
      ),
      securitySchemes: SECURITY_SCHEMES,
    },
  };
}
