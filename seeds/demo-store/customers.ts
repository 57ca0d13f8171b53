/**
 * The demo customers and their purchases: the Python service's three users, reviews, two
 * orders and one cart (ids unchanged), plus seventeen more users and their history.
 * Every demo user's password is `demo-<username>`.
 */
import type { OrderStatus } from '../../src/models/enums';
import { GAMES } from './catalog';
import { daysAgo } from './time';

// prettier-ignore
const USERS: [id: number, username: string, email: string, joinedDaysAgo: number, isActive: boolean][] = [
  [1, 'retrogamer', 'retro@example.com', 365, true],
  [2, 'collector', 'collector@example.com', 182, true],
  [3, 'casual_player', 'casual@example.com', 30, true],
  [4, 'pixel_pilot', 'pixel.pilot@example.com', 300, true],
  [5, 'cartridge_queen', 'cartridge.queen@example.com', 280, true],
  [6, 'blast_processor', 'blast.processor@example.com', 250, true],
  [7, 'mode7_dreamer', 'mode7.dreamer@example.com', 240, true],
  [8, 'chiptune_kid', 'chiptune.kid@example.com', 210, true],
  [9, 'neo_geo_nut', 'neo.geo.nut@example.com', 200, true],
  [10, 'speedrun_sam', 'speedrun.sam@example.com', 160, true],
  [11, 'handheld_hero', 'handheld.hero@example.com', 150, true],
  [12, 'rpg_marathoner', 'rpg.marathoner@example.com', 140, true],
  [13, 'arcade_ace', 'arcade.ace@example.com', 120, true],
  [14, 'cd_rom_rachel', 'cd.rom.rachel@example.com', 100, true],
  [15, 'warp_zone', 'warp.zone@example.com', 90, true],
  [16, 'boxed_and_mint', 'boxed.and.mint@example.com', 75, true],
  [17, 'couch_coop', 'couch.coop@example.com', 60, true],
  [18, 'pal_purist', 'pal.purist@example.com', 45, true],
  [19, 'dreamcast_forever', 'dreamcast.forever@example.com', 20, true],
  [20, 'lapsed_player', 'lapsed.player@example.com', 400, false],
];

// prettier-ignore
const REVIEWS: [id: number, gameId: number, userId: number, rating: number, comment: string, daysAgo: number][] = [
  [1, 1, 1, 5, 'Best Mario game ever!', 0],
  [2, 2, 1, 4, 'Classic SEGA gameplay', 0],
  [3, 3, 2, 5, 'A masterpiece of game design', 0],
  [4, 4, 3, 4, 'Great fighting game', 0],
  [5, 14, 12, 5, 'Every one of the endings is worth chasing.', 40],
  [6, 33, 2, 5, 'Worth every cent, disc four included.', 60],
  [7, 44, 9, 5, 'The sprite work still stuns.', 20],
  [8, 19, 17, 4, 'Oddjob is banned in our house.', 15],
  [9, 38, 10, 4, 'The licence tests are brutal but fair.', 25],
  [10, 20, 11, 5, 'Still the perfect handheld game.', 12],
  [11, 36, 12, 4, 'Great story; the translation shows its age.', 90],
  [12, 26, 6, 5, 'That soundtrack!', 33],
  [13, 17, 1, 5, 'The camera aged, the joy did not.', 120],
  [14, 16, 16, 5, 'Arrived complete with the guide.', 45],
  [15, 42, 13, 3, 'Fun for ten minutes at a time.', 8],
  [16, 34, 19, 5, 'Forklift racing forever.', 70],
  [17, 39, 14, 4, 'The voice acting is a treasure.', 18],
  [18, 41, 18, 5, 'Plays fine at 50 Hz.', 50],
  [19, 11, 7, 5, 'Cape feather for life.', 10],
];

// Lines are [game id, quantity]; each is charged the game's catalog price.
// prettier-ignore
const ORDERS: [id: number, userId: number, status: OrderStatus, daysAgo: number, lines: [number, number][]][] = [
  [1, 1, 'DELIVERED', 30, [[1, 1], [2, 1]]],
  [2, 2, 'PAID', 7, [[3, 1]]],
  [3, 12, 'DELIVERED', 60, [[14, 1], [36, 1]]],
  [4, 9, 'SHIPPED', 5, [[44, 1]]],
  [5, 17, 'DELIVERED', 20, [[19, 2]]],
  [6, 2, 'DELIVERED', 90, [[33, 1]]],
  [7, 6, 'PROCESSING', 2, [[26, 1], [25, 1]]],
  [8, 10, 'CANCELLED', 14, [[38, 1]]],
  [9, 11, 'REFUNDED', 25, [[21, 1]]],
  [10, 1, 'PENDING', 0, [[17, 1]]],
  [11, 16, 'DELIVERED', 45, [[16, 1]]],
  [12, 19, 'SHIPPED', 3, [[34, 1], [35, 1]]],
];

// Lines are [game id, quantity].
// prettier-ignore
const CARTS: [id: number, userId: number, daysAgo: number, lines: [number, number][]][] = [
  [1, 3, 1, [[4, 1]]],
  [2, 1, 0, [[13, 1]]],
  [3, 5, 4, [[12, 1], [18, 1]]],
  [4, 13, 2, [[45, 1]]],
];

function priceOf(gameId: number): string {
  const game = GAMES.find((candidate) => candidate.id === gameId);
  if (!game) throw new Error(`demo customers: unknown game ${gameId}`);
  return game.price;
}

/** Cents, so that totals add up exactly. */
const cents = (amount: string) => Math.round(Number(amount) * 100);

export const demoPassword = (username: string) => `demo-${username}`;

export function users(now: Date) {
  return USERS.map(([id, username, email, joined, isActive]) => ({
    id,
    username,
    email,
    is_active: isActive,
    created_at: daysAgo(now, joined),
    updated_at: daysAgo(now, joined),
  }));
}

export function reviews(now: Date) {
  return REVIEWS.map(([id, gameId, userId, rating, comment, days]) => ({
    id,
    game_id: gameId,
    user_id: userId,
    rating,
    comment,
    created_at: daysAgo(now, days),
  }));
}

export function orders(now: Date) {
  return ORDERS.map(([id, userId, status, days, lines]) => {
    const total = lines.reduce(
      (sum, [gameId, quantity]) => sum + cents(priceOf(gameId)) * quantity,
      0,
    );
    return {
      id,
      user_id: userId,
      status,
      total_amount: (total / 100).toFixed(2),
      created_at: daysAgo(now, days),
      updated_at: daysAgo(now, days),
    };
  });
}

export function orderItems() {
  let id = 0;
  return ORDERS.flatMap(([orderId, , , , lines]) =>
    lines.map(([gameId, quantity]) => ({
      id: ++id,
      order_id: orderId,
      game_id: gameId,
      quantity,
      unit_price: priceOf(gameId),
    })),
  );
}

export function carts(now: Date) {
  return CARTS.map(([id, userId, days]) => ({
    id,
    user_id: userId,
    created_at: daysAgo(now, days),
    updated_at: daysAgo(now, days),
  }));
}

export function cartItems() {
  let id = 0;
  return CARTS.flatMap(([cartId, , , lines]) =>
    lines.map(([gameId, quantity]) => ({ id: ++id, cart_id: cartId, game_id: gameId, quantity })),
  );
}
