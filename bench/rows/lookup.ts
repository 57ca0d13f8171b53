/**
 * Row 6: GET /api/v1/users/{id}/recently-viewed (default limit 10) over the users the
 * earlier rows filled, taking turns with the bare Koa GET it is compared to. Run alone
 * (`--only 6`), it first fills the users' lists through the pipeline.
 */
import { USERS, batchJson } from '../bodies';
import type { BenchContext } from '../context';
import { waitUntilDrained } from '../environment';
import { runLoad, runLoadOn, type LoadOptions, type ServerLoadResult } from '../load';
import { ensureWorkers } from '../service';
import type { Measure } from '../table';

async function fillRecentlyViewed(ctx: BenchContext): Promise<void> {
  const { service, options } = ctx;
  await runLoad({
    method: 'POST',
    url: `${service.apiUrl}/api/v1/ingest/batch`,
    body: () => batchJson(500),
    amount: (USERS * 10) / 500,
    connections: options.connections,
  });
  await waitUntilDrained(service.env, 300_000);
}

/** The API's recently-viewed reads so far, by how they were answered (its /metrics). */
async function cacheReads(apiUrl: string): Promise<Record<'hit' | 'miss' | 'bypass', number>> {
  const text = await (await fetch(`${apiUrl}/metrics`)).text();
  const count = (result: string) =>
    Number(
      new RegExp(`^rti_lookup_cache_reads_total\\{result="${result}"\\} (\\S+)`, 'm').exec(
        text,
      )?.[1] ?? 0,
    );
  return { hit: count('hit'), miss: count('miss'), bypass: count('bypass') };
}

export async function measureLookup(ctx: BenchContext, withRow: boolean): Promise<Measure[]> {
  const { options, service, reference } = ctx;
  const { redis, keys } = service.env;
  if (withRow) {
    await ensureWorkers(service, options.workers);
    if ((await redis.zcard(keys.recentlyViewed(1))) === 0) await fillRecentlyViewed(ctx);
  }
  let user = 0;
  const plan: Record<string, { pid: number; load: LoadOptions }> = {
    bare: {
      pid: service.ref.pid,
      load: { url: `${service.refUrl}/lookup`, connections: options.connections },
    },
  };
  if (withRow) {
    plan.lookup = {
      pid: service.api.pid,
      load: {
        url: `${service.apiUrl}/api/v1/users/1/recently-viewed`,
        path: () => `/api/v1/users/${(user++ % USERS) + 1}/recently-viewed`,
        connections: options.connections,
      },
    };
  }
  const run = (name: string, durationS: number) =>
    runLoadOn([plan[name]!.pid], { ...plan[name]!.load, durationS });
  const results: Record<string, ServerLoadResult[]> = {};
  for (const name of Object.keys(plan)) await run(name, options.warmupSeconds);
  const readsBefore = withRow ? await cacheReads(service.apiUrl) : undefined;
  for (let i = 0; i < options.runs; i++) {
    for (const name of Object.keys(plan)) {
      (results[name] ??= []).push(await run(name, options.loadSeconds));
    }
  }
  reference.get.push(...results.bare!);
  if (!withRow) return [];
  const readsAfter = await cacheReads(service.apiUrl);
  const reads = (['hit', 'miss', 'bypass'] as const).map(
    (result) => readsAfter[result] - readsBefore![result],
  );
  const lookups = reads.reduce((a, b) => a + b, 0);

  const sizes = await Promise.all(
    Array.from({ length: 100 }, (_, i) => redis.zcard(keys.recentlyViewed(i * 97 + 1))),
  );
  const meanItems = sizes.reduce((sum, size) => sum + Math.min(size, 10), 0) / sizes.length;
  const bare = (pick: (run: ServerLoadResult) => number) => ({
    label: 'bare GET',
    values: results.bare!.map(pick),
  });
  const runs = results.lookup!;
  const row = '6 recently-viewed lookup';
  return [
    {
      row,
      label: 'answered',
      unit: 'req/s',
      values: runs.map((r) => r.okPerSec),
      reference: bare((r) => r.okPerSec),
      target: { minRatio: 0.6, text: '≥ 0.60×' },
      note: `${meanItems.toFixed(1)} items per answer on average`,
    },
    {
      row,
      label: 'p99',
      unit: 'ms',
      values: runs.map((r) => r.p99Ms),
      reference: bare((r) => r.p99Ms),
      target: { max: 5, text: '≤ 5 ms' },
    },
    {
      row,
      label: 'answered from memory',
      unit: '%',
      values: [lookups > 0 ? (100 * reads[0]!) / lookups : 0],
      note: `after the warm-up: ${reads[0]} hits, ${reads[1]} misses, ${reads[2]} bypasses (src/tracked-cache.ts)`,
    },
    {
      row,
      label: 'API CPU per request',
      unit: 'µs',
      values: runs.map((r) => r.cpuUsPerRequest),
      reference: bare((r) => r.cpuUsPerRequest),
    },
  ];
}
