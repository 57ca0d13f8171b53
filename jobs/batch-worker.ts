/**
 * A BullMQ Worker that takes its jobs in batches. Once a job waits it lets `lingerMs` pass,
 * then takes every job waiting by then (up to `maxJobs`) in one round of fetches and hands
 * them to one batch processor: a store then does one write for many jobs, and the worker
 * and Redis wake once for the batch, not a few times per job. Under load the first job is
 * already old and nothing waits; when traffic is light the batch gathers what the linger
 * lets it (docs/performance.md#cost-at-real-rates).
 *
 * Everything else is BullMQ's own: each job is locked, completed, retried with backoff or
 * failed (`Worker#processJob`, with its events and lock renewal), and stalled jobs are
 * picked up again. Only the fetching loop differs (`run`), and the processor BullMQ calls
 * per job answers from the batch's outcome for that job. When the queue had run dry, the
 * loop waits on the queue's marker as BullMQ does (`Worker#waitForJob`) but does not take
 * the job it announces at once: the job lingers in the wait list, not locked by a worker
 * that might die, and is taken with the rest of its batch, one round trip where two were.
 * Up to `batches` batches are in flight at once. A finishing job takes the next waiting
 * one in the same script, as BullMQ's own loop does (a backlog drains at one script per
 * job), and the jobs taken so start the next batch; a batch stops growing at `maxSize`
 * (events, say), since full jobs gain nothing from sharing a write.
 *
 * With `adaptive`, light traffic costs no more wake-ups than it must. When no other job is
 * expected before the batch would be taken (the rule of src/ingest/linger.ts, fed with the
 * gaps between the jobs this worker takes), a job is taken alone at once, and the next
 * fetch is left to the finishing job. The queue's marker, which BullMQ sets again each
 * time it takes a job, is cleared once nothing waits (clear-queue-marker.lua), so an idle
 * worker wakes for a new job only.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { Worker, type Job, type Processor, type RedisClient, type WorkerOptions } from 'bullmq';
import { Linger } from '../src/ingest/linger';
import { queueMarkerClearer } from './clear-queue-marker';

/** What became of one job of a batch: its result, or the error it fails with. */
export type Outcome = { result: unknown } | { error: Error };

/** Processes a batch; answers one outcome per job, in the jobs' order. */
export type BatchProcessor = (jobs: readonly Job[]) => Promise<Outcome[]>;

export interface BatchOptions {
  /** How old the first job of a batch is when the batch is taken, at least (ms). */
  lingerMs: number;
  /**
   * Take the batch at once when no other job is expected before the linger is over (light
   * traffic): neither the wait nor the extra fetch would gather anything.
   */
  adaptive?: boolean;
  /**
   * With `adaptive`: a batch waits no longer than this much size (with `sizeOf`: events)
   * takes to arrive at the current rate, so that a linger spent from a latency budget is
   * long only where traffic is light, and short on a busy queue. Default: no such bound.
   */
  targetSize?: number;
  /** The most jobs in one batch. */
  maxJobs: number;
  /** No more jobs join a batch once their sizes add up to this (with `sizeOf`). */
  maxSize?: number;
  /** A job's size (its events, say); 1 by default. */
  sizeOf?: (job: Job) => number;
  /** The most batches in flight at once. */
  batches: number;
  /** Wraps the per-job processor BullMQ calls (metrics, say). */
  wrap?: (processor: Processor) => Processor;
}

/** The most jobs asked for in one round trip. */
const MAX_FETCH_ROUND = 64;

/**
 * The members of BullMQ's Worker (5.81) that its blocking wait uses, private in its types:
 * `_getNextJob` waits this way when the last fetch found the queue empty (`drained`), and
 * takes a job only once `waitForJob` has said one is due (a marker, or the blocking
 * timeout). The batch loop waits the same way, and takes the job later, with its batch.
 */
interface BlockingWait {
  drained: boolean;
  blockUntil: number;
  limitUntil: number;
  waiting: Promise<number> | null;
  waitForJob(bclient: RedisClient, blockUntil: number): Promise<number>;
}

