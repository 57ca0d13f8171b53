/**
 * The reference: a bare Koa app doing the least the service's routes must do, run as its
 * own process beside the service. `POST /ingest` reads and parses the same JSON body with
 * koa-body and answers 202; `GET /lookup` answers a small JSON document. Every figure of
 * the benchmark is divided by one of these two, measured in the same run on the same
 * machine, so the ratios hold when the machine's speed drifts.
 *
 * Usage: node --import tsx bench/bare-koa.ts (listens on PORT).
 */
import { createServer } from 'node:http';
import Koa from 'koa';
import { koaBody } from 'koa-body';

const app = new Koa();
app.use(
  koaBody({ json: true, jsonStrict: true, jsonLimit: '1mb', urlencoded: false, text: false }),
);
app.use((ctx) => {
  if (ctx.method === 'POST' && ctx.path === '/ingest') {
    ctx.status = 202;
    ctx.body = { status: 'accepted' };
  } else if (ctx.method === 'GET' && ctx.path === '/lookup') {
    ctx.body = { user_id: 1, items: [] };
  }
});

const server = createServer(app.callback()).listen(Number(process.env.PORT ?? 3999), '127.0.0.1');
process.on('SIGTERM', () => server.close(() => process.exit(0)));
