/** GET /metrics — the API's Prometheus metrics (SPEC §4.5), queue gauges refreshed first. */
import type { Middleware } from 'koa';
import type { AppDeps } from '../app-deps';
import { sampleQueues } from '../metrics';

export function getMetrics({ metrics, queues, redis, keys }: AppDeps): Middleware {
  return async (ctx) => {
    await sampleQueues(metrics, queues, redis, keys);
    ctx.type = metrics.registry.contentType;
    ctx.body = await metrics.registry.metrics();
  };
}
