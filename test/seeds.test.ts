/**
 * The demo store seed (`npx knex seed:run`): it holds the Python service's facts plus enough
 * data for the insights, and running it again leaves the same rows.
 */
import test from 'ava';
import type { Knex } from 'knex';
import type { Config } from '../src/config';
import { verifyPassword } from '../src/passwords';
import { dropTestSchema, migrateTestSchema, testConfig } from './helpers/test-env';

let config: Config;
let db: Knex;

test.before(async () => {
  config = testConfig();
  db = await migrateTestSchema(config, { seed: true });
});

test.after.always(async () => {
  if (db) await dropTestSchema(db, config);
});

/** Rows per table, for every table of the schema but knex's own and web_events' partitions. */
async function rowCounts() {
  const tables = await db('information_schema.tables')
    .where('table_schema', config.dbSchema)
    .whereNot('table_name', 'like', 'knex%')
    .whereNot('table_name', 'like', 'web\\_events\\_%')
    .orderBy('table_name')
    .pluck('table_name');
  const counts: Record<string, number> = {};
  for (const table of tables) {
    const [row] = await db(table).count<{ n: string }[]>({ n: '*' });
    counts[table] = Number(row?.n);
  }
  return counts;
}

const eventIds = () => db('web_events').orderBy('id').pluck('event_id');

// Serial: it replaces every row, and the other tests read them.
test.serial('seeding again leaves the same rows and a working sequence per table', async (t) => {
  const before = { counts: await rowCounts(), eventIds: await eventIds() };
  await db.seed.run();
  t.deepEqual(await rowCounts(), before.counts);
  t.deepEqual(await eventIds(), before.eventIds);

  // Every table the seed fills (the erasures audit starts empty).
  const { erasures, ...seeded } = before.counts;
  t.is(erasures, 0);
  t.true(Object.values(seeded).every((count) => count > 0));
  t.is(before.counts.web_event_ids, before.counts.web_events);
  t.true(before.counts.games! >= 40);
  t.true(before.counts.users! >= 20);
  t.true(before.counts.web_events! >= 200);

  // Rows were inserted with their ids: each sequence must have been moved past them.
  const sequences = await db('pg_sequences')
    .where('schemaname', config.dbSchema)
    .select('sequencename', 'last_value');
  const withOwnIds = Object.keys(before.counts).filter(
    (name) => !['game_genre', 'web_events', 'web_event_ids', 'erasures'].includes(name),
  );
  for (const table of withOwnIds) {
    const [row] = await db(table).max({ max: 'id' });
    const sequence = sequences.find(({ sequencename }) => sequencename === `${table}_id_seq`);
    t.is(Number(sequence?.last_value), Number(row?.max), `${table}_id_seq`);
  }
  const [publisher] = await db('publishers').insert({ name: 'Newcomer' }, ['id']);
  t.is(publisher.id, before.counts.publishers! + 1);
  await db('publishers').where('id', publisher.id).delete();
});

test.serial('seeding keeps the events ingested since, and replaces only its own', async (t) => {
  const at = new Date(Date.now() - 60_000);
  const ingested = {
    event_id: '6f1c1f0e-0000-4000-8000-00000000abcd',
    user_id: 1,
    session_id: 'live',
    event_type: 'CLICK',
    timestamp: at,
    occurred_at: at,
    received_at: at,
    referrer_page: '/',
  };
  await db('web_events').insert(ingested);
  const demoCount = (await rowCounts()).web_events!;
  await db.seed.run();
  t.is((await rowCounts()).web_events, demoCount);
  t.is((await db('web_events').where('event_id', ingested.event_id)).length, 1);
});

test('the Python service’s catalog and customers are there, unchanged', async (t) => {
  const mario = await db('games')
    .join('publishers', 'publishers.id', 'games.publisher_id')
    .where('games.id', 1)
    .first('games.*', 'publishers.name as publisher');
  t.like(mario, {
    title: 'Super Mario Bros. 3',
    price: '149.99',
    platform: 'NES',
    region: 'NTSC_US',
    condition_rating: 9,
    collector_value: '299.99',
    serial_number: 'NES-QW-USA',
    is_rare: true,
    special_edition: false,
    publisher: 'Nintendo',
  });
  const castlevaniaGenres = await db('game_genre')
    .where('game_id', 3)
    .orderBy('genre_id')
    .pluck('genre_id');
  t.deepEqual(castlevaniaGenres, [2, 4]);

  const users = await db('users').whereIn('id', [1, 2, 3]).orderBy('id').pluck('username');
  t.deepEqual(users, ['retrogamer', 'collector', 'casual_player']);
  const firstOrder = await db('orders').where('id', 1).first();
  t.like(firstOrder, { user_id: 1, status: 'DELIVERED', total_amount: '239.98' });
  t.deepEqual(await db('order_items').where('order_id', 1).orderBy('id').pluck('game_id'), [1, 2]);
  t.like(await db('cart_items').where('id', 1).first(), { cart_id: 1, game_id: 4, quantity: 1 });
});

test('demo users have real password hashes', async (t) => {
  const { hashed_password: stored } = await db('users').where('username', 'retrogamer').first();
  t.true(await verifyPassword('demo-retrogamer', stored));
  t.false(await verifyPassword('hashed_password_1', stored));
});

test('retrogamer is among the busiest, viewing from several platforms with filters', async (t) => {
  const busiest = await db('web_events')
    .groupBy('user_id')
    .orderByRaw('count(*) desc')
    .limit(3)
    .pluck('user_id');
  t.true(busiest.includes(1));

  const viewPlatforms = await db('web_events')
    .where({ user_id: 1, event_type: 'VIEW' })
    .distinct('platform')
    .pluck('platform');
  t.true(viewPlatforms.length >= 2);

  const filters = await db('web_events')
    .where('user_id', 1)
    .whereNotNull('filters_applied')
    .pluck('filters_applied');
  t.true(filters.length > 0);
  t.true(filters.every((value) => typeof value === 'object' && value !== null));
});

test('web events span the last 30 days, none in the future, event time as sent', async (t) => {
  const [span] = await db('web_events').select(
    db.raw('min(occurred_at) >= now() - interval \'30 days\' as "fromLastMonth"'),
    db.raw('max(occurred_at) <= now() as "noneAhead"'),
    db.raw('max(occurred_at) - min(occurred_at) > interval \'20 days\' as "spread"'),
    db.raw('bool_and(occurred_at = "timestamp" and received_at = "timestamp") as "asSent"'),
    db.raw('count(distinct event_type) as "types"'),
  );
  t.like(span, { fromLastMonth: true, noneAhead: true, spread: true, asSent: true });
  t.true(Number(span.types) >= 7);
});
