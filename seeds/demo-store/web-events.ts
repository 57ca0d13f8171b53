/**
 * The demo interaction history: the Python service's 51 events (unchanged, including its
 * VIEWs of listing pages without a game), then a few hundred more over the last 30 days,
 * generated from each user's tastes by a seeded generator. Every event gets a fixed
 * `event_id`, and `occurred_at` = `received_at` = `timestamp` (no clock skew to correct).
 */
import { createHash } from 'node:crypto';
import type { EventType, Platform } from '../../src/models/enums';
import { GAMES } from './catalog';
import { createRandom, type Random } from './random';
import { hoursAgo } from './time';

type Filters = Record<string, string | boolean>;

interface Interaction {
  user_id: number;
  game_id: number | null;
  event_type: EventType;
  session_id: string;
  time_spent: number;
  referrer_page: string;
  platform: string;
  search_query: string | null;
  filters_applied: Filters | null;
  at: Date;
}

// prettier-ignore
const PYTHON_EVENTS: [user: number, game: number | null, type: EventType, session: string, timeSpent: number, referrer: string, platform: string, query: string | null, filters: Filters | null, hoursAgo: number][] = [
  // User 1 (retrogamer): Nintendo and the classics
  [1, 1, 'VIEW', 'session_1a', 180, '/games', 'Web', null, { platform: 'NES' }, 72],
  [1, 1, 'ADD_TO_CART', 'session_1a', 45, '/games/1', 'Web', null, null, 72],
  [1, 1, 'PURCHASE', 'session_1a', 120, '/cart', 'Web', null, null, 72],
  [1, null, 'VIEW', 'session_1b', 90, '/search', 'Web', 'mario', { publisher: 'Nintendo' }, 60],
  [1, 4, 'VIEW', 'session_1b', 240, '/games/4', 'Web', null, null, 59],
  [1, 4, 'WISHLIST', 'session_1b', 30, '/games/4', 'Web', null, null, 59],
  [1, null, 'VIEW', 'session_1c', 120, '/games', 'Mobile', null, { platform: 'SNES' }, 48],
  [1, 2, 'VIEW', 'session_1c', 150, '/games/2', 'Mobile', null, null, 48],
  [1, 2, 'REVIEW', 'session_1c', 300, '/games/2/review', 'Mobile', null, null, 48],
  [1, null, 'VIEW', 'session_1d', 60, '/search', 'Web', 'castlevania', null, 24],
  [1, 3, 'VIEW', 'session_1d', 180, '/games/3', 'Web', null, null, 24],
  [1, 3, 'ADD_TO_CART', 'session_1d', 45, '/games/3', 'Web', null, null, 24],
  [1, 3, 'REMOVE_FROM_CART', 'session_1d', 30, '/cart', 'Web', null, null, 24],
  [1, null, 'VIEW', 'session_1e', 90, '/games/featured', 'Web', null, { is_rare: true }, 12],
  [1, 1, 'VIEW', 'session_1e', 120, '/games/1', 'Web', null, null, 12],
  [1, 4, 'VIEW', 'session_1e', 150, '/games/4', 'Web', null, null, 11],
  // User 2 (collector): rare and valuable games
  [2, null, 'VIEW', 'session_2a', 120, '/search', 'Web', null, { is_rare: true }, 120],
  [2, 3, 'VIEW', 'session_2a', 300, '/games/3', 'Web', null, null, 120],
  [2, 3, 'WISHLIST', 'session_2a', 30, '/games/3', 'Web', null, null, 120],
  [2, null, 'VIEW', 'session_2b', 180, '/games', 'Mobile', null, { has_original_box: true }, 96],
  [2, 1, 'VIEW', 'session_2b', 240, '/games/1', 'Mobile', null, null, 96],
  [2, 1, 'ADD_TO_CART', 'session_2b', 60, '/games/1', 'Mobile', null, null, 96],
  [2, null, 'VIEW', 'session_2c', 90, '/search', 'Web', 'rare games', { condition_rating: '9' }, 72],
  [2, 3, 'VIEW', 'session_2c', 180, '/games/3', 'Web', null, null, 72],
  [2, 3, 'ADD_TO_CART', 'session_2c', 45, '/games/3', 'Web', null, null, 72],
  [2, 3, 'PURCHASE', 'session_2c', 120, '/cart', 'Web', null, null, 72],
  [2, null, 'VIEW', 'session_2d', 150, '/games/featured', 'Web', null, { special_edition: true }, 48],
  [2, 4, 'VIEW', 'session_2d', 210, '/games/4', 'Web', null, null, 48],
  [2, null, 'VIEW', 'session_2e', 120, '/search', 'Mobile', 'symphony of the night', null, 24],
  [2, 3, 'VIEW', 'session_2e', 180, '/games/3', 'Mobile', null, null, 24],
  [2, 3, 'REVIEW', 'session_2e', 300, '/games/3/review', 'Mobile', null, null, 24],
  [2, null, 'VIEW', 'session_2f', 90, '/games', 'Web', null, { platform: 'PS1' }, 6],
  [2, 3, 'VIEW', 'session_2f', 150, '/games/3', 'Web', null, null, 6],
  // User 3 (casual_player): browses widely, watches prices
  [3, null, 'VIEW', 'session_3a', 60, '/games/featured', 'Mobile', null, null, 168],
  [3, 4, 'VIEW', 'session_3a', 120, '/games/4', 'Mobile', null, null, 168],
  [3, 4, 'WISHLIST', 'session_3a', 30, '/games/4', 'Mobile', null, null, 168],
  [3, null, 'VIEW', 'session_3b', 90, '/search', 'Web', null, { price_under: '100' }, 144],
  [3, 2, 'VIEW', 'session_3b', 150, '/games/2', 'Web', null, null, 144],
  [3, 2, 'ADD_TO_CART', 'session_3b', 45, '/games/2', 'Web', null, null, 144],
  [3, 2, 'REMOVE_FROM_CART', 'session_3b', 30, '/cart', 'Web', null, null, 144],
  [3, null, 'VIEW', 'session_3c', 120, '/games', 'Mobile', null, { platform: 'SNES' }, 120],
  [3, 4, 'VIEW', 'session_3c', 180, '/games/4', 'Mobile', null, null, 120],
  [3, 4, 'ADD_TO_CART', 'session_3c', 45, '/games/4', 'Mobile', null, null, 120],
  [3, null, 'VIEW', 'session_3d', 90, '/search', 'Web', 'mario', null, 96],
  [3, 1, 'VIEW', 'session_3d', 120, '/games/1', 'Web', null, null, 96],
  [3, null, 'VIEW', 'session_3e', 60, '/games/featured', 'Web', null, { is_digital: true }, 72],
  [3, 3, 'VIEW', 'session_3e', 150, '/games/3', 'Web', null, null, 72],
  [3, null, 'VIEW', 'session_3f', 90, '/search', 'Mobile', 'fighting games', null, 48],
  [3, 4, 'VIEW', 'session_3f', 180, '/games/4', 'Mobile', null, null, 48],
  [3, 4, 'REVIEW', 'session_3f', 240, '/games/4/review', 'Mobile', null, null, 48],
  [3, null, 'VIEW', 'session_3g', 120, '/games', 'Web', null, { platform: 'GENESIS' }, 24],
  [3, 2, 'VIEW', 'session_3g', 150, '/games/2', 'Web', null, null, 24],
  [3, 2, 'WISHLIST', 'session_3g', 30, '/games/2', 'Web', null, null, 24],
];

