/** isoTime must write exactly what Date#toISOString writes, for every time it can hold. */
import test from 'ava';
import fc from 'fast-check';
import { isoTime } from '../src/iso-time';

const MAX = 8.64e15;

test('isoTime matches Date#toISOString across the whole Date range', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: -MAX, max: MAX }), (ms) => {
      return isoTime(ms) === new Date(ms).toISOString();
    }),
    { numRuns: 20_000 },
  );
  t.pass();
});

test('isoTime matches Date#toISOString around day, year and era boundaries', (t) => {
  const edges = [
    0, -1, 1, 86_399_999, 86_400_000, -86_400_000, 951_782_400_000, 253_402_300_799_999,
  ];
  for (const edge of edges) {
    for (const ms of [edge - 1, edge, edge + 1]) t.is(isoTime(ms), new Date(ms).toISOString());
  }
});

test('isoTime rejects what Date cannot hold, as Date does', (t) => {
  t.throws(() => isoTime(MAX + 1), { instanceOf: RangeError });
  t.throws(() => isoTime(Number.NaN), { instanceOf: RangeError });
});
