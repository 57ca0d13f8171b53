/**
 * Epoch milliseconds as `new Date(ms).toISOString()` writes them, in a fraction of its
 * time: a lookup formats up to 50 of them per request, and V8's formatter was the dearest
 * part of its handler. Kept by hand for speed, property-tested against `toISOString`;
 * measured in docs/performance.md#rows-1-6-and-7-looked-at-again. The date part is V8's
 * own, cached per day; the time of day is arithmetic.
 */
const DAY_MS = 86_400_000;
const MAX_CACHED_DAYS = 4_096;
const datePrefixes = new Map<number, string>();

const pad2 = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const pad3 = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

function datePrefix(day: number): string {
  let prefix = datePrefixes.get(day);
  if (prefix === undefined) {
    const iso = new Date(day * DAY_MS).toISOString();
    prefix = iso.slice(0, iso.indexOf('T') + 1);
    if (datePrefixes.size >= MAX_CACHED_DAYS) datePrefixes.clear();
    datePrefixes.set(day, prefix);
  }
  return prefix;
}

export function isoTime(ms: number): string {
  // Anything but an integer in Date's range is left to Date (which throws a RangeError).
  if (!Number.isSafeInteger(ms) || Math.abs(ms) > 8.64e15) return new Date(ms).toISOString();
  const day = Math.floor(ms / DAY_MS);
  const inDay = ms - day * DAY_MS;
  const seconds = Math.floor(inDay / 1_000);
  return (
    `${datePrefix(day)}${pad2(Math.floor(seconds / 3_600))}:${pad2(Math.floor(seconds / 60) % 60)}:` +
    `${pad2(seconds % 60)}.${pad3(inDay % 1_000)}Z`
  );
}
