/**
 * The known workload of the fault tests: a set of valid events whose expected effects are
 * unambiguous (every event has its own event time, every session one user), and clients
 * that drive it through a real API as singles and batches, concurrently, recording the
 * answer each event got.
 */
import { randomUUID } from 'node:crypto';

export interface TestEvent {
  event_id: string;
  user_id: number;
  session_id: string;
  event_type: string;
  game_id?: number;
  timestamp: string;
  referrer_page: string;
  time_spent?: number;
  search_query?: string;
}

export interface WorkloadShape {
  count: number;
  users?: number;
  sessionsPerUser?: number;
  games?: number;
}

const pick = <T>(items: readonly T[]): T => items[Math.floor(Math.random() * items.length)]!;
export const randomInt = (min: number, max: number) =>
  min + Math.floor(Math.random() * (max - min + 1));

export function shuffled<T>(items: T[]): T[] {
  for (let i = items.length - 1; i > 0; i -= 1) {
    const j = randomInt(0, i);
    [items[i], items[j]] = [items[j]!, items[i]!];
  }
  return items;
}

/** Event types by weight: mostly views, and every kind of session counter touched. */
const TYPES = [
  ...Array<string>(14).fill('VIEW'),
  'SEARCH',
  'SEARCH',
  'CLICK',
  'ADD_TO_CART',
  'WISHLIST',
  'PURCHASE',
];

/** Event times are handed out 1 ms apart from here, so no two events of a test process tie. */
const EPOCH = Date.now() - 2 * 3_600_000;
let nextSlot = 0;

/** `count` valid events with distinct event times (in shuffled order), about two hours ago. */
export function makeEvents({
  count,
  users = 40,
  sessionsPerUser = 3,
  games = 120,
}: WorkloadShape): TestEvent[] {
  const run = randomUUID().slice(0, 8);
  const first = nextSlot;
  nextSlot += count;
  const order = shuffled(Array.from({ length: count }, (_, i) => first + i));
  return order.map((slot) => {
    const user = randomInt(1, users);
    const type = pick(TYPES);
    const game = randomInt(1, games);
    const event: TestEvent = {
      event_id: randomUUID(),
      user_id: user,
      session_id: `s-${run}-${user}-${randomInt(1, sessionsPerUser)}`,
      event_type: type,
      timestamp: new Date(EPOCH + slot).toISOString(),
      referrer_page: `/page/${randomInt(1, 50)}`,
    };
    if (type === 'SEARCH') event.search_query = `q${game}`;
    else if (type !== 'CLICK' || Math.random() < 0.5) event.game_id = game;
    if (Math.random() < 0.8) event.time_spent = randomInt(0, 300);
    return event;
  });
}

/** What the API answered, by event id. An event is in exactly one set. */
export interface Outcome {
  /** A 202 covered it. */
  accepted: Set<string>;
  /** Answered with an error status: not accepted (a retrying client sends it again). */
  refused: Set<string>;
  /** No answer (connection refused or reset, timeout): it may or may not have been queued. */
  unanswered: Set<string>;
  /** How many requests got each status (0: no answer). */
  statuses: Record<number, number>;
}

export interface SendOptions {
  clients?: number;
  /** Share of the events sent in batches (of up to `maxBatch`); the rest go one per request. */
  batchShare?: number;
  maxBatch?: number;
  /** Spread the requests over about this long (0: as fast as the API answers). */
  durationMs?: number;
  /** Send refused and unanswered events again, every `retryDelayMs`, until accepted or `deadline`. */
  retry?: { delayMs: number; deadline: number };
}

/** Splits the events into requests: `batchShare` of them in batches of random sizes, the rest singly. */
function toRequests(events: readonly TestEvent[], batchShare: number, maxBatch: number) {
  const inBatches = Math.round(events.length * batchShare);
  const requests: TestEvent[][] = [];
  for (let i = 0; i < inBatches;) {
    const size = Math.min(randomInt(2, maxBatch), inBatches - i);
    requests.push(events.slice(i, i + size));
    i += size;
  }
  for (const event of events.slice(inBatches)) requests.push([event]);
  return shuffled(requests);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** POSTs one request; resolves with its status (0 when no answer came). */
async function post(baseUrl: string, events: readonly TestEvent[]): Promise<number> {
  const [path, body] =
    events.length === 1 ? ['/api/v1/ingest', events[0]] : ['/api/v1/ingest/batch', { events }];
  let response: Response;
  let answer: { accepted?: number; duplicates?: number };
  try {
    response = await fetch(`${baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(10_000),
    });
    answer = (await response.json()) as typeof answer;
  } catch {
    return 0;
  }
  // Every event is valid: a batch is accepted whole, an id repeated in it counted once.
  const distinct = new Set(events.map((event) => event.event_id)).size;
  if (
    response.status === 202 &&
    events.length > 1 &&
    (answer.accepted !== distinct || answer.duplicates !== events.length - distinct)
  ) {
    throw new Error(
      `a batch of ${distinct} distinct valid events was answered ${JSON.stringify(answer)}`,
    );
  }
  return response.status;
}

/** Sends the events from `clients` concurrent clients and records each event's answer. */
export async function sendEvents(
  baseUrl: string | (() => string),
  events: readonly TestEvent[],
  { clients = 4, batchShare = 0.75, maxBatch = 100, durationMs = 0, retry }: SendOptions = {},
): Promise<Outcome> {
  const outcome: Outcome = {
    accepted: new Set(),
    refused: new Set(),
    unanswered: new Set(),
    statuses: {},
  };
  const queue = toRequests(events, batchShare, maxBatch);
  const pause = durationMs > 0 ? (durationMs * clients) / Math.max(1, queue.length) : 0;
  const urlOf = typeof baseUrl === 'string' ? () => baseUrl : baseUrl;

  async function client(): Promise<void> {
    for (let request = queue.shift(); request; request = queue.shift()) {
      const started = Date.now();
      for (;;) {
        const status = await post(urlOf(), request);
        outcome.statuses[status] = (outcome.statuses[status] ?? 0) + 1;
        const ids = request.map((event) => event.event_id);
        for (const set of [outcome.accepted, outcome.refused, outcome.unanswered]) {
          for (const id of ids) set.delete(id);
        }
        const into =
          status === 202 ? outcome.accepted : status === 0 ? outcome.unanswered : outcome.refused;
        for (const id of ids) into.add(id);
        if (status === 202 || !retry || Date.now() > retry.deadline) break;
        await sleep(retry.delayMs);
      }
      if (pause > 0) await sleep(pause - (Date.now() - started));
    }
  }

  await Promise.all(Array.from({ length: clients }, client));
  return outcome;
}
