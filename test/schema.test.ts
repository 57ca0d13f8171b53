/**
 * The migrations against a real PostgreSQL schema: they undo what they do, and the
 * constraints the API relies on (checked enums, unique keys, foreign keys) hold.
 */
import test, { type ExecutionContext } from 'ava';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { PLATFORMS, REGIONS } from '../src/models/enums';
import { dropTestSchema, migrateTestSchema, testConfig } from './helpers/test-env';

const KNEX_TABLES = ['knex_migrations', 'knex_migrations_lock'];
const DATA_TABLES = [
  'cart_items',
  'carts',
  'erasures',
  'game_genre',
  'games',
  'genres',
  'order_items',
  'orders',
  'publishers',
  'reviews',
  'users',
  'web_event_ids',
  'web_events',
];

let config: Config;
let db: Knex;
let publisherId: number;
let userId: number;

test.before(async () => {
  config = testConfig();
  db = await migrateTestSchema(config);
  [{ id: publisherId }] = await db('publishers').insert({ name: 'Fixture Games' }, ['id']);
  [{ id: userId }] = await db('users').insert(
    { username: 'fixture_user', email: 'fixture@example.com', hashed_password: 'x' },
    ['id'],
  );
});

test.after.always(async () => {
  if (db) await dropTestSchema(db, config);
});

async function relationsIn(knex: Knex, schema: string) {
  const tables = await knex('information_schema.tables')
    .where('table_schema', schema)
    .orderBy('table_name')
    .pluck('table_name');
  const sequences = await knex('information_schema.sequences')
    .where('sequence_schema', schema)
    .orderBy('sequence_name')
    .pluck('sequence_name');
  return { tables, sequences };
}

const game = (overrides: Record<string, unknown> = {}) => ({
  title: 'Fixture',
  price: '10.00',
  publisher_id: publisherId,
  platform: 'NES',
  region: 'NTSC_US',
  ...overrides,
});

const webEvent = (overrides: Record<string, unknown> = {}) => ({
  event_id: randomUUID(),
  user_id: userId,
  session_id: 'schema-test',
  event_type: 'VIEW',
  timestamp: new Date(),
  occurred_at: new Date(),
  referrer_page: '/',
  ...overrides,
});

/** Asserts that a statement fails with this SQLSTATE, on this constraint. */
async function violates(
  t: ExecutionContext,
  query: PromiseLike<unknown>,
  code: string,
  constraint: string,
) {
  const error = await t.throwsAsync(Promise.resolve(query), { code });
  t.is((error as Error & { constraint?: string }).constraint, constraint);
}

const CHECK_VIOLATION = '23514';
const UNIQUE_VIOLATION = '23505';
const FOREIGN_KEY_VIOLATION = '23503';

test('migrating up, rolling everything back and up again leaves exactly the data model', async (t) => {
  const own = testConfig();
  const knex = await migrateTestSchema(own);
  try {
    const migrated = await relationsIn(knex, own.dbSchema);
    // web_events' monthly partitions are tables too (test/partitioning.test.ts checks them).
    const partitions = migrated.tables.filter((name) => name.startsWith('web_events_'));
    t.true(partitions.includes('web_events_default'));
    t.deepEqual(
      migrated.tables.filter((name) => !partitions.includes(name)),
      [...DATA_TABLES, ...KNEX_TABLES].sort(),
    );

    await knex.migrate.rollback(undefined, true);
    const rolledBack = await relationsIn(knex, own.dbSchema);
    t.deepEqual(rolledBack.tables, KNEX_TABLES);
    t.true(rolledBack.sequences.every((name) => name.startsWith('knex_migrations')));

    await knex.migrate.latest();
    t.deepEqual(await relationsIn(knex, own.dbSchema), migrated);
  } finally {
    await dropTestSchema(knex, own);
  }
});

test('games take every listed platform and region, and the column defaults', async (t) => {
  const rows = [
    ...PLATFORMS.map((platform) => game({ platform })),
    ...REGIONS.map((region) => game({ region })),
  ];
  const inserted = await db('games').insert(rows, '*');
  t.is(inserted.length, PLATFORMS.length + REGIONS.length);
  t.like(inserted[0], { platform: 'NES', stock: 0, is_active: true, is_rare: false });
});

