/**
 * The OpenAPI document and the contract check (test/helpers/contract.ts) that holds every
 * answer of the suite to it: the document is valid OpenAPI 3.1 and covers every route,
 * its examples are accepted, a broken answer fails the test that receives it, and /docs
 * serves Swagger UI from the API itself, also under BASE_PATH.
 */
import test from 'ava';
import Koa from 'koa';
import type { AppDeps } from '../src/app-deps';
import { opsRoutes } from '../src/ops-routes';
import { API_PREFIX, apiRoutes } from '../src/routes';
import { docsRoutes } from '../src/openapi/serve-docs';
import { toOpenApiPath } from '../src/openapi/build-openapi';
import { contractProblem, document, schemaProblem } from './helpers/contract';
import { listen, type Answer } from './helpers/http';
import { startPipeline, type Pipeline } from './helpers/pipeline';

let api: Pipeline;

test.before(async () => {
  api = await startPipeline({}, { workers: false });
});

test.after.always(async () => {
  await api?.stop();
});

type Operation = {
  operationId: string;
  responses: Record<string, unknown>;
  requestBody?: {
    content: Record<string, { schema: unknown; examples?: Record<string, { value: unknown }> }>;
  };
};
const operations = Object.entries(document.paths).flatMap(([path, methods]) =>
  Object.entries(methods).map(([method, operation]) => ({
    path,
    method,
    ...(operation as unknown as Operation),
  })),
);
const jsonBodyOf = (path: string) =>
  operations.find((operation) => operation.path === path && operation.method === 'post')!
    .requestBody!.content['application/json']!;

const answer = (status: number, body: unknown, type = 'application/json'): Answer => ({
  status,
  headers: new Headers({ 'content-type': type }),
  body,
  text: body === undefined ? '' : JSON.stringify(body),
});

test('the document is valid OpenAPI 3.1', async (t) => {
  const { Validator } = await import('@seriousme/openapi-schema-validator');
  const result = await new Validator().validate(structuredClone(document));
  t.deepEqual(result, { valid: true });
  t.is(document.openapi, '3.1.0');
});

test('it documents every route of the tables, each with a unique operation id and its errors', (t) => {
  const deps = { config: api.config } as AppDeps;
  const routes = [
    ...apiRoutes(deps).map((route) => ({ ...route, path: `${API_PREFIX}${route.path}` })),
    ...opsRoutes(deps),
    ...docsRoutes(deps),
  ];
  for (const route of routes) {
    t.truthy(
      document.paths[toOpenApiPath(route.path)]?.[route.method.toLowerCase()],
      `${route.method} ${route.path}`,
    );
  }
  t.truthy(document.paths['/admin/queues']?.get);
  const ids = operations.map((operation) => operation.operationId);
  t.is(new Set(ids).size, ids.length);
  for (const operation of operations)
    t.truthy(operation.responses['503'], `${operation.operationId} answers 503 while draining`);
  const security = document.components.securitySchemes;
  t.deepEqual(Object.keys(security).sort(), ['adminBasic', 'writeKeyBearer', 'writeKeyHeader']);
});

test('the ingestion examples, the Python client payload first, match their schema and are accepted', async (t) => {
  for (const path of ['/api/v1/ingest', '/api/v1/ingest/batch']) {
    const { schema, examples } = jsonBodyOf(path);
    t.true(Object.keys(examples ?? {}).length > 0);
    for (const [name, { value }] of Object.entries(examples ?? {})) {
      t.is(schemaProblem(schema, value), undefined, name);
      t.is((await api.request('POST', path, { body: value })).status, 202, name);
    }
  }
  const python = jsonBodyOf('/api/v1/ingest').examples!.python!.value as { time_spent: unknown };
  t.is(python.time_spent, null, 'null documented as accepted');
});

test('the catalog examples match their body schemas', (t) => {
  for (const operation of operations.filter(({ operationId }) =>
    /^(create|update)/.test(operationId),
  )) {
    const { schema, examples } = operation.requestBody!.content['application/json']!;
    t.is(schemaProblem(schema, examples!.example!.value), undefined, operation.operationId);
  }
});

