/**
 * Reads a JSON body at the edge: the content type first (415), the size while reading
 * (413, refused from Content-Length before the body is read), the syntax (400), no
 * `__proto__` / `constructor` / `prototype` key at any depth and no nesting deeper than
 * MAX_BODY_DEPTH (400).
 *
 * `text/plain` holding JSON is accepted for `navigator.sendBeacon`, which cannot set a
 * JSON content type. Gzip/deflate bodies are inflated by co-body, and the limit applies to
 * the inflated size, so a compressed bomb is cut off at the limit.
 */
import type { Middleware } from 'koa';
import { koaBody } from 'koa-body';
import { findInJson } from './find-in-json';
import { HttpError } from './http-error';

/** The content types read: JSON, and text/plain holding JSON (sendBeacon). */
const BODY_TYPES = ['application/json', '+json', 'text/plain'];

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Deeper than this is refused: no payload of the API comes near it, and a body nested
 * thousands deep (a 32 KB body can be 16,000 levels of `[`) would overflow the stack of
 * every recursive walk after this one (JSON.stringify, the validator, the job's encoding).
 */
export const MAX_BODY_DEPTH = 32;

/**
 * The first problem in a parsed body, as a path and a message: a forbidden key, or
 * nesting deeper than MAX_BODY_DEPTH.
 */
export function findBodyProblem(value: unknown): { path: string; message: string } | undefined {
  return findInJson(value, (node) => {
    if (node.key !== undefined && FORBIDDEN_KEYS.has(node.key)) {
      return {
        path: node.path(),
        message: 'The body contains a forbidden key (__proto__, constructor or prototype).',
      };
    }
    if (node.depth >= MAX_BODY_DEPTH && node.value !== null && typeof node.value === 'object') {
      return {
        path: node.path(),
        message: `The body is nested more than ${MAX_BODY_DEPTH} levels deep.`,
      };
    }
    return undefined;
  });
}

const malformed = (message: string, path = '') =>
  new HttpError(400, 'malformed_json', message, path ? [{ path, message }] : []);

export function parseJsonBody({ limit }: { limit: string }): Middleware {
  // Read as text and parsed here with JSON.parse: the forbidden-key walk below already
  // does what co-body's secure JSON parser would add (a regex scan of every body).
  const read = koaBody({
    json: false,
    text: true,
    textTypes: BODY_TYPES,
    urlencoded: false,
    multipart: false,
    textLimit: limit,
    patchNode: false,
    onError(error) {
      const status = (error as { status?: number }).status;
      if (status === 413) {
        throw new HttpError(413, 'payload_too_large', `The body is larger than ${limit}.`);
      }
      if (status === 415) {
        throw new HttpError(
          415,
          'unsupported_media_type',
          'This content encoding is not supported.',
        );
      }
      throw malformed(`The body is not valid JSON: ${error.message}`);
    },
  });

  return async (ctx, next) => {
    if (!ctx.is(BODY_TYPES)) {
      throw new HttpError(
        415,
        'unsupported_media_type',
        'Send the body as application/json (or text/plain holding JSON, as sendBeacon does).',
      );
    }
    await read(ctx, async () => {});
    let body: unknown;
    try {
      body = JSON.parse(String(ctx.request.body ?? ''));
    } catch (error) {
      throw malformed(`The body is not valid JSON: ${(error as Error).message}`);
    }
    const problem = findBodyProblem(body);
    if (problem !== undefined) throw malformed(problem.message, problem.path);
    ctx.state.body = body;
    await next();
  };
}
