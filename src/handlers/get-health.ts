/** GET /healthz — the process is alive and serving HTTP; it checks no dependency (that is /readyz). */
import type { Middleware } from 'koa';

export const getHealth: Middleware = (ctx) => {
  ctx.body = { status: 'ok' };
};