/** Runs `process` on each job; the outcomes in the jobs' order, never a rejection. */
export function outcomesOf(
  jobs: readonly Job[],
  process: (job: Job, index: number) => Promise<unknown>,
): Promise<Outcome[]> {
  return Promise.all(
    jobs.map((job, index) =>
      process(job, index).then(
        (result) => ({ result }),
        (error: Error) => ({ error }),
      ),
    ),
  );
}

export class BatchWorker extends Worker {
  private readonly outcomes: Map<string, Promise<Outcome>>;
  private readonly processBatch: BatchProcessor;
  private readonly batch: BatchOptions;
  private tokens: number;
  /** Jobs the last batch took after its first: the next batch asks for one more at once. */
  private lastExtra: number;
  /** Jobs taken (active, locked) and not yet in a batch. */
  private taken: Job[];
  /** When the queue's marker said a job waits, none taken yet (ms since the epoch). */
  private wokenAt: number | undefined;
  /** The blocking fetch in flight, if any. */
  private fetching: Promise<void> | undefined;
  private onTaken: (() => void) | undefined;
  private fetchError: Error | undefined;
  /** The jobs' arrival rate, as taken by this worker: is another job expected in time? */
  private readonly arrivals: Linger;
  /** The same arrivals counted by size: how long a batch may wait (`targetSize`). */
  private readonly sizeArrivals: Linger;
  private clearMarker: (() => Promise<number>) | undefined;

  constructor(
    name: string,
    processBatch: BatchProcessor,
    opts: WorkerOptions & { batch: BatchOptions },
  ) {
    const outcomes = new Map<string, Promise<Outcome>>();
    const processJob: Processor = async (job) => {
      const outcome = await outcomes.get(job.id!);
      if (outcome === undefined) throw new Error(`job ${job.id} is not in a batch`);
      if ('error' in outcome) throw outcome.error;
      return outcome.result;
    };
    const { batch, ...workerOpts } = opts;
    super(name, batch.wrap?.(processJob) ?? processJob, { ...workerOpts, autorun: false });
    this.outcomes = outcomes;
    this.processBatch = processBatch;
    this.batch = batch;
    this.tokens = 0;
    this.lastExtra = 0;
    this.taken = [];
    this.arrivals = new Linger(batch.lingerMs, batch.adaptive ?? false, Infinity);
    this.sizeArrivals = new Linger(batch.lingerMs, batch.adaptive ?? false, batch.targetSize);
    if (opts.autorun !== false) this.run().catch((error) => this.emit('error', error));
  }

  /**
   * As Worker#run, with the batching loop in place of BullMQ's. As there, the loop ends once
   * the worker is paused and its batches are done (`pause()` waits for that), and `resume()`
   * runs it again.
   */
  override async run(): Promise<void> {
    if (this.running) throw new Error('Worker is already running.');
    this.running = true;
    try {
      if (this.closing || this.paused) return;
      this.clearMarker = await queueMarkerClearer(this);
      await this.startStalledCheckTimer();
      if (!this.opts.skipLockRenewal) this.lockManager.start();
      // close() waits for this loop, after cutting its blocking wait short.
      this.mainLoopRunning = this.takeBatches();
      await this.mainLoopRunning;
    } finally {
      this.running = false;
    }
  }

  private async takeBatches(): Promise<void> {
    const inFlight = new Set<Promise<void>>();
    for (;;) {
      if (inFlight.size >= this.batch.batches) {
        await Promise.race(inFlight);
        continue;
      }
      if ((this.closing || this.paused) && this.taken.length === 0 && this.fetching === undefined) {
        if (inFlight.size === 0) break;
        // A job finishing now may still hand over the next one it took: wait and look again.
        await Promise.race(inFlight);
        continue;
      }
      if (inFlight.size > 0 && this.taken.length === 0 && this.quiet()) {
        // Light traffic: each job in flight takes the next waiting one as it finishes, or
        // finds none and the next fetch blocks at once. Asking Redis now as well would
        // mostly find nothing: a script call, and a wake-up of both, wasted per job.
        await Promise.race(inFlight);
        continue;
      }
      let jobs: Job[];
      try {
        jobs = await this.gather();
      } catch (error) {
        // Redis unreachable: ioredis reconnects; look again after a pause, as BullMQ does.
        this.emit('error', error as Error);
        await this.waitOrClose(this.opts.runRetryDelay ?? 15_000);
        continue;
      }
      if (jobs.length === 0) continue;
      const done: Promise<void> = this.processJobs(jobs).finally(() => inFlight.delete(done));
      inFlight.add(done);
    }
  }

