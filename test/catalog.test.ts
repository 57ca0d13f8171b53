/**
 * The catalog's users, genres and publishers (SPEC §4.4) over HTTP against a seeded schema:
 * every answer code of the five routes, the admin guard, and the password never leaving.
 * Games, with their relations, are in catalog-games.test.ts.
 */
import test from 'ava';
import { User } from '../src/models';
import { verifyPassword } from '../src/passwords';
import { adminRequest, basic, startCatalogApi, unique } from './helpers/catalog';
import type { Pipeline } from './helpers/pipeline';

let api: Pipeline;
let asAdmin: ReturnType<typeof adminRequest>;

test.before(async () => {
  api = await startCatalogApi();
  asAdmin = adminRequest(api);
});

test.after.always(async () => {
  await api?.stop();
});

const newUser = (overrides: Record<string, unknown> = {}) => {
  const name = unique('player');
  return { username: name, email: `${name}@example.com`, password: 'long enough', ...overrides };
};

test('users: create 201, get, replace with PUT, delete 204 — never a password or its hash', async (t) => {
  const body = newUser({ is_active: false });
  const created = await asAdmin('POST', '/api/v1/users', { body });
  t.is(created.status, 201);
  t.like(created.body, { username: body.username, email: body.email, is_active: false });
  t.deepEqual(Object.keys(created.body).sort(), [
    'created_at',
    'email',
    'id',
    'is_active',
    'updated_at',
    'username',
  ]);
  const stored = await User.query(api.db).findById(created.body.id);
  t.true(await verifyPassword('long enough', stored!.hashed_password), 'stored hashed, verifiable');

  const path = `/api/v1/users/${created.body.id}`;
  t.deepEqual((await api.request('GET', path)).body, created.body);

  // Full replacement: is_active, left out, takes its default again; the password changes.
  const replaced = await asAdmin('PUT', path, {
    body: { ...body, is_active: undefined, password: 'another one' },
  });
  t.is(replaced.status, 200);
  t.true(replaced.body.is_active);
  t.true(replaced.body.updated_at >= created.body.updated_at);
  t.false(JSON.stringify(replaced.body).includes('password'));
  t.true(
    await verifyPassword(
      'another one',
      (await User.query(api.db).findById(created.body.id))!.hashed_password,
    ),
  );

  const deleted = await asAdmin('DELETE', path);
  t.is(deleted.status, 204);
  t.is(deleted.text, '');
  t.is((await api.request('GET', path)).status, 404);
});

test('users: 409 for a taken username or email, naming the field', async (t) => {
  const first = newUser();
  t.is((await asAdmin('POST', '/api/v1/users', { body: first })).status, 201);
  const sameName = await asAdmin('POST', '/api/v1/users', {
    body: newUser({ username: first.username }),
  });
  t.is(sameName.status, 409);
  t.is(sameName.body.error.code, 'conflict');
  t.deepEqual(sameName.body.error.details, [{ path: '/username', message: 'is already taken' }]);

  const other = (await asAdmin('POST', '/api/v1/users', { body: newUser() })).body;
  const sameEmail = await asAdmin('PUT', `/api/v1/users/${other.id}`, {
    body: newUser({ email: first.email }),
  });
  t.is(sameEmail.status, 409);
  t.is(sameEmail.body.error.details[0].path, '/email');
});

test('users: 422 lists every problem of the body', async (t) => {
  const answer = await asAdmin('POST', '/api/v1/users', {
    body: { email: 'not-an-email', password: 'short', is_active: 'yes', hashed_password: 'x' },
  });
  t.is(answer.status, 422);
  t.is(answer.body.error.code, 'validation_failed');
  const paths = answer.body.error.details.map((detail: { path: string }) => detail.path).sort();
  t.deepEqual(paths, ['/email', '/hashed_password', '/is_active', '/password', '/username']);
});

test('users: 409 when deleting a user who has orders', async (t) => {
  const user = (await asAdmin('POST', '/api/v1/users', { body: newUser() })).body;
  await api.db('orders').insert({ user_id: user.id, status: 'PAID', total_amount: 10 });
  const answer = await asAdmin('DELETE', `/api/v1/users/${user.id}`);
  t.is(answer.status, 409);
  t.is(answer.body.error.code, 'conflict');
  t.regex(answer.body.error.message, /still referenced from orders/);
  t.is((await api.request('GET', `/api/v1/users/${user.id}`)).status, 200, 'still there');
});