// How much each user browses, from which devices, and which consoles they favour.
// prettier-ignore
const SHOPPERS: [user: number, sessions: number, devices: string[], platforms: Platform[]][] = [
  [1, 16, ['Web', 'Mobile', 'App'], ['NES', 'SNES', 'N64']],
  [2, 9, ['Web', 'Mobile'], ['SATURN', 'NEO_GEO', 'SEGA_CD', 'SNES']],
  [3, 6, ['Mobile', 'Web'], ['GAMEBOY', 'PS1', 'GENESIS']],
  [4, 5, ['Web'], ['NES', 'ATARI_2600']],
  [5, 6, ['Web', 'Mobile'], ['SNES', 'N64']],
  [6, 6, ['Web'], ['GENESIS', 'SEGA_CD']],
  [7, 5, ['Mobile'], ['SNES']],
  [8, 4, ['Mobile', 'App'], ['GAMEBOY', 'GAMEBOY_ADVANCE', 'NES']],
  [9, 7, ['Web'], ['NEO_GEO']],
  [10, 6, ['Web', 'App'], ['NES', 'SNES', 'PS1']],
  [11, 5, ['Mobile', 'App'], ['GAMEBOY', 'GAMEBOY_ADVANCE', 'DS', 'GAME_GEAR']],
  [12, 7, ['Web'], ['SNES', 'PS1', 'GENESIS']],
  [13, 5, ['Web', 'Mobile'], ['NEO_GEO', 'ATARI_2600', 'MULTI']],
  [14, 4, ['Web'], ['SEGA_CD', 'PS1', 'SATURN']],
  [15, 3, ['Mobile'], ['NES', 'SNES']],
  [16, 4, ['Web'], ['SNES', 'N64']],
  [17, 4, ['Mobile', 'Web'], ['N64', 'GAMECUBE']],
  [18, 3, ['Web'], ['PS2', 'MASTER_SYSTEM']],
  [19, 5, ['Web', 'App'], ['DREAMCAST', 'SATURN']],
  [20, 1, ['Web'], ['ATARI_2600']],
];

const FILTERS: Filters[] = [
  { price_under: '50' },
  { price_under: '100' },
  { is_rare: true },
  { has_original_box: true },
  { genre: 'RPG' },
  { publisher: 'Nintendo' },
  { condition_rating: '8' },
];