test('the contract check refuses undocumented statuses, wrong bodies and undocumented routes', (t) => {
  const health = { method: 'GET', path: '/healthz' };
  t.is(contractProblem(health, answer(200, { status: 'ok' })), undefined);
  t.regex(
    contractProblem(health, answer(200, { status: 'ok', extra: 1 }))!,
    /must NOT have additional properties/,
  );
  t.regex(contractProblem(health, answer(418, { status: 'ok' }))!, /status 418 is not documented/);
  t.regex(contractProblem(health, answer(200, { status: 'ok' }, 'text/html'))!, /content type/);
  t.regex(
    contractProblem({ method: 'GET', path: '/secret' }, answer(200, {}))!,
    /undocumented route/,
  );

  const notFound = { error: { code: 'not_found', message: 'No route.', details: [] } };
  t.is(contractProblem({ method: 'GET', path: '/nope' }, answer(404, notFound)), undefined);
  t.regex(
    contractProblem({ method: 'GET', path: '/nope' }, answer(404, { message: 'x' }))!,
    /required property 'error'/,
  );
  t.is(
    contractProblem({ method: 'GET', path: '/shop/healthz' }, answer(200, { status: 'ok' })),
    undefined,
    'BASE_PATH',
  );
  t.is(
    contractProblem({ method: 'DELETE', path: '/api/v1/genres/3' }, answer(204, undefined)),
    undefined,
  );
  t.regex(
    contractProblem({ method: 'GET', path: '/api/v1/genres/3' }, answer(200, { id: 3 }))!,
    /required property 'name'/,
  );
});

test('a broken answer fails the test that awaits it', async (t) => {
  const broken = new Koa().use((ctx) => {
    ctx.body = { status: 'fine' };
  });
  const server = await listen(broken);
  try {
    await t.throwsAsync(server.request('GET', '/healthz'), {
      message: /OpenAPI contract broken by GET \/healthz/,
    });
  } finally {
    await server.close();
  }
});

test('GET /openapi.json serves the document, with this server as its server', async (t) => {
  const served = await api.request('GET', '/openapi.json');
  t.is(served.status, 200);
  t.deepEqual(served.body, JSON.parse(JSON.stringify(document)));
  t.deepEqual(served.body.servers, [{ url: '/', description: 'This server' }]);
});

test('GET /docs serves Swagger UI and its assets from the API itself, no CDN', async (t) => {
  const page = await api.request('GET', '/docs');
  t.is(page.status, 200);
  t.regex(page.headers.get('content-type') ?? '', /^text\/html/);
  t.notRegex(page.text, /https?:\/\//, 'nothing from another origin');
  const assets = [...page.text.matchAll(/(?:href|src)="([^"]+)"/g)].map((match) => match[1]!);
  t.true(assets.length >= 4);
  for (const asset of assets) {
    const loaded = await api.request('GET', asset);
    t.is(loaded.status, 200, asset);
    t.true(loaded.text.length > 0);
  }
  const script = await api.request('GET', '/docs/swagger-initializer.js');
  t.regex(script.text, /"url":"\/openapi.json"/);
  t.regex(script.text, /"validatorUrl":null/);
  t.regex(
    (await api.request('GET', '/docs/swagger-ui-bundle.js')).headers.get('content-type') ?? '',
    /javascript/,
  );

  for (const path of [
    '/docs/package.json',
    '/docs/..%2Fpackage.json',
    '/docs/oauth2-redirect.html',
  ]) {
    const refused = await api.request('GET', path);
    t.is(refused.status, 404, path);
    t.is(refused.body.error.code, 'not_found');
  }
});

test('under BASE_PATH the document and the page point at the prefixed paths', async (t) => {
  const shop = await startPipeline({ BASE_PATH: '/shop' }, { workers: false });
  try {
    const served = await shop.request('GET', '/shop/openapi.json');
    t.deepEqual(served.body.servers, [{ url: '/shop', description: 'This server' }]);
    const page = await shop.request('GET', '/shop/docs');
    t.regex(page.text, /src="\/shop\/docs\/swagger-ui-bundle.js"/);
    t.is((await shop.request('GET', '/shop/docs/swagger-ui.css')).status, 200);
    t.regex(
      (await shop.request('GET', '/shop/docs/swagger-initializer.js')).text,
      /"url":"\/shop\/openapi.json"/,
    );
    const health = await shop.request('GET', '/shop/api/v1/genres');
    t.is(health.status, 200, 'the spec’s server URL plus a path reaches the API');
  } finally {
    await shop.stop();
  }
});
