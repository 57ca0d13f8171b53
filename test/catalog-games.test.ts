/**
 * The catalog's games (SPEC §4.4): answered with their publisher and genres, genre links
 * replaced by PUT, references checked (422 with the path), unique serial numbers (409),
 * and deletes refused while a game, genre or publisher is referenced. The schema is not
 * seeded (catalog.test.ts runs on the demo store): each test makes the rows it needs.
 */
import test from 'ava';
import { ADMIN, adminRequest, unique } from './helpers/catalog';
import { startPipeline, type Pipeline } from './helpers/pipeline';

let api: Pipeline;
let asAdmin: ReturnType<typeof adminRequest>;

test.before(async () => {
  api = await startPipeline(ADMIN, { workers: false });
  asAdmin = adminRequest(api);
});

test.after.always(async () => {
  await api?.stop();
});

/** A new publisher and two new genres, so no other test's rows are touched. */
async function fixtures() {
  const publisher = (
    await asAdmin('POST', '/api/v1/publishers', { body: { name: unique('Publisher') } })
  ).body;
  const action = (await asAdmin('POST', '/api/v1/genres', { body: { name: unique('Action') } }))
    .body;
  const puzzle = (await asAdmin('POST', '/api/v1/genres', { body: { name: unique('Puzzle') } }))
    .body;
  return { publisher, action, puzzle };
}

const gameBody = (publisherId: number, overrides: Record<string, unknown> = {}) => ({
  title: 'Tetris Attack',
  price: 49.9,
  platform: 'SNES',
  region: 'NTSC_US',
  publisher_id: publisherId,
  ...overrides,
});

test('create 201 with publisher and genres; get and list answer the same item', async (t) => {
  const { publisher, action, puzzle } = await fixtures();
  const body = gameBody(publisher.id, {
    description: 'Panel de Pon in disguise',
    release_date: '1996-08-01',
    stock: 3,
    condition_rating: 8,
    collector_value: 120.5,
    serial_number: unique('SNS'),
    genre_ids: [puzzle.id, action.id],
  });
  const created = await asAdmin('POST', '/api/v1/games', { body });
  t.is(created.status, 201);
  const { genre_ids: _ids, ...fields } = body as Record<string, unknown>;
  t.like(created.body, {
    ...fields,
    is_digital: false,
    is_active: true,
    is_rare: false,
    special_edition: false,
  });
  t.deepEqual(created.body.publisher, { id: publisher.id, name: publisher.name });
  t.deepEqual(created.body.genres, [
    { id: action.id, name: action.name },
    { id: puzzle.id, name: puzzle.name },
  ]);
  t.is(typeof created.body.price, 'number');

  const fetched = await api.request('GET', `/api/v1/games/${created.body.id}`);
  t.deepEqual(fetched.body, created.body);
  const listed = await api.request('GET', `/api/v1/games?skip=0&limit=100`);
  t.deepEqual(
    listed.body.items.find((game: { id: number }) => game.id === created.body.id),
    created.body,
    'listed with its relations too',
  );
});

test('PUT replaces every field and the genre links; left-out fields take their defaults', async (t) => {
  const { publisher, action, puzzle } = await fixtures();
  const created = await asAdmin('POST', '/api/v1/games', {
    body: gameBody(publisher.id, {
      is_rare: true,
      stock: 9,
      serial_number: unique('SN'),
      genre_ids: [action.id],
    }),
  });
  const path = `/api/v1/games/${created.body.id}`;
  const replaced = await asAdmin('PUT', path, {
    body: gameBody(publisher.id, {
      title: 'Tetris Attack (PAL)',
      region: 'PAL',
      genre_ids: [puzzle.id],
    }),
  });
  t.is(replaced.status, 200);
  t.like(replaced.body, {
    title: 'Tetris Attack (PAL)',
    region: 'PAL',
    is_rare: false,
    stock: 0,
    serial_number: null,
  });
  t.deepEqual(replaced.body.genres, [{ id: puzzle.id, name: puzzle.name }]);

  const unlinked = await asAdmin('PUT', path, { body: gameBody(publisher.id) });
  t.deepEqual(unlinked.body.genres, []);
  t.is(
    (await asAdmin('PUT', '/api/v1/games/999999', { body: gameBody(publisher.id) })).status,
    404,
  );
});

