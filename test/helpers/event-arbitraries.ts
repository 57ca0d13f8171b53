/**
 * fast-check arbitraries for the ingestion fuzz tests (SPEC §4.1): valid events, and
 * invalid ones built by construction — a valid event with one known-bad change — each
 * with the answer the API owes it (status and the JSON pointer of the problem).
 */
import fc from 'fast-check';
import { pointerSegment } from '../../src/http/http-error';
import { MAX_BODY_DEPTH } from '../../src/http/parse-json-body';
import { GAME_EVENT_TYPES } from '../../src/ingest/event-schema';
import { EVENT_TYPES } from '../../src/models/enums';

const MAX_INT4 = 2_147_483_647;
const DAY_MS = 86_400_000;

/** Text PostgreSQL can store (no NUL, no unpaired surrogate), at most `max` UTF-16 units. */
const storableText = (max: number, minLength = 0) =>
  fc
    .string({ unit: 'grapheme', minLength, maxLength: max })
    .filter((text) => text.length <= max && !text.includes('\0') && text.isWellFormed());

const isoTime = (min: number, max: number) =>
  fc
    .date({ min: new Date(min), max: new Date(max), noInvalidDate: true })
    .map((date) => date.toISOString());

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** True when a forbidden key appears in `value` at any depth. */
function holdsForbiddenKey(value: unknown): boolean {
  if (Array.isArray(value)) return value.some(holdsForbiddenKey);
  if (value === null || typeof value !== 'object') return false;
  return Object.entries(value).some(
    ([key, inner]) => FORBIDDEN_KEYS.has(key) || holdsForbiddenKey(inner),
  );
}

/** Optional fields: present or absent (JSON.stringify drops `undefined`). */
const optional = <T>(arbitrary: fc.Arbitrary<T>) => fc.option(arbitrary, { nil: undefined });

export type EventBody = Record<string, unknown>;

export const validEvent: fc.Arbitrary<EventBody> = fc.record({
  event_id: optional(fc.uuid().chain((id) => fc.constantFrom(id, id.toUpperCase()))),
  user_id: fc.integer({ min: 1, max: MAX_INT4 }),
  session_id: fc.string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 128 }),
  event_type: fc.constantFrom(...EVENT_TYPES),
  game_id: fc.integer({ min: 1, max: MAX_INT4 }),
  // Naive times (no offset) are UTC, as the Python service sent them.
  timestamp: isoTime(Date.UTC(2000, 0, 2), Date.now() + DAY_MS - 3_600_000).chain((iso) =>
    fc.constantFrom(iso, iso.slice(0, -1), iso.replace('Z', '+00:00')),
  ),
  referrer_page: storableText(2048),
  time_spent: optional(fc.oneof(fc.integer({ min: 0, max: 86_400 }), fc.constant(null))),
  platform: optional(storableText(32)),
  search_query: optional(storableText(512)),
  filters_applied: optional(
    fc.oneof(
      storableText(200),
      fc.dictionary(
        fc.stringMatching(/^[a-z_]{1,12}$/).filter((key) => !FORBIDDEN_KEYS.has(key)),
        fc.oneof(fc.integer(), storableText(40), fc.boolean(), fc.constant(null)),
        { maxKeys: 6 },
      ),
    ),
  ),
});

/** What the API must answer a body: its status and (for errors) a path it must name. */
export interface Expected {
  status: 202 | 400 | 422;
  path?: string;
}

export interface Case extends Expected {
  /** The event as JSON text (a forbidden key cannot be built any other way). */
  raw: string;
  change: string;
}

type Change = (event: EventBody) => { raw: string } & Expected & { change: string };

const json = (event: EventBody) => JSON.stringify(event);

/** `field` set to a bad value: 422 naming the field. */
const setTo = (field: string, values: fc.Arbitrary<unknown>): fc.Arbitrary<Change> =>
  values.map((value) => (event) => ({
    raw: json({ ...event, [field]: value }),
    status: 422,
    path: `/${field}`,
    change: `${field} = ${JSON.stringify(value)?.slice(0, 60)}`,
  }));

/** A required field left out (or sent as null, which counts as absent). */
const without = (field: string): fc.Arbitrary<Change> =>
  fc.boolean().map((asNull) => (event) => {
    const { [field]: _dropped, ...rest } = event;
    return {
      raw: json(asNull ? { ...rest, [field]: null } : rest),
      status: 422,
      path: `/${field}`,
      change: `${field} ${asNull ? 'null' : 'missing'}`,
    };
  });

/** Integers PostgreSQL's int4 cannot hold, up to and past the largest safe integer. */
const beyondInt4 = fc.oneof(
  fc.integer({ min: 1, max: MAX_INT4 }).map((n) => MAX_INT4 + n),
  fc.constantFrom(2 ** 53, 2 ** 53 + 2, 1e21),
);
const notAString = fc.oneof(fc.integer(), fc.boolean(), fc.constant([]), fc.constant({ a: 1 }));
const notAnInteger = fc.oneof(
  fc.double({ min: -1e9, max: 1e9, noNaN: true, noInteger: true }),
  fc.string({ maxLength: 10 }),
  fc.boolean(),
  fc.constant([1]),
  fc.constant(1e300),
);
const tooLong = (max: number) =>
  fc.string({ minLength: max + 1, maxLength: max + 200 }).filter((text) => text.length > max);
