/** What every row receives: the options, the running service, and the reference runs so far. */
import type { ServerLoadResult } from './load';
import type { BenchOptions } from './options';
import type { Service } from './service';

export interface Reference {
  /** Bare Koa POST runs (the same JSON body parsed, 202). */
  post: ServerLoadResult[];
  /** Bare Koa GET runs. */
  get: ServerLoadResult[];
  /** Bare Koa process RSS, MB. */
  rssMb: number[];
}

export interface BenchContext {
  options: BenchOptions;
  service: Service;
  reference: Reference;
}

export const postRate = (reference: Reference) => ({
  label: 'bare POST',
  values: reference.post.map((run) => run.okPerSec),
});
