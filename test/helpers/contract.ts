/**
 * The OpenAPI contract, held on every answer the whole suite receives: test/helpers/http.ts
 * imports this file, and `checkAnswer` runs on each response of `request()`. An answer
 * whose status is not documented for its route, whose content type differs, or whose body
 * does not match the documented schema throws, so the test awaiting it fails.
 *
 * Not checked: CORS preflights (OPTIONS is no operation) and Bull Board's own assets and
 * JSON API under /admin/queues/… (its page, /admin/queues, is). Bodies that are not JSON
 * (metrics, HTML, assets) are checked for their content type only.
 */
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { AppDeps } from '../../src/app-deps';
import { describeService } from '../../src/openapi/describe-service';
import { docsRoutes } from '../../src/openapi/serve-docs';
import { onResponse, type Answer } from './http';
import { testConfig } from './test-env';

interface Media {
  schema?: unknown;
}
interface Operation {
  responses: Record<string, { content?: Record<string, Media> }>;
}

// The route tables only capture their deps when built, and the document needs nothing
// from them but the config, so no connection is opened for it.
const deps = { config: testConfig() } as AppDeps;
export const document = describeService(deps, docsRoutes(deps));

const ajv = addFormats(new Ajv2020({ allErrors: true, strict: false }));
ajv.addSchema({ components: document.components }, 'openapi');

const escape = (text: string) => text.replace(/[.*+?^$()|[\]\\]/g, '\\$&');

/** Each operation with a pattern of its path; literal paths first, as the router matches them. */
const operations = Object.entries(document.paths)
  .flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, operation]) => {
      const pattern = escape(path).replace(/\{[A-Za-z0-9_]+\}/g, '[^/]+');
      return {
        method: method.toUpperCase(),
        path,
        exact: new RegExp(`^${pattern}$`),
        // Under BASE_PATH a route answers behind a prefix of plain segments.
        prefixed: new RegExp(`^(?:/[A-Za-z0-9._~-]+)+${pattern}$`),
        operation: operation as unknown as Operation,
      };
    }),
  )
  .sort((a, b) => a.path.split('{').length - b.path.split('{').length);

const validators = new Map<unknown, ReturnType<typeof ajv.compile>>();

/** Component references point into the `openapi` schema registered above. */
function validatorOf(schema: unknown) {
  let validate = validators.get(schema);
  if (!validate) {
    const rebased = JSON.parse(
      JSON.stringify(schema).replaceAll('"#/components/', '"openapi#/components/'),
    );
    validate = ajv.compile(rebased);
    validators.set(schema, validate);
  }
  return validate;
}

const errorSchema = { $ref: '#/components/schemas/Error' };

/** Why `value` does not match a schema of the document, or undefined when it does. */
export function schemaProblem(schema: unknown, value: unknown): string | undefined {
  const validate = validatorOf(schema);
  return validate(value) ? undefined : ajv.errorsText(validate.errors, { dataVar: 'body' });
}

function validateBody(schema: unknown, answer: Answer): string | undefined {
  if (answer.body === undefined) return `the body is not JSON: ${answer.text.slice(0, 200)}`;
  return schemaProblem(schema, answer.body);
}

/** The problem with this answer, or undefined when it keeps the contract. */
export function contractProblem(
  request: { method: string; path: string },
  answer: Answer,
): string | undefined {
  const method = request.method.toUpperCase();
  const path = new URL(request.path, 'http://test').pathname;
  if (method === 'OPTIONS' || path.startsWith('/admin/queues/')) return undefined;

  const wanted = method === 'HEAD' ? 'GET' : method;
  const found =
    operations.find((op) => op.method === wanted && op.exact.test(path)) ??
    operations.find(
      (op) => op.method === wanted && op.prefixed.test(path) && answer.status !== 404,
    );
  if (!found) {
    // No such route, or not with this method: only the 404 / 405 error answers may come.
    if (answer.status !== 404 && answer.status !== 405)
      return `undocumented route answered ${answer.status}`;
    return validateBody(errorSchema, answer);
  }

  const documented = found.operation.responses[String(answer.status)];
  if (!documented) {
    const statuses = Object.keys(found.operation.responses).join(', ');
    return `status ${answer.status} is not documented for ${wanted} ${found.path} (documented: ${statuses})`;
  }
  const [type, media] = Object.entries(documented.content ?? {})[0] ?? [];
  if (type === undefined) return answer.text === '' ? undefined : 'a body where none is documented';
  const contentType = answer.headers.get('content-type') ?? '';
  if (type !== '*/*' && !contentType.startsWith(type))
    return `content type "${contentType}", documented "${type}"`;
  if (method === 'HEAD' || media?.schema === undefined) return undefined;
  return validateBody(media.schema, answer);
}

export function checkAnswer(request: { method: string; path: string }, answer: Answer): void {
  const problem = contractProblem(request, answer);
  if (problem !== undefined) {
    throw new Error(
      `OpenAPI contract broken by ${request.method} ${request.path} → ${answer.status}: ${problem}`,
    );
  }
}

// Deferred: http.ts imports this file before it has defined its hook list.
queueMicrotask(() => onResponse(checkAnswer));
