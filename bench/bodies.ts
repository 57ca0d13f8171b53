/**
 * Request bodies for the load, built from string templates so that the load generator
 * spends little CPU on them (it shares the machine with the service). Every event is
 * different: its `event_id` comes from a counter, so no event is a duplicate; users,
 * games and event types rotate through a fixed, realistic mix.
 */
import { randomBytes } from 'node:crypto';

/** Distinct users the load spreads over (each with one session). */
export const USERS = 10_000;
const GAMES = 500;
/** Seven views in ten: the recency job's heaviest path. */
const TYPES = [
  'VIEW',
  'VIEW',
  'VIEW',
  'CLICK',
  'VIEW',
  'SEARCH',
  'VIEW',
  'ADD_TO_CART',
  'VIEW',
  'WISHLIST',
];

const RUN_ID = randomBytes(4).toString('hex');
let counter = 0;

/** murmur3's 32-bit finalizer: consecutive counters give unrelated users, games and types. */
function mix(n: number): number {
  let h = n ^ (n >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** A UUID unique within this bench run (and across runs, by its random first group). */
export function nextEventId(): string {
  counter += 1;
  return `${RUN_ID}-0000-4000-8000-${counter.toString(16).padStart(12, '0')}`;
}

let stamp = '';
let stampedAt = 0;

/** An ISO time a second ago, recomputed at most every 10 ms (cheap per event). */
function recentTimestamp(): string {
  const now = Date.now();
  if (now - stampedAt >= 10) {
    stampedAt = now;
    stamp = new Date(now - 1_000).toISOString();
  }
  return stamp;
}

/** One event as JSON; `userId`/`gameId` chosen from the counter unless given. */
export function eventJson(userId?: number, gameId?: number): string {
  const id = nextEventId();
  const user = userId ?? (mix(counter) % USERS) + 1;
  const game = gameId ?? (mix(counter ^ 0x5bd1e995) % GAMES) + 1;
  const type = gameId === undefined ? TYPES[mix(counter + 0x27d4eb2d) % TYPES.length]! : 'VIEW';
  const gameField = type === 'CLICK' || type === 'SEARCH' ? '' : `"game_id":${game},`;
  const search = type === 'SEARCH' ? `"search_query":"retro rpg",` : '';
  const timestamp = recentTimestamp();
  return (
    `{"event_id":"${id}","user_id":${user},"session_id":"bench-${user}","event_type":"${type}",` +
    `${gameField}${search}"timestamp":"${timestamp}","referrer_page":"/games/${game}",` +
    `"time_spent":30,"platform":"web"}`
  );
}

/** A batch body of `size` events. */
export function batchJson(size: number): string {
  const events = Array.from({ length: size }, () => eventJson());
  return `{"events":[${events.join(',')}]}`;
}