const badTime = fc.oneof(
  fc.constantFrom(
    'yesterday',
    '',
    'now',
    '2025-13-01T00:00:00Z',
    '2025-01-01T25:00:00Z',
    '17000000000',
  ),
  isoTime(Date.now() + DAY_MS + 3_600_000, Date.UTC(2100, 0, 1)),
  isoTime(Date.UTC(1970, 0, 1), Date.UTC(1999, 11, 31)),
  notAString,
);
const KNOWN_FIELDS = new Set([
  'event_id',
  'user_id',
  'session_id',
  'event_type',
  'game_id',
  'timestamp',
  'referrer_page',
  'time_spent',
  'platform',
  'search_query',
  'filters_applied',
  'sent_at',
  ...FORBIDDEN_KEYS,
]);

const changes: fc.Arbitrary<Change> = fc.oneof(
  setTo('user_id', fc.oneof(fc.integer({ max: 0 }), beyondInt4, notAnInteger)),
  without('user_id'),
  setTo(
    'session_id',
    fc.oneof(
      fc.constant(''),
      tooLong(128),
      fc.constantFrom('a\u0001b', 'x\ny', '\u007f'),
      notAString,
    ),
  ),
  without('session_id'),
  setTo(
    'event_type',
    fc.oneof(
      fc.string().filter((type) => !(EVENT_TYPES as readonly string[]).includes(type)),
      notAString,
    ),
  ),
  without('event_type'),
  fc.constantFrom(...GAME_EVENT_TYPES).map((type) => (event: EventBody) => {
    const { game_id: _dropped, ...rest } = event;
    return {
      raw: json({ ...rest, event_type: type }),
      status: 422 as const,
      path: '/game_id',
      change: `${type} without game_id`,
    };
  }),
  setTo('game_id', fc.oneof(fc.integer({ max: 0 }), beyondInt4, notAnInteger)),
  setTo('timestamp', badTime),
  without('timestamp'),
  setTo('referrer_page', fc.oneof(tooLong(2048), notAString)),
  without('referrer_page'),
  setTo('time_spent', fc.oneof(fc.integer({ max: -1 }), fc.integer({ min: 86_401 }), notAnInteger)),
  setTo('platform', fc.oneof(tooLong(32), notAString)),
  setTo('search_query', fc.oneof(tooLong(512), notAString)),
  setTo(
    'filters_applied',
    fc.oneof(
      fc.integer(),
      fc.boolean(),
      fc.constant([1, 2]),
      tooLong(4096),
      fc.constant({ q: 'x'.repeat(4100) }),
    ),
  ),
  setTo(
    'filters_applied',
    fc.constantFrom('a\u0000b', { deep: ['ok', 'bad\ud800'] }, { 'k\u0000': 1 }),
  ),
  // Only unreadable: a readable sent_at far ahead just means the client's clock is fast.
  setTo('sent_at', fc.oneof(fc.constantFrom('yesterday', '', '2025-13-01T00:00:00Z'), notAString)),
  setTo(
    'event_id',
    fc.oneof(
      fc.string().filter((id) => !/^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$/i.test(id)),
      fc.integer(),
    ),
  ),
  // (With a non-null value: a null unknown field is tested in test/ingest.test.ts.)
  fc
    .tuple(
      fc.string({ maxLength: 20 }).filter((key) => !KNOWN_FIELDS.has(key)),
      // A forbidden key inside the value is the 400 case below, not this one.
      fc.jsonValue({ maxDepth: 2 }).filter((value) => value !== null && !holdsForbiddenKey(value)),
    )
    .map(([key, value]) => (event: EventBody) => ({
      raw: json({ ...event, [key]: value }),
      status: 422 as const,
      path: pointerSegment(key),
      change: `unknown field ${JSON.stringify(key)}`,
    })),
  // A forbidden key at the top (depth 0) or deep inside: refused before validation (400).
  fc
    .tuple(fc.constantFrom('__proto__', 'constructor', 'prototype'), fc.integer({ min: 0, max: 5 }))
    .map(([key, depth]) => (event: EventBody) => {
      const forbidden = `"${key}":{"polluted":true}`;
      const raw =
        depth === 0
          ? `${json(event).slice(0, -1)},${forbidden}}`
          : `${json(event).slice(0, -1)},"filters_applied":${'{"a":'.repeat(depth - 1)}{${forbidden}}${'}'.repeat(depth - 1)}}`;
      return { raw, status: 400 as const, change: `${key} at depth ${depth}` };
    }),
  // Nested too deep (an array of arrays under filters_applied): refused before validation.
  fc.integer({ min: MAX_BODY_DEPTH, max: 2_000 }).map((depth) => (event: EventBody) => ({
    raw: `${json(event).slice(0, -1)},"filters_applied":{"x":${'['.repeat(depth)}${']'.repeat(depth)}}}`,
    status: 400 as const,
    change: `filters_applied nested ${depth} deep`,
  })),
);

/** A valid event with one known-bad change, and the answer it must get. */
export const invalidEvent: fc.Arbitrary<Case> = fc
  .tuple(validEvent, changes)
  .map(([event, change]) => change(event));
