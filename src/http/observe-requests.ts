/**
 * One log line and one metric sample per request, under a request id: the client's
 * `X-Request-Id` when it is a sane token, a new UUID otherwise; echoed in the answer.
 */
import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import type { Logger } from '../logger';
import type { ApiMetrics } from '../metrics';

const SANE_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function observeRequests(logger: Logger, metrics: ApiMetrics): Middleware {
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    const incoming = ctx.get('X-Request-Id');
    const requestId = SANE_ID.test(incoming) ? incoming : randomUUID();
    ctx.state.requestId = requestId;
    ctx.set('X-Request-Id', requestId);
    try {
      await next();
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      // The route pattern, not the path, so ids do not explode the label set.
      const route = (ctx as { _matchedRoute?: string })._matchedRoute ?? 'unmatched';
      const labels = { method: ctx.method, route: String(route), status: String(ctx.status) };
      metrics.httpRequests.inc(labels);
      metrics.httpDuration.observe(labels, seconds);
      // Checked first: at LOG_LEVEL=warn (production) the line is not even built.
      if (logger.isLevelEnabled('info')) {
        const ms = Math.round(seconds * 1e4) / 10;
        logger.info(
          { requestId, method: ctx.method, url: ctx.url, status: ctx.status, ms },
          'request',
        );
      }
    }
  };
}
