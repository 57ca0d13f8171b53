/** Row 0: the bare Koa reference itself, the denominator of every ratio. */
import type { Reference } from '../context';
import type { Measure } from '../table';

export function referenceMeasures(reference: Reference): Measure[] {
  const row = '0 bare Koa (reference)';
  const measures: Measure[] = [];
  if (reference.post.length > 0) {
    measures.push(
      { row, label: 'POST', unit: 'req/s', values: reference.post.map((r) => r.okPerSec) },
      { row, label: 'POST p50', unit: 'ms', values: reference.post.map((r) => r.p50Ms) },
      { row, label: 'POST p99', unit: 'ms', values: reference.post.map((r) => r.p99Ms) },
      {
        row,
        label: 'POST CPU per request',
        unit: 'µs',
        values: reference.post.map((r) => r.cpuUsPerRequest),
      },
    );
  }
  if (reference.get.length > 0) {
    measures.push(
      { row, label: 'GET', unit: 'req/s', values: reference.get.map((r) => r.okPerSec) },
      { row, label: 'GET p99', unit: 'ms', values: reference.get.map((r) => r.p99Ms) },
      {
        row,
        label: 'GET CPU per request',
        unit: 'µs',
        values: reference.get.map((r) => r.cpuUsPerRequest),
      },
    );
  }
  if (reference.rssMb.length > 0) {
    measures.push({ row, label: 'RSS', unit: 'MB', values: reference.rssMb });
  }
  return measures;
}
