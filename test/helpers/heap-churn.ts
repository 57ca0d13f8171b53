/**
 * A child process for test/heap-growth.test.ts: applies limitHeapGrowth(argv[2]), then
 * keeps a live set of ~100,000 small objects while replacing them one by one, so each
 * lives long enough to be promoted and then dies in the old space (as a busy API's
 * request objects do). Prints the old space's peak use, in MB, once the heap has settled.
 */
import { getHeapSpaceStatistics } from 'node:v8';
import { limitHeapGrowth } from '../../src/heap-growth';

limitHeapGrowth(Number(process.argv[2]));

const oldSpaceUsed = () =>
  getHeapSpaceStatistics().find((space) => space.space_name === 'old_space')?.space_used_size ?? 0;

const live: unknown[] = new Array(100_000);
const rounds = 6_000_000;
let peak = 0;
for (let i = 0; i < rounds; i++) {
  live[i % live.length] = { id: i, list: [i, i + 1, i + 2], nested: { value: i } };
  // The first GCs start from V8's initial limits: measure after they have adapted.
  if (i > rounds / 4 && i % 5_000 === 0) peak = Math.max(peak, oldSpaceUsed());
}
console.log(JSON.stringify({ peakOldSpaceMb: peak / 1e6 }));
