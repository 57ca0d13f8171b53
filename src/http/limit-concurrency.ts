/**
 * At most `max` requests run the rest of their chain at once; the others wait their turn,
 * first come first served, before their body is read. The batch route uses it to bound
 * the API's memory: a batch body can be 1 MB, and it lives (as text, parsed, normalized,
 * encoded for both queues) until its events are queued, so fifty clients each sending a
 * 1 MB body would otherwise all be parsed at once. A few batches at a time keep the event
 * loop just as busy, and the bodies still waiting stay in the sockets' buffers. (It bounds
 * that worst case, not the bench's smaller batches: docs/performance.md#rows-1-6-and-7-looked-at-again.)
 * Not p-limit: its maintained versions are ESM-only, and this project compiles to CommonJS.
 */
import type { Middleware } from 'koa';

export function limitConcurrency(max: number): Middleware {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async (_ctx, next) => {
    if (running < max) running += 1;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      await next();
    } finally {
      // The slot passes straight to the next waiter, so `running` never overshoots `max`.
      const wake = waiting.shift();
      if (wake) wake();
      else running -= 1;
    }
  };
}