  /**
   * Resolves once a job has been taken (by a fetch while jobs are waiting, or by a finishing
   * job that fetched the next), or the queue's marker said one waits (`wokenAt`), or the
   * blocking wait came back with neither (BullMQ's drain delay, a delayed job not yet due,
   * a close).
   */
  private async nextTaken(): Promise<void> {
    if (this.taken.length > 0 || this.wokenAt !== undefined) return;
    this.fetching ??= this.waitForWork()
      .catch((error: Error) => {
        this.fetchError = error;
      })
      .finally(() => {
        this.fetching = undefined;
        this.notifyTaken();
      });
    await new Promise<void>((resolve) => (this.onTaken = resolve));
    const error = this.fetchError;
    this.fetchError = undefined;
    if (error) throw error;
  }

  /**
   * As BullMQ's `_getNextJob`: when the last fetch found the queue empty, a blocking wait on
   * its marker, which leaves the job announced in the wait list (`wokenAt`); else a job is
   * taken at once (a backlog, or the worker has just started).
   */
  private async waitForWork(): Promise<void> {
    const bullmq = this as unknown as BlockingWait;
    if (!bullmq.drained || bullmq.limitUntil || bullmq.waiting) {
      const job = await this.getNextJob(this.token(), { block: false });
      if (job) this.took(job);
      return;
    }
    if (this.closing) return;
    const bclient = await this.waitUntilReady();
    bullmq.waiting = bullmq.waitForJob(bclient, bullmq.blockUntil);
    try {
      bullmq.blockUntil = await bullmq.waiting;
    } finally {
      bullmq.waiting = null;
    }
    if (bullmq.blockUntil <= 0 || bullmq.blockUntil - Date.now() < 1) this.wokenAt = Date.now();
  }

  private notifyTaken(): void {
    const resolve = this.onTaken;
    this.onTaken = undefined;
    resolve?.();
  }

  /** The next batch: waits for its first job, lingers, then takes what is waiting. */
  private async gather(): Promise<Job[]> {
    await this.nextTaken();
    const firstAt = this.taken[0]?.timestamp ?? this.wokenAt;
    if (firstAt === undefined) return [];
    const { maxJobs, maxSize = Infinity, sizeOf = () => 1 } = this.batch;
    const lingerMs = this.sizeArrivals.lingerMs();
    const wait = firstAt + lingerMs - Date.now();
    // Light traffic: no other job is expected to have come by the time the batch would be
    // taken (the linger's end, or now if the first job is older), so neither the wait nor
    // a fetch would gather anything. An older first job may have others behind it: look.
    const now = performance.now();
    if (this.arrivals.nothingMoreBy(now + lingerMs - Math.min(wait, 0), now)) {
      if (this.taken.length > 0) return this.tookAll(this.taken.splice(0, maxJobs));
      this.wokenAt = undefined;
      const [job] = await this.fetchRound(1);
      if (job === undefined) return [];
      this.arrived([job]);
      return this.tookAll([job]);
    }
    if (wait > 0) await this.waitOrClose(wait);
    const jobs = this.taken.splice(0, maxJobs);
    // The job the marker announced is taken in the first round; a closing or paused worker
    // takes that round (the batch it was lingering for), then stops, as BullMQ's own fetch
    // takes the job it was woken for.
    let first = this.wokenAt !== undefined && jobs.length === 0 ? 1 : 0;
    this.wokenAt = undefined;
    let total = jobs.reduce((sum, job) => sum + sizeOf(job), 0);
    // Then rounds of parallel fetches: one more than the last batch took after its first,
    // doubling while they all come back with a job. Each empty answer is a script call wasted
    // in Redis, and each round a round trip: asking for exactly as many as last time, a
    // steady trickle found them all and sent a second round, twice as large, that found none.
    let more = this.lastExtra + 1;
    while (
      jobs.length < maxJobs &&
      total < maxSize &&
      (first === 1 || !(this.closing || this.paused))
    ) {
      const round = Math.min(first + more, MAX_FETCH_ROUND, maxJobs - jobs.length);
      const fetched = await this.fetchRound(round);
      const found = fetched.filter((job): job is Job => job !== undefined);
      if (found.length > 0) this.arrived(found);
      jobs.push(...found);
      total += found.reduce((sum, job) => sum + sizeOf(job), 0);
      if (found.length < round) return jobs.length > 0 ? this.tookAll(jobs) : jobs;
      first = 0;
      more *= 2;
    }
    this.lastExtra = jobs.length - 1;
    return jobs;
  }

