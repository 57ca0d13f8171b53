/**
 * persist — writes a job's events to `web_events`, the history.
 *
 * Input:  `{ events: QueuedEvent[] }` (1 to INGEST_MAX_EVENTS_PER_JOB events).
 * Writes: one statement: the new ids into `web_event_ids` (ON CONFLICT DO NOTHING), then
 *         those events into `web_events`, from `unnest(…)` of 13 column arrays: one round
 *         trip and a fixed 13 parameters whatever the batch size, as a named (prepared)
 *         statement, so PostgreSQL parses and plans it once per connection, not once per
 *         job; a retried or resent event is stored once, however late; an erased user's
 *         earlier events never.
 * Fails:  database unreachable or busy → throws, BullMQ retries with backoff;
 *         a row PostgreSQL can never take (data or constraint error) → the other events
 *         are written one by one, and the job fails with UnrecoverableError naming the
 *         rejected events (retrying it from Bull Board is safe).
 */
import { UnrecoverableError, type Job } from 'bullmq';
import type { Knex } from 'knex';
import type { QueuedEvent } from '../src/ingest/queued-event';
import { outcomesOf, type BatchProcessor } from './batch-worker';
import { eventsOrNone, readEventsJob, readEventsJobs } from './read-events-job';

// web_events is partitioned by month, so no unique index can hold event_id across months:
// web_event_ids does (migrations/20260101000004_partition_web_events.ts). The ids are
// inserted first; only those that were new reach web_events (the events are distinct by id:
// see insertEvents). Events of a user erased since they were received are
// left out (migrations/20260101000005_create_erasures.ts). One statement, one round trip.
const INSERT_EVENTS = {
  // The name is the statement's on each pooled connection; the schema is the pool's search_path.
  name: 'rti_insert_web_events',
  text: `
  WITH batch AS (
    SELECT * FROM unnest($1::uuid[], $2::int[], $3::text[], $4::text[], $5::int[],
      $6::timestamptz[], $7::timestamptz[], $8::timestamptz[], $9::text[], $10::int[],
      $11::text[], $12::text[], $13::jsonb[])
      AS b (event_id, user_id, session_id, event_type, game_id, "timestamp", occurred_at,
        received_at, referrer_page, time_spent, platform, search_query, filters_applied)
    WHERE NOT EXISTS (SELECT 1 FROM erasures e
      WHERE e.user_id = b.user_id AND b.received_at <= e.requested_at)
  ), fresh AS (
    INSERT INTO web_event_ids (event_id) SELECT event_id FROM batch
    ON CONFLICT (event_id) DO NOTHING RETURNING event_id
  )
  INSERT INTO web_events (event_id, user_id, session_id, event_type, game_id, "timestamp",
    occurred_at, received_at, referrer_page, time_spent, platform, search_query, filters_applied)
  SELECT * FROM batch WHERE event_id IN (SELECT event_id FROM fresh)
  RETURNING event_id`,
};

/** The pg client knex's pool hands out. */
interface PgClient {
  query(
    query: typeof INSERT_EVENTS & { values: unknown[] },
  ): Promise<{ rows: Array<{ event_id: string }> }>;
}

const iso = (ms: number) => new Date(ms).toISOString();

/** The events as 13 column arrays, in the order of INSERT_EVENTS. */
export function toColumns(events: readonly QueuedEvent[]): unknown[][] {
  const columns: unknown[][] = [
    events.map((e) => e.event_id),
    events.map((e) => e.user_id),
    events.map((e) => e.session_id),
    events.map((e) => e.event_type),
    events.map((e) => e.game_id),
    events.map((e) => iso(e.timestamp)),
    events.map((e) => iso(e.occurred_at)),
    events.map((e) => iso(e.received_at)),
    events.map((e) => e.referrer_page),
    events.map((e) => e.time_spent),
    events.map((e) => e.platform),
    events.map((e) => e.search_query),
    events.map((e) => (e.filters_applied == null ? null : JSON.stringify(e.filters_applied))),
  ];
  // pg sends each JS array as one PostgreSQL array parameter (nulls included).
  return columns;
}

/**
 * Inserts the events; resolves to the ids of the new rows. The statement goes to the pg
 * client itself: knex's `raw` cannot name a statement.
 */
export async function insertNewEvents(db: Knex, events: readonly QueuedEvent[]): Promise<string[]> {
  // One job (or batch) may carry an event twice (requests coalesced into it): the first one
  // is stored, as ON CONFLICT would have kept it, and the join with the new ids meets each
  // id once.
  const seen = new Set<string>();
  const distinct = events.filter((e) => !seen.has(e.event_id) && seen.add(e.event_id));
  const client = (await db.client.acquireConnection()) as PgClient;
  try {
    const result = await client.query({ ...INSERT_EVENTS, values: toColumns(distinct) });
    return result.rows.map((row) => row.event_id);
  } finally {
    await db.client.releaseConnection(client);
  }
}

/** Inserts the events; resolves to the number of new rows. */
export async function insertEvents(db: Knex, events: readonly QueuedEvent[]): Promise<number> {
  return (await insertNewEvents(db, events)).length;
}

/** PostgreSQL's data exceptions (22…) and integrity violations (23…): retrying cannot help. */
export function isPermanentDbError(error: unknown): boolean {
  const code = (error as { code?: unknown }).code;
  return typeof code === 'string' && /^2[23]/.test(code);
}

export function createPersistProcessor(db: Knex) {
  return async function persistEvents(job: Job): Promise<{ inserted: number }> {
    const events = readEventsJob(job);
    if (events.length === 0) return { inserted: 0 };
    try {
      return { inserted: await insertEvents(db, events) };
    } catch (error) {
      if (!isPermanentDbError(error)) throw error;
    }
    // A poison row: keep the good events, name the bad ones.
    const rejected: string[] = [];
    for (const event of events) {
      try {
        await insertEvents(db, [event]);
      } catch (error) {
        if (!isPermanentDbError(error)) throw error;
        rejected.push(`${event.event_id}: ${(error as Error).message}`);
      }
    }
    throw new UnrecoverableError(
      `${rejected.length} of ${events.length} events rejected by PostgreSQL: ${rejected.slice(0, 5).join('; ')}`,
    );
  };
}

/**
 * The persist jobs of a batch in one statement. Each job's result counts the rows it added
 * (an event in two jobs of the batch is the first one's). A transient error fails every
 * job of the batch, to be retried; a row PostgreSQL can never take sends each job through
 * `persistEvents` alone, so only the job holding it fails.
 */
export function createPersistBatchProcessor(db: Knex): BatchProcessor {
  const persistEvents = createPersistProcessor(db);
  return async (jobs) => {
    const read = readEventsJobs(jobs);
    // An event in two jobs of the batch is stored once, for the first of them.
    const owner = new Map<string, number>();
    read.forEach((events, i) => {
      for (const event of eventsOrNone(events))
        if (!owner.has(event.event_id)) owner.set(event.event_id, i);
    });
    const events = read.flatMap(eventsOrNone);
    let inserted: string[] = [];
    try {
      if (events.length > 0) inserted = await insertNewEvents(db, events);
    } catch (error) {
      if (!isPermanentDbError(error)) throw error;
      return outcomesOf(jobs, (job) => persistEvents(job));
    }
    const counts = jobs.map(() => 0);
    for (const id of inserted) counts[owner.get(id)!]! += 1;
    return read.map((events, i) =>
      events instanceof Error ? { error: events } : { result: { inserted: counts[i]! } },
    );
  };
}
