/**
 * The Objection models against a real schema: their relation mappings load the graphs the
 * API answers with, their JSON schemas refuse what the database would refuse, and passwords
 * hash and verify.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { ValidationError } from 'objection';
import type { Config } from '../src/config';
import { Cart, Game, Genre, Publisher, User, WebEvent } from '../src/models';
import { hashPassword, verifyPassword } from '../src/passwords';
import { dropTestSchema, migrateTestSchema, testConfig } from './helpers/test-env';

let config: Config;
let db: Knex;
let nintendo: Publisher;
let genres: Genre[];
let mario: Game;
let zelda: Game;

test.before(async () => {
  config = testConfig();
  db = await migrateTestSchema(config);
  nintendo = await Publisher.query().insert({ name: 'Nintendo', founded_year: 1889 });
  genres = await Genre.query().insert([{ name: 'Platform' }, { name: 'Action-Adventure' }]);
  const catalog = { publisher_id: nintendo.id, platform: 'NES', region: 'NTSC_US' } as const;
  mario = await Game.query().insertGraph(
    { ...catalog, title: 'Super Mario Bros. 3', price: '149.99', genres: [{ id: genres[0]!.id }] },
    { relate: true },
  );
  zelda = await Game.query().insertGraph(
    {
      ...catalog,
      title: 'The Legend of Zelda',
      price: 79.99,
      genres: genres.map(({ id }) => ({ id })),
    },
    { relate: true },
  );
});

test.after.always(async () => {
  if (db) await dropTestSchema(db, config);
});

const webEvent = (user_id: number, game_id: number | null) => ({
  event_id: randomUUID(),
  user_id,
  game_id,
  session_id: 'models-test',
  event_type: 'VIEW' as const,
  timestamp: new Date(),
  occurred_at: new Date(),
  referrer_page: '/games',
  filters_applied: { platform: 'NES' },
});

const newUser = async (username: string) =>
  User.query().insert({
    username,
    email: `${username}@example.com`,
    hashed_password: await hashPassword(`${username}-secret`),
  });

test('a game loads with its publisher and its genres', async (t) => {
  const game = await Game.query()
    .findById(zelda.id)
    .withGraphFetched('[publisher, genres(byName)]')
    .modifiers({ byName: (query) => query.orderBy('name') })
    .throwIfNotFound();

  t.is(game.publisher?.name, 'Nintendo');
  t.deepEqual(
    game.genres?.map((genre) => genre.name),
    ['Action-Adventure', 'Platform'],
  );
  t.is(Number(game.price), 79.99);
});

test('a publisher and a genre load their games', async (t) => {
  const publisher = await Publisher.query().findById(nintendo.id).withGraphFetched('games');
  t.deepEqual(publisher?.games?.map((game) => game.title).sort(), [
    'Super Mario Bros. 3',
    'The Legend of Zelda',
  ]);
  const platform = await Genre.query().findById(genres[0]!.id).withGraphFetched('games');
  t.is(platform?.games?.length, 2);
});

test('a user loads with their orders, the orders’ items and the items’ games', async (t) => {
  const user = await newUser('buyer');
  await User.relatedQuery('orders')
    .for(user.id)
    .insertGraph({
      status: 'DELIVERED',
      total_amount: '229.98',
      items: [
        { game_id: mario.id, quantity: 1, unit_price: '149.99' },
        { game_id: zelda.id, quantity: 1, unit_price: '79.99' },
      ],
    });

  const loaded = await User.query()
    .findById(user.id)
    .withGraphFetched('[orders.items(byId).game, reviews, cart]')
    .modifiers({ byId: (query) => query.orderBy('id') })
    .throwIfNotFound();

  t.is(loaded.orders?.length, 1);
  const [order] = loaded.orders ?? [];
  t.like(order, { status: 'DELIVERED', user_id: user.id });
  t.deepEqual(
    order?.items?.map((item) => item.game?.title),
    ['Super Mario Bros. 3', 'The Legend of Zelda'],
  );
  t.deepEqual(loaded.reviews, []);
  t.is(loaded.cart, null);
});

test('a cart loads with its user, its items and their games', async (t) => {
  const user = await newUser('shopper');
  const cart = await Cart.query().insertGraph({
    user_id: user.id,
    items: [{ game_id: zelda.id, quantity: 2 }],
  });

  const loaded = await Cart.query()
    .findById(cart.id)
    .withGraphFetched('[user, items.game.publisher]')
    .throwIfNotFound();
  t.is(loaded.user?.username, 'shopper');
  t.is(loaded.items?.length, 1);
  t.like(loaded.items?.[0], { quantity: 2, game_id: zelda.id });
  t.is(loaded.items?.[0]?.game?.publisher?.name, 'Nintendo');

  const owner = await User.query().findById(user.id).withGraphFetched('cart.items');
  t.is(owner?.cart?.items?.[0]?.game_id, zelda.id);
});

test('a web event finds its user and game when the catalog knows them, null otherwise', async (t) => {
  const user = await newUser('browser');
  const known = await WebEvent.query().insert(webEvent(user.id, mario.id));
  const unknown = await WebEvent.query().insert(webEvent(424_242, 535_353));

  const [first, second] = await WebEvent.query()
    .findByIds([known.id, unknown.id])
    .withGraphFetched('[user, game]')
    .orderBy('id');
  t.is(first?.user?.username, 'browser');
  t.is(first?.game?.title, 'Super Mario Bros. 3');
  t.deepEqual(first?.filters_applied, { platform: 'NES' });
  t.is(second?.user, null);
  t.is(second?.game, null);
});

test('the JSON schemas refuse what the CHECK constraints would', async (t) => {
  const base = {
    title: 'Bad',
    price: 1,
    publisher_id: nintendo.id,
    platform: 'NES',
    region: 'PAL',
  };
  for (const bad of [
    { platform: 'WII' },
    { region: 'MARS' },
    { price: -1 },
    { condition_rating: 0 },
  ]) {
    await t.throwsAsync(Game.query().insert({ ...base, ...bad } as never), {
      instanceOf: ValidationError,
    });
  }
  await t.throwsAsync(
    WebEvent.query().insert({ ...webEvent(1, null), event_type: 'HOVER' } as never),
    {
      instanceOf: ValidationError,
    },
  );
});

test('a password hash verifies the password and nothing else', async (t) => {
  const stored = await hashPassword('correct horse battery staple');
  t.regex(stored, /^scrypt\$\d+\$\d+\$\d+\$[A-Za-z0-9+/=]+\$[A-Za-z0-9+/=]+$/);
  t.true(await verifyPassword('correct horse battery staple', stored));
  t.false(await verifyPassword('correct horse battery stapler', stored));
  t.false(await verifyPassword('', stored));
  // A fresh salt each time: equal passwords do not give equal hashes.
  t.not(await hashPassword('correct horse battery staple'), stored);
  // The Python service's placeholders and corrupt rows verify nothing.
  t.false(await verifyPassword('hashed_password_1', 'hashed_password_1'));
  t.false(await verifyPassword('x', stored.replace(/^scrypt\$\d+/, 'scrypt$1073741824')));
});
