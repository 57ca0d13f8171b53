/**
 * How far V8 lets a process's heap grow past what its last full GC kept alive.
 *
 * V8 picks that factor itself, up to 4× when collecting takes little of the process's
 * time, as it does here: under load the API's RSS grew to several times its live data, its
 * old space filling with request objects that the young generation had promoted and only a
 * rare full GC freed. A fixed factor of 1.5 (HEAP_GROWING_PERCENT=50) holds it far lower
 * for no CPU the bench could see; the figures, with their date, are in
 * docs/performance.md#the-apis-memory-a-heap-that-grows-by-half. Unlike a heap cap
 * (`--max-old-space-size`), it cannot make a process die of a burst: the heap still grows
 * as far as the live data needs.
 */
import { setFlagsFromString } from 'node:v8';

export function limitHeapGrowth(percent: number): void {
  // V8 reads this flag each time it sets the next full GC's threshold, so setting it at
  // start-up (before the heap has grown) is as good as passing it on the command line.
  if (percent > 0) setFlagsFromString(`--heap-growing-percent=${percent}`);
}
