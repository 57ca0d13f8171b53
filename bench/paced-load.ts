/**
 * A smooth offered rate, for the sustained and freshness rows. autocannon's `overallRate`
 * sends each connection's quota for a second as fast as it can at the start of that second
 * (bursts, then silence); here requests leave evenly, every millisecond, over lean
 * keep-alive connections (bench/http-connection.ts), as from many independent clients.
 * Up to PACED_CONNECTIONS requests may be in flight (not `connections`: the offered rate must not depend on the latency); a request
 * due while all are busy leaves as soon as one frees.
 */
import { createHistogram } from 'node:perf_hooks';
import { HttpConnection } from './http-connection';
import type { LoadOptions, RunningLoad } from './load';

const PACED_CONNECTIONS = 200;
/**
 * A connection idle this long is closed, not reused: the servers close theirs after 5 s
 * (Node's keep-alive timeout), and a request written as the server closes fails.
 */
const IDLE_MAX_MS = 4_000;

export function startPacedLoad(
  options: Omit<LoadOptions, 'connections'> & {
    overallRate: number;
    /** Latencies of the requests sent in the first this many seconds (a warm-up) are left out. */
    latencyAfterS?: number;
  },
): RunningLoad {
  const { url, body, path, overallRate, eventsPerRequest = 1 } = options;
  const method = options.method ?? 'GET';
  const target = new URL(url);
  const port = Number(target.port || 80);
  const latency = createHistogram();
  /** Connections with no request in flight; more are opened, up to PACED_CONNECTIONS. */
  const idle: HttpConnection[] = [];
  let sent = 0;
  let inFlight = 0;
  let ok = 0;
  let non2xx = 0;
  let errors = 0;
  let stopped = false;
  const started = performance.now();
  const durationMs = (options.durationS ?? 10) * 1_000;
  const latencyFrom = started + (options.latencyAfterS ?? 0) * 1_000;

  const send = (connection: HttpConnection) => {
    sent += 1;
    inFlight += 1;
    const at = performance.now();
    connection.send(method, path?.() ?? target.pathname, body?.()).then(
      (status) => {
        inFlight -= 1;
        if (status >= 200 && status < 300) {
          ok += 1;
          if (at >= latencyFrom) {
            latency.record(Math.max(1, Math.round((performance.now() - at) * 1_000)));
          }
        } else {
          non2xx += 1;
        }
        idle.push(connection);
        pump();
      },
      () => {
        inFlight -= 1;
        errors += 1;
        pump();
      },
    );
  };

  /**
   * An idle connection that is still open, else a new one while fewer than
   * PACED_CONNECTIONS are busy (every open connection is busy once `idle` is empty), or none.
   */
  const take = (): HttpConnection | undefined => {
    while (idle.length > 0) {
      const connection = idle.pop()!;
      if (connection.closed) continue;
      if (performance.now() - connection.idleSince < IDLE_MAX_MS) return connection;
      connection.close();
    }
    return inFlight < PACED_CONNECTIONS ? new HttpConnection(target.hostname, port) : undefined;
  };

  function pump(): void {
    if (stopped) return;
    const due = Math.floor(((performance.now() - started) * overallRate) / 1_000);
    while (sent < due) {
      const connection = take();
      if (connection === undefined) return;
      send(connection);
    }
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
    for (const connection of idle) connection.close();
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
