/**
 * Every query or path parameter that reaches SQL or Redis is validated (SPEC §4, §6),
 * fuzzed with fast-check against a real listening API: numbers, near misses (' 5', '1.5',
 * '0x10'), repeated parameters, SQL, arbitrary strings. A valid value is answered, an
 * invalid one is a 422 in the one error shape, and nothing is ever a 5xx.
 */
import test from 'ava';
import fc from 'fast-check';
import type { Answer } from './helpers/http';
import { startPipeline, type Pipeline } from './helpers/pipeline';

let api: Pipeline;

test.before(async () => {
  api = await startPipeline({}, { workers: false });
});

test.after.always(async () => {
  await api?.stop();
});

/** Never a 5xx: a valid parameter gets `ok`, an invalid one 422 in the one error shape. */
function checkAnswer(answer: Answer, valid: boolean, ok: 200 | 404 = 200): void {
  const text = `${answer.status} ${answer.text.slice(0, 200)}`;
  const expected = valid ? ok : 422;
  if (answer.status !== expected) throw new Error(`expected ${expected}, got ${text}`);
  if (answer.status !== 200 && typeof answer.body?.error?.code !== 'string') {
    throw new Error(`not the error shape: ${text}`);
  }
}

const MAX_INT4 = 2_147_483_647;
/** What an integer parameter may look like: numbers, near misses, garbage, SQL. */
const integerText = fc.oneof(
  fc.integer({ min: -5, max: 200 }).map(String),
  fc.integer().map(String),
  fc.constantFrom(
    '',
    ' 5',
    '5 ',
    '1.0',
    '1.5',
    '1e1',
    '0x10',
    '-0',
    '00010',
    'NaN',
    'Infinity',
    '9'.repeat(30),
  ),
  fc.constantFrom('1; DROP TABLE web_events', "1' OR '1'='1", '1)--', '*', '?', '%00'),
  fc.string({ maxLength: 12 }),
);
/** A path segment the URL keeps as it is ('', '.' and '..' are resolved away by URL rules). */
const asSegment = (text: string) => {
  fc.pre(!['', '.', '..'].includes(text));
  return encodeURIComponent(text);
};
/** Ids and limits are plain decimal integers in range ("1e1", "0x10", " 5" are not). */
const asInteger = (text: string, min: number, max: number) => {
  const value = Number(text);
  return /^[+-]?\d+$/.test(text) && value >= min && value <= max;
};

test('query and path parameters are validated before SQL or Redis sees them', async (t) => {
  const get = (path: string, query: Record<string, string | string[]> = {}) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) {
      for (const one of [value].flat()) search.append(key, one);
    }
    return api.request('GET', `${path}?${search}`);
  };
  const id = fc.oneof(integerText, fc.integer({ min: 1, max: MAX_INT4 }).map(String));
  const limited = fc.option(
    fc.oneof(integerText, fc.array(integerText, { minLength: 2, maxLength: 2 })),
    { nil: undefined },
  );

  await t.notThrowsAsync(
    fc.assert(
      fc.asyncProperty(id, limited, async (user, limit) => {
        const answer = await get(
          `/api/v1/users/${asSegment(user)}/recently-viewed`,
          limit === undefined ? {} : { limit },
        );
        checkAnswer(
          answer,
          asInteger(user, 1, MAX_INT4) &&
            (limit === undefined || (typeof limit === 'string' && asInteger(limit, 1, 50))),
        );
      }),
      { numRuns: 400 },
    ),
  );
  await t.notThrowsAsync(
    fc.assert(
      fc.asyncProperty(
        fc.oneof(fc.string({ unit: 'binary', maxLength: 140 }), fc.string({ maxLength: 200 })),
        async (session) => {
          fc.pre(session.isWellFormed()); // a lone surrogate has no URL encoding
          const answer = await get(`/api/v1/sessions/${asSegment(session)}/insights`);
          // No session exists in this file: a valid id is a 404.
          const valid =
            session.length >= 1 &&
            session.length <= 128 &&
            ![...session].some((c) => c < ' ' || c === '\u007f');
          checkAnswer(answer, valid, 404);
        },
      ),
      { numRuns: 400 },
    ),
  );
  await t.notThrowsAsync(
    fc.assert(
      fc.asyncProperty(
        fc.constantFrom('users', 'games', 'genres', 'publishers'),
        limited,
        limited,
        async (resource, skip, limit) => {
          const query = {
            ...(skip !== undefined && { skip }),
            ...(limit !== undefined && { limit }),
          };
          const answer = await get(`/api/v1/${resource}`, query);
          const single = (value: string | string[] | undefined, min: number, max: number) =>
            value === undefined || (typeof value === 'string' && asInteger(value, min, max));
          checkAnswer(answer, single(skip, 0, MAX_INT4) && single(limit, 1, 100));
        },
      ),
      { numRuns: 400 },
    ),
  );
  await t.notThrowsAsync(
    fc.assert(
      fc.asyncProperty(
        fc.constantFrom('users', 'games', 'genres', 'publishers'),
        id,
        async (resource, itemId) => {
          const answer = await get(`/api/v1/${resource}/${asSegment(itemId)}`);
          // Nothing exists in this file: a valid id is a 404.
          checkAnswer(answer, asInteger(itemId, 1, MAX_INT4), 404);
          // A bad id is one problem, said once (not also as Ajv's "must be integer").
          const details = answer.status === 422 ? answer.body.error.details : [];
          if (details.length > 1) throw new Error(`${details.length} details: ${answer.text}`);
        },
      ),
      { numRuns: 400 },
    ),
  );
  await t.notThrowsAsync(
    fc.assert(
      fc.asyncProperty(id, async (user) => {
        const answer = await get('/api/v1/customer/insights', { user_id: user });
        checkAnswer(answer, asInteger(user, 1, MAX_INT4));
      }),
      { numRuns: 300 },
    ),
  );
  t.true((await api.db.schema.hasTable('web_events')) && (await api.db.schema.hasTable('users')));
});
