/**
 * The one middleware that answers errors (STYLE §4): an HttpError leaves as itself, a
 * Koa/http-errors error with a 4xx status keeps its status under a stable code, a
 * dependency that is down is a 503 with Retry-After, anything
 * else is a 500 that is logged (through `app.emit('error')`) and never shows its internals.
 */
import type { Context, Middleware } from 'koa';
import { toConflict } from './db-conflict';
import { HttpError, unavailable } from './http-error';

const CODES: Record<number, string> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  405: 'method_not_allowed',
  409: 'conflict',
  413: 'payload_too_large',
  415: 'unsupported_media_type',
  422: 'validation_failed',
  501: 'not_implemented',
  503: 'unavailable',
};

/** A dependency that is down or overloaded (Redis, PostgreSQL): the client should retry. */
const UNAVAILABLE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  '57P01',
  '57P03',
  '53300',
]);
const UNAVAILABLE_MESSAGE =
  /enableOfflineQueue|Connection is closed|Command timed out|Timeout acquiring a connection|Connection terminated/;

const NO_HANDLER_MESSAGES: Record<number, (ctx: Context) => string> = {
  404: (ctx) => `No route for ${ctx.method} ${ctx.path}.`,
  405: (ctx) => `${ctx.method} is not allowed here; allowed: ${ctx.response.get('Allow')}.`,
  501: (ctx) => `${ctx.method} is not implemented.`,
};

export function isUnavailableError(error: unknown): boolean {
  const { code, name, message } = error as { code?: unknown; name?: unknown; message?: unknown };
  return (
    (typeof code === 'string' && UNAVAILABLE_CODES.has(code)) ||
    name === 'MaxRetriesPerRequestError' ||
    (typeof message === 'string' && UNAVAILABLE_MESSAGE.test(message))
  );
}

function toHttpError(error: unknown): HttpError {
  if (error instanceof HttpError) return error;
  const conflict = toConflict(error);
  if (conflict) return conflict;
  if (isUnavailableError(error))
    return unavailable('A backing service is unavailable; retry shortly.');
  const status = (error as { status?: number; expose?: boolean }).status;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, CODES[status] ?? 'bad_request', (error as Error).message);
  }
  return new HttpError(500, 'internal_error', 'Something went wrong on our side.');
}

export const handleErrors: Middleware = async (ctx, next) => {
  try {
    await next();
    // What no handler answered: no route (404), or the router's 405/501, which leaves its
    // Allow header set and the body to us.
    if (ctx.body === undefined && NO_HANDLER_MESSAGES[ctx.status] !== undefined) {
      throw new HttpError(ctx.status, CODES[ctx.status]!, NO_HANDLER_MESSAGES[ctx.status]!(ctx));
    }
  } catch (error) {
    const httpError = toHttpError(error);
    if (httpError.status >= 500 && !(error instanceof HttpError)) ctx.app.emit('error', error, ctx);
    ctx.status = httpError.status;
    ctx.set(httpError.headers);
    const { code, message, details } = httpError;
    ctx.body = { error: { code, message, details } };
  }
};