test('422 names each unknown publisher or genre, and every invalid field', async (t) => {
  const { action } = await fixtures();
  const unknown = await asAdmin('POST', '/api/v1/games', {
    body: gameBody(999_999, { genre_ids: [action.id, 999_998] }),
  });
  t.is(unknown.status, 422);
  t.deepEqual(unknown.body.error.details, [
    { path: '/publisher_id', message: 'is not a known publisher' },
    { path: '/genre_ids/1', message: 'is not a known genre' },
  ]);

  const invalid = await asAdmin('POST', '/api/v1/games', {
    body: {
      title: '',
      price: -1,
      platform: 'PS5',
      region: 'EU',
      release_date: '1996-02-30',
      condition_rating: 11,
      genre_ids: [1, 1],
      publisher_id: 0,
    },
  });
  t.is(invalid.status, 422);
  const paths = invalid.body.error.details.map((detail: { path: string }) => detail.path);
  for (const path of [
    '/title',
    '/price',
    '/platform',
    '/region',
    '/release_date',
    '/condition_rating',
    '/genre_ids',
    '/publisher_id',
  ]) {
    t.true(paths.includes(path), path);
  }
});

test('409 for a serial number already taken', async (t) => {
  const { publisher } = await fixtures();
  const serial = unique('SLUS');
  t.is(
    (
      await asAdmin('POST', '/api/v1/games', {
        body: gameBody(publisher.id, { serial_number: serial }),
      })
    ).status,
    201,
  );
  const taken = await asAdmin('POST', '/api/v1/games', {
    body: gameBody(publisher.id, { serial_number: serial }),
  });
  t.is(taken.status, 409);
  t.deepEqual(taken.body.error.details, [{ path: '/serial_number', message: 'is already taken' }]);
});

test('409 deleting a publisher or genre still in use, or a game that was ordered; 204 once free', async (t) => {
  const { publisher, action } = await fixtures();
  const game = (
    await asAdmin('POST', '/api/v1/games', {
      body: gameBody(publisher.id, { genre_ids: [action.id] }),
    })
  ).body;

  const publisherInUse = await asAdmin('DELETE', `/api/v1/publishers/${publisher.id}`);
  t.is(publisherInUse.status, 409);
  t.regex(publisherInUse.body.error.message, /still referenced from games/);
  const genreInUse = await asAdmin('DELETE', `/api/v1/genres/${action.id}`);
  t.is(genreInUse.status, 409);
  t.regex(genreInUse.body.error.message, /still referenced from game_genre/);

  const buyer = await asAdmin('POST', '/api/v1/users', {
    body: {
      username: unique('buyer'),
      email: `${unique('buyer')}@example.com`,
      password: 'long enough',
    },
  });
  const [order] = await api
    .db('orders')
    .insert({ user_id: buyer.body.id, total_amount: 49.9 })
    .returning('id');
  await api
    .db('order_items')
    .insert({ order_id: order.id, game_id: game.id, quantity: 1, unit_price: 49.9 });
  t.is((await asAdmin('DELETE', `/api/v1/games/${game.id}`)).status, 409);

  await api.db('orders').where('id', order.id).delete();
  t.is(
    (await asAdmin('DELETE', `/api/v1/games/${game.id}`)).status,
    204,
    'its genre links go with it',
  );
  t.is((await asAdmin('DELETE', `/api/v1/genres/${action.id}`)).status, 204);
  t.is((await asAdmin('DELETE', `/api/v1/publishers/${publisher.id}`)).status, 204);
  t.is((await api.request('GET', `/api/v1/games/${game.id}`)).status, 404);
});
