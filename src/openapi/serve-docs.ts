/**
 * GET /openapi.json and GET /docs (SPEC §4.5): the document, and Swagger UI served by the
 * API itself from the swagger-ui-dist package (no CDN: the page works offline and behind
 * a strict firewall). Only the files the page needs are served, by name, so no request
 * path ever reaches the file system.
 */
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { Type } from '@sinclair/typebox';
import type { Middleware } from 'koa';
import type { AppDeps } from '../app-deps';
import { notFound } from '../http/http-error';
import { buildRouter, type Route } from '../routes';
import type { OpenApiDocument } from './build-openapi';
import { describeService } from './describe-service';
import { failures } from './route-doc';

const SWAGGER_UI = path.dirname(require.resolve('swagger-ui-dist/package.json'));
const ASSETS = new Set([
  'swagger-ui.css',
  'index.css',
  'swagger-ui-bundle.js',
  'favicon-32x32.png',
  'favicon-16x16.png',
]);
const INITIALIZER = 'swagger-initializer.js';

const AssetParams = Type.Object({
  file: Type.String({ enum: [...ASSETS, INITIALIZER], description: 'A file of the page.' }),
});

// BASE_PATH is validated by src/config.ts as plain path segments: safe inside HTML and JS.
const page = (base: string) => `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>real-time-ingestion API</title>
    <link rel="stylesheet" href="${base}/docs/swagger-ui.css" />
    <link rel="stylesheet" href="${base}/docs/index.css" />
    <link rel="icon" type="image/png" href="${base}/docs/favicon-32x32.png" sizes="32x32" />
    <link rel="icon" type="image/png" href="${base}/docs/favicon-16x16.png" sizes="16x16" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="${base}/docs/swagger-ui-bundle.js"></script>
    <script src="${base}/docs/${INITIALIZER}"></script>
  </body>
</html>
`;

// A script file rather than an inline one, so a Content-Security-Policy can forbid inline
// scripts. `validatorUrl: null`: Swagger UI would otherwise send the document to a public
// validator.
const initializer = (base: string) => `window.ui = SwaggerUIBundle(${JSON.stringify({
  url: `${base}/openapi.json`,
  dom_id: '#swagger-ui',
  deepLinking: true,
  validatorUrl: null,
  displayRequestDuration: true,
  docExpansion: 'list',
})});
`;

function serveAsset(base: string): Middleware {
  return (ctx) => {
    const file = String(ctx.params.file);
    if (file === INITIALIZER) {
      ctx.type = 'application/javascript';
      ctx.body = initializer(base);
    } else if (ASSETS.has(file)) {
      ctx.set('Cache-Control', 'public, max-age=86400');
      ctx.type = path.extname(file);
      ctx.body = createReadStream(path.join(SWAGGER_UI, file));
    } else {
      throw notFound(`No file /docs/${file}.`);
    }
  };
}

export function docsRoutes(deps: AppDeps): Route[] {
  const base = deps.config.basePath;
  // Built on first use: the document describes these routes too.
  let document: OpenApiDocument | undefined;
  const routes: Route[] = [
    {
      method: 'GET',
      path: '/openapi.json',
      handlers: [
        (ctx) => {
          ctx.body = document ??= describeService(deps, routes);
        },
      ],
      doc: {
        operationId: 'getOpenApi',
        summary: 'This OpenAPI 3.1 document',
        tags: ['docs'],
        responses: { 200: { description: 'The document.', contentType: 'application/json' } },
      },
    },
    {
      method: 'GET',
      path: '/docs',
      handlers: [
        (ctx) => {
          ctx.type = 'html';
          ctx.body = page(base);
        },
      ],
      doc: {
        operationId: 'getDocs',
        summary: 'Interactive API docs (Swagger UI)',
        tags: ['docs'],
        responses: { 200: { description: 'The page.', contentType: 'text/html' } },
      },
    },
    {
      method: 'GET',
      path: '/docs/:file',
      handlers: [serveAsset(base)],
      doc: {
        operationId: 'getDocsAsset',
        summary: 'A file of the docs page',
        tags: ['docs'],
        params: AssetParams,
        responses: { 200: { description: 'The file.', contentType: '*/*' }, ...failures(404) },
      },
    },
  ];
  return routes;
}

/** The docs routes, mounted by src/app.ts beside the others. */
export const serveDocs = (deps: AppDeps) => buildRouter(docsRoutes(deps)).routes();