  /**
   * `count` jobs asked for at once (one write, `coalesceWrites` in src/redis.ts). BullMQ's
   * own fetch takes nothing once the worker closes or pauses; this one still takes the
   * batch such a worker lingered for, which it then processes before its loop ends.
   */
  private async fetchRound(count: number): Promise<(Job | undefined)[]> {
    const client = await this.client;
    return Promise.all(
      Array.from({ length: count }, () => this.moveToActive(client, this.token(), this.opts.name)),
    );
  }

  /**
   * A batch that took every job waiting: clears the marker BullMQ set again as it took
   * them (clear-queue-marker.lua), so that the next blocking fetch waits for a new job
   * instead of waking at once to find none. Sent beside the batch's own first command.
   */
  private tookAll(jobs: Job[]): Job[] {
    this.lastExtra = jobs.length - 1;
    void this.clearMarker?.().catch(() => undefined);
    return jobs;
  }

  /**
   * Processes one batch: its outcomes, then each job finished by BullMQ, which takes the
   * next waiting job in the same call (one script per job under a backlog, as BullMQ's own
   * loop does): those start the next batch.
   */
  private async processJobs(jobs: Job[]): Promise<void> {
    const outcomes = this.processBatch(jobs).catch((error: Error) => jobs.map(() => ({ error })));
    jobs.forEach((job, i) =>
      this.outcomes.set(
        job.id!,
        outcomes.then((all) => all[i]!),
      ),
    );
    try {
      await Promise.all(
        jobs.map(async (job) => {
          const next = await this.processJob(job, job.token!, () => !this.closing);
          if (next) {
            this.took(next);
            this.notifyTaken();
          }
        }),
      );
    } finally {
      for (const job of jobs) this.outcomes.delete(job.id!);
    }
  }

  /** True when no job is expected within the linger (light traffic; never without `adaptive`). */
  private quiet(): boolean {
    const now = performance.now();
    return this.arrivals.nothingMoreBy(now + this.sizeArrivals.lingerMs(), now);
  }

  /** A job taken by a fetch of its own, or handed over by a finishing job. */
  private took(job: Job): void {
    this.arrived([job]);
    this.taken.push(job);
  }

  private arrived(jobs: readonly Job[]): void {
    const now = performance.now();
    const { sizeOf = () => 1 } = this.batch;
    this.arrivals.arrived(jobs.length, now);
    this.sizeArrivals.arrived(
      jobs.reduce((sum, job) => sum + Math.max(1, sizeOf(job)), 0),
      now,
    );
  }

  /** Waits `ms`, or less if the worker starts closing (its batch is then processed at once). */
  private async waitOrClose(ms: number): Promise<void> {
    if (this.closing) return;
    const abort = new AbortController();
    const onClosing = () => abort.abort();
    this.once('closing', onClosing);
    try {
      await sleep(ms, undefined, { signal: abort.signal });
    } catch {
      // Cut short by close().
    } finally {
      this.off('closing', onClosing);
    }
  }

  private token(): string {
    return `${this.id}:${(this.tokens += 1)}`;
  }
}
