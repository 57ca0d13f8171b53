/**
 * Draining (SPEC §7): after SIGTERM the server stops accepting connections, but a client
 * may still send a new request on a keep-alive connection it already holds. That request
 * is answered 503 with Retry-After, and every answer given while draining (in-flight ones
 * included) carries `Connection: close`, so the keep-alive connections end with them and
 * the server can close.
 */
import type { Middleware } from 'koa';
import { unavailable } from './http-error';

export class Drain {
  draining = false;

  start(): void {
    this.draining = true;
  }
}

export function rejectWhileDraining(drain: Drain): Middleware {
  return async (ctx, next) => {
    if (drain.draining) {
      ctx.set('Connection', 'close');
      throw unavailable('The server is shutting down; retry on another instance.', 1);
    }
    try {
      await next();
    } finally {
      if (drain.draining && !ctx.headerSent) ctx.set('Connection', 'close');
    }
  };
}
