/**
 * `npx knex seed:run`: replaces the catalog and customer tables with the demo store
 * (seeds/demo-store/*), and replaces the demo's own web events (known by their event ids)
 * while leaving every ingested event in place: the history is never wiped by a seed.
 * It can be run again at any time and leaves the same rows.
 */
import type { Knex } from 'knex';
import { hashPassword } from '../src/passwords';
import { GAMES, GAME_GENRES, GENRES, PUBLISHERS } from './demo-store/catalog';
import {
  cartItems,
  carts,
  demoPassword,
  orderItems,
  orders,
  reviews,
  users,
} from './demo-store/customers';
import { webEvents } from './demo-store/web-events';

/** In insertion order: each table after the tables it references. */
const CATALOG_TABLES = [
  'publishers',
  'genres',
  'games',
  'game_genre',
  'users',
  'reviews',
  'orders',
  'order_items',
  'carts',
  'cart_items',
] as const;

export async function seed(knex: Knex): Promise<void> {
  const now = new Date();
  // Hashed before the transaction opens: scrypt is slow on purpose.
  const people = await Promise.all(
    users(now).map(async (user) => ({
      ...user,
      hashed_password: await hashPassword(demoPassword(user.username)),
    })),
  );
  const rows: Record<(typeof CATALOG_TABLES)[number], object[]> = {
    publishers: PUBLISHERS,
    genres: GENRES,
    games: GAMES,
    game_genre: GAME_GENRES,
    users: people,
    reviews: reviews(now),
    orders: orders(now),
    order_items: orderItems(),
    carts: carts(now),
    cart_items: cartItems(),
  };
  const events = webEvents(now);

  await knex.transaction(async (trx) => {
    await trx.raw('TRUNCATE ?? RESTART IDENTITY CASCADE', [[...CATALOG_TABLES]]);
    for (const table of CATALOG_TABLES) await trx(table).insert(rows[table]);
    // Each event's id also goes to web_event_ids, which keeps event_id unique across the
    // monthly partitions (migrations/20260101000004_partition_web_events.ts).
    const ids = events.map((event) => event.event_id);
    await trx('web_events').whereIn('event_id', ids).delete();
    await trx('web_event_ids').whereIn('event_id', ids).delete();
    await trx.batchInsert(
      'web_event_ids',
      ids.map((event_id) => ({ event_id })),
      500,
    );
    await trx.batchInsert('web_events', events, 500);
    // The rows carry their ids, so the sequences must be moved past them by hand.
    for (const table of CATALOG_TABLES.filter((name) => name !== 'game_genre')) {
      await trx.raw(`SELECT setval(pg_get_serial_sequence(?, 'id'), (SELECT max(id) FROM ??))`, [
        table,
        table,
      ]);
    }
  });
}
