/**
 * The load generator: autocannon, driven programmatically from this process. Each request
 * gets a fresh body (or path) from a generator, so every event is new. Latencies are
 * recorded here from autocannon's `response` events in microseconds (autocannon's own
 * histogram keeps whole milliseconds), for 2xx answers only.
 */
import autocannon, { type Result } from 'autocannon';
import { createHistogram } from 'node:perf_hooks';
import { measureCpu } from './processes';

export interface LoadOptions {
  url: string;
  method?: 'GET' | 'POST';
  /** The body of each request (POST). */
  body?: () => string;
  /** The path of each request, when it varies (GET). */
  path?: () => string;
  /** Events carried by each request, to count events accepted. */
  eventsPerRequest?: number;
  connections?: number;
  /** Seconds, unless `amount` is set. */
  durationS?: number;
  /** Total requests to send (instead of a duration). */
  amount?: number;
  /** Requests per second across all connections (an offered rate), unset for "as fast as it goes". */
  overallRate?: number;
}

export interface LoadResult {
  /** 2xx answers. */
  ok: number;
  non2xx: number;
  errors: number;
  seconds: number;
  okPerSec: number;
  eventsPerSec: number;
  p50Ms: number;
  p99Ms: number;
}

export interface RunningLoad {
  /** 2xx answers so far (read while the load runs, for timelines). */
  okSoFar(): number;
  stop(): void;
  done: Promise<LoadResult>;
}

export function startLoad(options: LoadOptions): RunningLoad {
  const { body, path, eventsPerRequest = 1 } = options;
  const latency = createHistogram();
  let ok = 0;
  let finish!: (result: Result) => void;
  let fail!: (error: unknown) => void;
  const done = new Promise<LoadResult>((resolve, reject) => {
    finish = (result) => {
      const seconds = result.duration;
      resolve({
        ok,
        non2xx: result.non2xx,
        errors: result.errors,
        seconds,
        okPerSec: ok / seconds,
        eventsPerSec: (ok * eventsPerRequest) / seconds,
        p50Ms: ok ? latency.percentile(50) / 1_000 : NaN,
        p99Ms: ok ? latency.percentile(99) / 1_000 : NaN,
      });
    };
    fail = reject;
  });
  const instance = autocannon(
    {
      url: options.url,
      method: options.method ?? 'GET',
      connections: options.connections ?? 50,
      duration: options.durationS ?? 10,
      ...(options.amount !== undefined && { amount: options.amount }),
      ...(options.overallRate !== undefined && { overallRate: options.overallRate }),
      headers: { 'content-type': 'application/json' },
      requests: [
        {
          setupRequest: (request) => {
            if (body) request.body = body();
            if (path) request.path = path();
            return request;
          },
        },
      ],
    },
    (error: unknown, result) => (error ? fail(error) : finish(result)),
  );
  instance.on('response', (_client, status, _bytes, responseTime) => {
    if (status < 200 || status >= 300) return;
    ok += 1;
    latency.record(Math.max(1, Math.round(responseTime * 1_000)));
  });
  return { okSoFar: () => ok, stop: () => instance.stop(), done };
}

export const runLoad = (options: LoadOptions): Promise<LoadResult> => startLoad(options).done;

export interface ServerLoadResult extends LoadResult {
  /** CPU time the server processes spent per 2xx answer, µs (steadier than rates on a busy machine). */
  cpuUsPerRequest: number;
}

/** runLoad, also measuring the CPU time the server processes `pids` spend meanwhile. */
export async function runLoadOn(pids: number[], options: LoadOptions): Promise<ServerLoadResult> {
  const [result, cpuMs] = await measureCpu(pids, () => runLoad(options));
  return { ...result, cpuUsPerRequest: (cpuMs * 1_000) / Math.max(1, result.ok) };
}