const ACTIVE_GAMES = GAMES.filter((game) => game.is_active);

/** A fixed UUID per event, shaped as a version 5 (name-based) UUID. */
export function demoEventId(index: number): string {
  const hex = createHash('sha1').update(`demo-store/web-event/${index}`).digest('hex');
  const variant = ((Number.parseInt(hex.charAt(16), 16) & 0x3) | 0x8).toString(16);
  const parts = [hex.slice(0, 8), hex.slice(8, 12), `5${hex.slice(13, 16)}`];
  return [...parts, `${variant}${hex.slice(17, 20)}`, hex.slice(20, 32)].join('-');
}

function pythonEvents(now: Date): Interaction[] {
  return PYTHON_EVENTS.map(
    ([user, game, type, session, timeSpent, referrer, platform, query, filters, hours]) => ({
      user_id: user,
      game_id: game,
      event_type: type,
      session_id: session,
      time_spent: timeSpent,
      referrer_page: referrer,
      platform,
      search_query: query,
      filters_applied: filters,
      at: hoursAgo(now, hours),
    }),
  );
}

/** A product page, where views, wishlists, cart additions and reviews happen. */
const gamePage = (gameId: number, suffix = '') => ({
  game_id: gameId,
  referrer_page: `/games/${gameId}${suffix}`,
});

/** One visit: maybe a search or a filtered listing, a few product pages, maybe a purchase. */
function session(random: Random, shopper: (typeof SHOPPERS)[number], number: number, now: Date) {
  const [user, , devices, platforms] = shopper;
  const favourites = ACTIVE_GAMES.filter((game) => platforms.includes(game.platform));
  const events: Interaction[] = [];
  const base = {
    user_id: user,
    session_id: `session_${user}_${number}`,
    platform: random.pick(devices),
    game_id: null,
    search_query: null,
    filters_applied: null,
  };
  // Start between 2 hours and 30 days ago, so the visit ends in the past and stays in range.
  let at = hoursAgo(now, random.int(2 * 60, 30 * 24 * 60 - 60) / 60);
  const add = (type: EventType, timeSpent: number, fields: Partial<Interaction>) => {
    events.push({
      ...base,
      referrer_page: '/',
      ...fields,
      event_type: type,
      time_spent: timeSpent,
      at,
    });
    at = new Date(at.getTime() + (timeSpent + random.int(5, 60)) * 1000);
  };

  if (random.chance(0.4)) {
    const query = random.pick(favourites).title.split(':')[0]?.toLowerCase() ?? null;
    const filters = random.chance(0.5) ? random.pick(FILTERS) : null;
    add('SEARCH', random.int(10, 90), {
      referrer_page: '/search',
      search_query: query,
      filters_applied: filters,
    });
  } else if (random.chance(0.6)) {
    const filters = random.chance(0.5)
      ? { platform: random.pick(platforms) }
      : random.pick(FILTERS);
    add('CLICK', random.int(5, 60), { referrer_page: '/games', filters_applied: filters });
  }

  const cart: number[] = [];
  for (let views = random.int(1, 4); views > 0; views--) {
    const game = random.chance(0.8) ? random.pick(favourites) : random.pick(ACTIVE_GAMES);
    add('VIEW', random.int(20, 300), gamePage(game.id));
    if (random.chance(0.12)) add('WISHLIST', random.int(5, 30), gamePage(game.id));
    if (random.chance(0.2)) {
      add('ADD_TO_CART', random.int(5, 60), gamePage(game.id));
      cart.push(game.id);
    }
    if (random.chance(0.04)) add('REVIEW', random.int(60, 600), gamePage(game.id, '/review'));
  }
  const removed = cart.length > 0 && random.chance(0.3) ? cart.pop() : undefined;
  if (removed !== undefined) {
    add('REMOVE_FROM_CART', random.int(5, 40), { game_id: removed, referrer_page: '/cart' });
  }
  if (cart.length > 0 && random.chance(0.4)) {
    for (const game of cart) {
      add('PURCHASE', random.int(30, 180), { game_id: game, referrer_page: '/cart' });
    }
  }
  return events;
}

function generatedEvents(now: Date): Interaction[] {
  const random = createRandom(20_260_101);
  return SHOPPERS.flatMap((shopper) =>
    Array.from({ length: shopper[1] }, (_, index) =>
      session(random, shopper, index + 1, now),
    ).flat(),
  );
}

export function webEvents(now: Date) {
  return [...pythonEvents(now), ...generatedEvents(now)].map(
    ({ at, filters_applied, ...event }, index) => ({
      event_id: demoEventId(index + 1),
      ...event,
      filters_applied: filters_applied === null ? null : JSON.stringify(filters_applied),
      timestamp: at,
      occurred_at: at,
      received_at: at,
    }),
  );
}