test('the checked enums reject a value that is not listed', async (t) => {
  await violates(
    t,
    db('games').insert(game({ platform: 'WII' })),
    CHECK_VIOLATION,
    'games_platform_check',
  );
  await violates(
    t,
    db('games').insert(game({ region: 'MARS' })),
    CHECK_VIOLATION,
    'games_region_check',
  );
  await violates(
    t,
    db('orders').insert({ user_id: userId, status: 'LOST' }),
    CHECK_VIOLATION,
    'orders_status_check',
  );
  await violates(
    t,
    db('web_events').insert(webEvent({ event_type: 'HOVER' })),
    CHECK_VIOLATION,
    'web_events_event_type_check',
  );
});

test('range checks reject a negative price, a rating of 6 and a day-long page view', async (t) => {
  await violates(
    t,
    db('games').insert(game({ price: '-1' })),
    CHECK_VIOLATION,
    'games_price_check',
  );
  await violates(
    t,
    db('games').insert(game({ condition_rating: 11 })),
    CHECK_VIOLATION,
    'games_condition_rating_check',
  );
  const [{ id: gameId }] = await db('games').insert(game(), ['id']);
  await violates(
    t,
    db('reviews').insert({ game_id: gameId, user_id: userId, rating: 6 }),
    CHECK_VIOLATION,
    'reviews_rating_check',
  );
  await violates(
    t,
    db('web_events').insert(webEvent({ time_spent: 86_401 })),
    CHECK_VIOLATION,
    'web_events_time_spent_check',
  );
});

test('unique keys reject a second username, email, genre name and event id', async (t) => {
  const user = { username: 'twin', email: 'twin@example.com', hashed_password: 'x' };
  await db('users').insert(user);
  await violates(
    t,
    db('users').insert({ ...user, email: 'other@example.com' }),
    UNIQUE_VIOLATION,
    'users_username_unique',
  );
  await violates(
    t,
    db('users').insert({ ...user, username: 'other' }),
    UNIQUE_VIOLATION,
    'users_email_unique',
  );

  await db('genres').insert({ name: 'Shmup' });
  await violates(t, db('genres').insert({ name: 'Shmup' }), UNIQUE_VIOLATION, 'genres_name_unique');

  // web_events is partitioned by month: its event ids are kept unique by web_event_ids.
  const { event_id: eventId } = webEvent();
  await db('web_event_ids').insert({ event_id: eventId });
  await violates(
    t,
    db('web_event_ids').insert({ event_id: eventId }),
    UNIQUE_VIOLATION,
    'web_event_ids_pkey',
  );
});

test('a web event may name a user and a game the catalog does not know', async (t) => {
  const event = webEvent({ user_id: 987_654, game_id: 123_456 });
  await db('web_events').insert(event);
  const row = await db('web_events').where('event_id', event.event_id).first();
  t.like(row, { user_id: 987_654, game_id: 123_456, event_type: 'VIEW' });
  t.true(row.received_at instanceof Date);
});

test('a genre still used by a game cannot be deleted; deleting the game unlinks it', async (t) => {
  const [{ id: genreId }] = await db('genres').insert({ name: 'Metroidvania' }, ['id']);
  const [{ id: gameId }] = await db('games').insert(game({ title: 'Linked' }), ['id']);
  await db('game_genre').insert({ game_id: gameId, genre_id: genreId });

  await violates(
    t,
    db('genres').where('id', genreId).delete(),
    FOREIGN_KEY_VIOLATION,
    'game_genre_genre_id_foreign',
  );

  await db('games').where('id', gameId).delete();
  t.deepEqual(await db('game_genre').where('genre_id', genreId), []);
  t.is(await db('genres').where('id', genreId).delete(), 1);
});

test('an order keeps its games: a game that was ordered cannot be deleted', async (t) => {
  const [{ id: gameId }] = await db('games').insert(game({ title: 'Sold' }), ['id']);
  const [{ id: orderId }] = await db('orders').insert({ user_id: userId }, ['id']);
  await db('order_items').insert({
    order_id: orderId,
    game_id: gameId,
    quantity: 1,
    unit_price: '10.00',
  });

  await violates(
    t,
    db('games').where('id', gameId).delete(),
    FOREIGN_KEY_VIOLATION,
    'order_items_game_id_foreign',
  );
  await db('orders').where('id', orderId).delete();
  t.deepEqual(await db('order_items').where('order_id', orderId), []);
});
