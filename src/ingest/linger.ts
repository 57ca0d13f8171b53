/**
 * When a lingering batch should be written (src/ingest/enqueue-events.ts). A batch waits
 * at most `maxMs` after its first event. With `adaptive`, it waits only as long as
 * TARGET_EVENTS take to arrive at the current rate (heavy traffic fills jobs quickly, and
 * a closed loop of clients waiting for their answers must not wait the whole ceiling), and
 * it goes earlier when waiting would gather nothing: as soon as the next event is not
 * expected before its deadline (light traffic: a lone event is written at once), or when
 * no event has come for a few mean gaps (a burst has ended).
 * Every job costs the workers and Redis a fixed amount whatever its size
 * (docs/performance.md), so the wait is what makes jobs large when traffic is moderate;
 * the ceiling bounds what it adds to a request's latency.
 *
 * The expected gap is a moving average of the time between arrivals, per event; one gap
 * counts at most twice the ceiling, so a long pause does not blind it to the next burst.
 */

/** Weight of the newest gap in the moving average. */
const GAP_WEIGHT = 0.2;
/** A burst has ended when no event came for this many mean gaps. */
const QUIET_GAPS = 3;
/**
 * Events worth waiting for: at 16 a job's fixed cost is already shared out (the worker
 * table in docs/performance.md). Well under the 50 clients of the bench's closed loop
 * (row 1), where a longer wait would slow every client down, since each waits for its
 * answer before it sends again.
 */
const TARGET_EVENTS = 16;

export class Linger {
  private meanGapMs: number;
  private lastArrival = -Infinity;

  /**
   * `targetCount`: the arrivals worth waiting for (events, for the API and for a recency
   * worker: jobs/batch-worker.ts counts them by size). Infinity: the ceiling alone bounds
   * the wait.
   */
  constructor(
    readonly maxMs: number,
    readonly adaptive: boolean,
    readonly targetCount = TARGET_EVENTS,
  ) {
    this.meanGapMs = 2 * maxMs;
  }

  /** Records `count` events arriving at `now` (performance.now()). */
  arrived(count: number, now: number): void {
    const gap = Math.min(now - this.lastArrival, 2 * this.maxMs) / count;
    this.meanGapMs += GAP_WEIGHT * (gap - this.meanGapMs);
    this.lastArrival = now;
  }

  /** How long a batch opened now may wait for more events, ms. */
  lingerMs(): number {
    if (!this.adaptive || this.targetCount === Infinity) return this.maxMs;
    return Math.min(this.maxMs, Math.max(1, this.targetCount * this.meanGapMs));
  }

  /** True when the next event is not expected before `deadline`: write the batch now. */
  nothingMoreBy(deadline: number, now: number): boolean {
    return this.adaptive && this.maxMs > 0 && now + this.meanGapMs > deadline;
  }

  /**
   * Milliseconds until a batch due at `deadline` should be looked at again, or 0 when it
   * should be written now (its deadline has come, or the burst it belongs to has ended).
   */
  waitFor(deadline: number, now: number): number {
    const quietUntil = this.lastArrival + Math.max(1, QUIET_GAPS * this.meanGapMs);
    const wait = this.adaptive ? Math.min(deadline, quietUntil) - now : deadline - now;
    // Timers do not fire sooner than 1 ms: a shorter wait would overshoot more than it waits.
    return wait < 1 ? 0 : wait;
  }
}