test('mutations need the admin credentials (401, nothing read or written); reads are open', async (t) => {
  const user = (await asAdmin('POST', '/api/v1/users', { body: newUser() })).body;
  const wrong = basic('admin', 'guess');
  const attempts: Array<[string, string, unknown]> = [
    ['POST', '/api/v1/genres', { name: unique('genre') }],
    ['PUT', `/api/v1/users/${user.id}`, newUser()],
    ['DELETE', `/api/v1/users/${user.id}`, undefined],
    ['POST', '/api/v1/publishers', 'not even JSON'],
  ];
  for (const [method, path, body] of attempts) {
    for (const headers of [{}, wrong]) {
      const answer = await api.request(method, path, { body, headers });
      t.is(answer.status, 401, `${method} ${path}`);
      t.is(answer.body.error.code, 'unauthorized');
      t.regex(answer.headers.get('www-authenticate') ?? '', /^Basic/);
    }
  }
  t.is((await api.request('GET', `/api/v1/users/${user.id}`)).body.username, user.username);
  t.is((await api.request('GET', '/api/v1/genres')).status, 200);
});

test('lists: skip and limit page through the rows by id, with the total', async (t) => {
  const all = await api.request('GET', '/api/v1/users?limit=100');
  t.is(all.status, 200);
  t.like(all.body, { skip: 0, limit: 100 });
  const ids = all.body.items.map((user: { id: number }) => user.id);
  t.deepEqual(
    ids,
    [...ids].sort((a, b) => a - b),
  );
  t.true(all.body.total >= 20, 'the seeded users');

  const page = await api.request('GET', '/api/v1/users?skip=2&limit=3');
  t.deepEqual(
    page.body.items.map((user: { id: number }) => user.id),
    ids.slice(2, 5),
  );
  t.like(page.body, { skip: 2, limit: 3, total: all.body.total });
  t.like((await api.request('GET', '/api/v1/publishers')).body, { skip: 0, limit: 100 });
  const beyond = await api.request('GET', `/api/v1/genres?skip=100000`);
  t.deepEqual(beyond.body.items, []);
});

test('lists: 422 for a limit outside 1–100 or a negative or non-integer skip', async (t) => {
  for (const query of ['limit=0', 'limit=101', 'skip=-1', 'skip=abc', 'limit=2.5']) {
    const answer = await api.request('GET', `/api/v1/publishers?${query}`);
    t.is(answer.status, 422, query);
    t.is(answer.body.error.details[0].path, `/${query.split('=')[0]}`);
  }
});

test('404 for an unknown id; 422 for an id that is not a positive integer, on every method', async (t) => {
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const body = method === 'PUT' ? { name: unique('genre') } : undefined;
    const unknown = await asAdmin(method, '/api/v1/genres/999999', { body });
    t.is(unknown.status, 404, method);
    t.is(unknown.body.error.code, 'not_found');
    for (const id of ['0', '-1', 'abc', '1.5', '99999999999']) {
      const invalid = await asAdmin(method, `/api/v1/genres/${id}`, { body });
      t.is(invalid.status, 422, `${method} ${id}`);
      t.is(invalid.body.error.details[0].path, '/genre_id');
    }
  }
});

test('genres and publishers: create, replace, 409 for a taken name', async (t) => {
  const genre = await asAdmin('POST', '/api/v1/genres', { body: { name: unique('Shmup') } });
  t.is(genre.status, 201);
  t.is(genre.body.description, null);
  const described = await asAdmin('PUT', `/api/v1/genres/${genre.body.id}`, {
    body: { name: genre.body.name, description: 'Shoot them up' },
  });
  t.deepEqual(described.body, {
    id: genre.body.id,
    name: genre.body.name,
    description: 'Shoot them up',
  });
  t.is((await asAdmin('POST', '/api/v1/genres', { body: { name: genre.body.name } })).status, 409);

  const body = { name: unique('Hudson'), website: 'https://hudson.example', founded_year: 1973 };
  const publisher = await asAdmin('POST', '/api/v1/publishers', { body });
  t.is(publisher.status, 201);
  t.like(publisher.body, body);
  const renamed = await asAdmin('PUT', `/api/v1/publishers/${publisher.body.id}`, {
    body: { name: unique('Hudson') },
  });
  t.like(renamed.body, { website: null, founded_year: null }, 'left-out fields are cleared');
  const taken = await asAdmin('POST', '/api/v1/publishers', { body: { name: renamed.body.name } });
  t.is(taken.status, 409);
  t.deepEqual(taken.body.error.details, [{ path: '/name', message: 'is already taken' }]);
  const invalid = await asAdmin('POST', '/api/v1/publishers', {
    body: { name: '', founded_year: 1700, extra: 1 },
  });
  t.is(invalid.status, 422);
  t.is(invalid.body.error.details.length, 3);
});

test('400 for malformed JSON and 415 for a body that is not JSON, once authorized', async (t) => {
  const malformed = await asAdmin('POST', '/api/v1/genres', {
    raw: '{"name": ',
    headers: { 'content-type': 'application/json' },
  });
  t.is(malformed.status, 400);
  t.is(malformed.body.error.code, 'malformed_json');
  const form = await asAdmin('POST', '/api/v1/genres', {
    raw: Buffer.from('name=Puzzle'),
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
  });
  t.is(form.status, 415);
});
