/**
 * A smooth offered rate, for the sustained and freshness rows. autocannon's `overallRate`
 * sends each connection's quota for a second as fast as it can at the start of that second
 * (bursts, then silence); here requests leave evenly, every millisecond, over keep-alive
 * connections, as from many independent clients. Up to PACED_CONNECTIONS requests may be
 * in flight (not `connections`: the offered rate must not depend on the latency); a request
 * due while all are busy leaves as soon as one frees.
 */
import { Agent, request as httpRequest } from 'node:http';
import { createHistogram } from 'node:perf_hooks';
import type { LoadOptions, RunningLoad } from './load';

const PACED_CONNECTIONS = 200;

export function startPacedLoad(
  options: Omit<LoadOptions, 'connections'> & { overallRate: number },
): RunningLoad {
  const { url, body, path, overallRate, eventsPerRequest = 1 } = options;
  const connections = PACED_CONNECTIONS;
  const target = new URL(url);
  const agent = new Agent({ keepAlive: true, maxSockets: connections });
  const latency = createHistogram();
  let sent = 0;
  let inFlight = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let stopped = false;
  const started = performance.now();
  const durationMs = (options.durationS ?? 10) * 1_000;

  const send = () => {
    sent += 1;
    inFlight += 1;
    const at = performance.now();
    const payload = body?.();
    const request = httpRequest(
      {
        agent,
        host: target.hostname,
        port: target.port,
        method: options.method ?? 'GET',
        path: path?.() ?? target.pathname,
        headers: payload === undefined ? {} : { 'content-type': 'application/json' },
      },
      (response) => {
        response.resume();
        response.on('end', () => {
          inFlight -= 1;
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            ok += 1;
            latency.record(Math.max(1, Math.round((performance.now() - at) * 1_000)));
          } else {
            non2xx += 1;
          }
          pump();
        });
      },
    );
    request.on('error', () => {
      inFlight -= 1;
      errors += 1;
    });
    request.end(payload);
  };

  function pump(): void {
    if (stopped) return;
    const due = Math.floor(((performance.now() - started) * overallRate) / 1_000);
    while (sent < due && inFlight < connections) send();
  }

  const timer = setInterval(pump, 1);
  let finish!: () => void;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const stop = () => {
    if (stopped) return;
    stopped = true;
    clearInterval(timer);
    finish();
  };
  setTimeout(stop, durationMs);

  const done = finished.then(async () => {
    const seconds = (performance.now() - started) / 1_000;
    while (inFlight > 0) await new Promise((resolve) => setTimeout(resolve, 5));
    agent.destroy();
    return {
      ok,
      non2xx,
      errors,
      seconds,
      okPerSec: ok / seconds,
      eventsPerSec: (ok * eventsPerRequest) / seconds,
      p50Ms: ok ? latency.percentile(50) / 1_000 : NaN,
      p99Ms: ok ? latency.percentile(99) / 1_000 : NaN,
    };
  });
  return { okSoFar: () => ok, stop, done };
}
