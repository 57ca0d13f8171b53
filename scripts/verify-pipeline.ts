/**
 * `npm run verify -- [API_URL]`: an end-to-end check against a running service (`npm run
 * dev`). Sends 1,000 interactions of 20 users in 60 sessions — views in shuffled time
 * order, 10 % of them sent again with the same event_id, half as single requests and half
 * in batches — then checks, against a reference computed from the input:
 *   - web_events holds exactly one row per distinct event_id;
 *   - each user's recently-viewed list is their newest distinct games by event time;
 *   - each session's insights count every event once.
 * Uses DATABASE_URL / DB_SCHEMA like the service. Exits 1 on any mismatch.
 */
import { randomUUID } from 'node:crypto';
import { loadConfigOrExit } from '../src/config';
import { createDb } from '../src/db';

const apiUrl = process.argv[2] ?? 'http://127.0.0.1:3000';
const TYPES = ['VIEW', 'VIEW', 'VIEW', 'CLICK', 'SEARCH', 'ADD_TO_CART', 'WISHLIST'];
const runTag = randomUUID().slice(0, 8);

interface Sent {
  event_id: string;
  user_id: number;
  session_id: string;
  event_type: string;
  game_id?: number;
  timestamp: string;
  referrer_page: string;
  time_spent: number;
}

function makeEvents(count: number): Sent[] {
  const now = Date.now();
  return Array.from({ length: count }, (_, i) => {
    const user = 900_000 + (i % 20);
    const type = TYPES[i % TYPES.length]!;
    return {
      event_id: randomUUID(),
      user_id: user,
      session_id: `verify-${runTag}-${user}-${i % 3}`,
      event_type: type,
      ...(type !== 'SEARCH' && type !== 'CLICK' && { game_id: 1 + ((i * 7) % 40) }),
      timestamp: new Date(now - Math.floor(Math.random() * 3_600_000)).toISOString(),
      referrer_page: `/games/${i % 40}`,
      time_spent: i % 120,
    };
  });
}

function shuffle<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = Math.floor(Math.random() * (i + 1));
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

async function post(path: string, body: unknown): Promise<number> {
  const response = await fetch(`${apiUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  await response.arrayBuffer();
  return response.status;
}

async function send(events: Sent[]): Promise<void> {
  const singles = events.slice(0, events.length / 2);
  const batched = events.slice(events.length / 2);
  for (let i = 0; i < singles.length; i += 20) {
    const statuses = await Promise.all(
      singles.slice(i, i + 20).map((e) => post('/api/v1/ingest', e)),
    );
    if (statuses.some((status) => status !== 202))
      throw new Error(`single ingest answered ${statuses}`);
  }
  for (let i = 0; i < batched.length; i += 100) {
    const status = await post('/api/v1/ingest/batch', { events: batched.slice(i, i + 100) });
    if (status !== 202) throw new Error(`batch ingest answered ${status}`);
  }
}

function expectedRecentlyViewed(events: Sent[], user: number, max: number): number[] {
  const latest = new Map<number, number>();
  for (const e of events) {
    if (e.user_id !== user || e.event_type !== 'VIEW' || e.game_id === undefined) continue;
    latest.set(e.game_id, Math.max(latest.get(e.game_id) ?? 0, Date.parse(e.timestamp)));
  }
  return [...latest.entries()]
    .sort((a, b) => b[1] - a[1] || b[0] - a[0])
    .slice(0, max)
    .map(([game]) => game);
}

async function main(): Promise<void> {
  const config = loadConfigOrExit();
  const db = createDb(config);
  const distinct = makeEvents(1_000);
  const resent = distinct.filter((_, i) => i % 10 === 0);
  const sent = shuffle([...distinct.slice(0, 900), ...resent, ...distinct.slice(900)]);
  console.log(
    `sending ${sent.length} requests' worth of events (${distinct.length} distinct) to ${apiUrl}`,
  );
  await send(sent);

  const ids = distinct.map((e) => e.event_id);
  const deadline = Date.now() + 60_000;
  let rows = 0;
  while (Date.now() < deadline) {
    rows = Number((await db('web_events').whereIn('event_id', ids).count({ n: '*' }))[0]!.n);
    if (rows >= ids.length) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await new Promise((resolve) => setTimeout(resolve, 500));
  const problems: string[] = [];
  if (rows !== ids.length)
    problems.push(`web_events has ${rows} rows for ${ids.length} distinct ids`);

  for (const user of new Set(distinct.map((e) => e.user_id))) {
    const response = await fetch(`${apiUrl}/api/v1/users/${user}/recently-viewed?limit=50`);
    const body = (await response.json()) as { items: Array<{ game_id: number }> };
    const actual = body.items.map((item) => item.game_id);
    const expected = expectedRecentlyViewed(distinct, user, Math.min(50, config.recentlyViewedMax));
    if (JSON.stringify(actual) !== JSON.stringify(expected)) {
      problems.push(`user ${user}: recently viewed ${actual} ≠ expected ${expected}`);
    }
  }
  for (const session of new Set(distinct.map((e) => e.session_id))) {
    const events = distinct.filter((e) => e.session_id === session);
    const response = await fetch(`${apiUrl}/api/v1/sessions/${session}/insights`);
    const body = (await response.json()) as {
      page_views: number;
      event_breakdown: Record<string, number>;
    };
    const total = Object.values(body.event_breakdown ?? {}).reduce((sum, n) => sum + n, 0);
    const views = events.filter((e) => e.event_type === 'VIEW').length;
    if (total !== events.length || body.page_views !== views) {
      problems.push(
        `session ${session}: ${total} events / ${body.page_views} views ≠ ${events.length} / ${views}`,
      );
    }
  }
  await db.destroy();

  if (problems.length > 0) {
    console.error(`FAILED:\n  ${problems.join('\n  ')}`);
    process.exit(1);
  }
  console.log(
    `ok: ${rows} rows for ${ids.length} distinct events (${sent.length} sent), ` +
      `20 recently-viewed lists and 60 sessions match the reference`,
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
