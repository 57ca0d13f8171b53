/**
 * Row 10: what partitioning web_events by month costs (docs/data-lifecycle.md).
 *
 * - Row 3's sustained load, run twice in this run with the same workers' code: on the
 *   partitioned table, then on the plain table of migration 3 (put in its place in the
 *   bench's schema, then taken away again). The partitioned figures are shown as a ratio
 *   to the plain ones.
 * - The persist statement alone, from the bench process, on 500-event batches: the
 *   current one (web_event_ids, then the partitioned table) against the statement the
 *   plain table had (`ON CONFLICT (event_id) DO NOTHING` on web_events itself), taking
 *   turns, so the id table's cost is measured too.
 */
import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { insertEvents, toColumns } from '../../jobs/persist-events';
import type { QueuedEvent } from '../../src/ingest/queued-event';
import { up as createPlainTable } from '../../migrations/20260101000003_create_web_events';
import type { BenchContext } from '../context';
import { stopWorkers } from '../service';
import { median } from '../stats';
import type { Measure } from '../table';
import { measureSustained } from './sustained';

const PARENT_INDEXES = [
  'web_events_user_id_occurred_at_index',
  'web_events_session_id_index',
  'web_events_game_id_index',
  'web_events_user_id_event_type_occurred_at_index',
];

/** Moves the partitioned table aside (names and all) and puts migration 3's plain table in its place. */
async function usePlainTable(db: Knex): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('ALTER TABLE web_events RENAME TO web_events_aside');
    await trx.raw(
      'ALTER TABLE web_events_aside RENAME CONSTRAINT web_events_pkey TO web_events_aside_pkey',
    );
    for (const name of PARENT_INDEXES)
      await trx.raw('ALTER INDEX ?? RENAME TO ??', [name, `${name}_aside`]);
    await trx.raw('ALTER SEQUENCE web_events_id_seq RENAME TO web_events_aside_id_seq');
    await createPlainTable(trx);
  });
}

/** Drops the plain table and puts the partitioned one back. */
async function usePartitionedTable(db: Knex): Promise<void> {
  await db.transaction(async (trx) => {
    await trx.raw('DROP TABLE web_events');
    await trx.raw('ALTER TABLE web_events_aside RENAME TO web_events');
    await trx.raw(
      'ALTER TABLE web_events RENAME CONSTRAINT web_events_aside_pkey TO web_events_pkey',
    );
    for (const name of PARENT_INDEXES)
      await trx.raw('ALTER INDEX ?? RENAME TO ??', [`${name}_aside`, name]);
    await trx.raw('ALTER SEQUENCE web_events_aside_id_seq RENAME TO web_events_id_seq');
  });
}

// The statement of the plain table (before partitioning), the baseline of the comparison.
const PLAIN_INSERT = `
  INSERT INTO web_events (event_id, user_id, session_id, event_type, game_id, "timestamp",
    occurred_at, received_at, referrer_page, time_spent, platform, search_query, filters_applied)
  SELECT * FROM unnest(?::uuid[], ?::int[], ?::text[], ?::text[], ?::int[], ?::timestamptz[],
    ?::timestamptz[], ?::timestamptz[], ?::text[], ?::int[], ?::text[], ?::text[], ?::jsonb[])
  ON CONFLICT (event_id) DO NOTHING`;

function batchOf(size: number): QueuedEvent[] {
  const now = Date.now();
  return Array.from({ length: size }, (_, i) => ({
    event_id: randomUUID(),
    user_id: 1 + (i % 500),
    session_id: `bench-${i % 200}`,
    event_type: 'VIEW',
    game_id: 1 + (i % 40),
    timestamp: now - i,
    occurred_at: now - i,
    received_at: now,
    referrer_page: '/games/1',
    time_spent: 30,
    platform: 'web',
    search_query: null,
    filters_applied: null,
  }));
}

/** Milliseconds per batch, median of `batches` inserts of fresh events. */
async function timeInserts(insert: (events: QueuedEvent[]) => Promise<unknown>, batches: number) {
  const times: number[] = [];
  for (let i = 0; i < batches; i++) {
    const events = batchOf(500);
    const started = performance.now();
    await insert(events);
    times.push(performance.now() - started);
  }
  return median(times);
}

/** Row 3's figures that partitioning could move, relabelled for row 10. */
function pick(measures: Measure[], row: string) {
  const labels = ['persisted', 'folded', 'backlog at end', 'workers CPU per event', 'ingest p99'];
  return measures
    .filter((measure) => labels.includes(measure.label))
    .map(({ target: _target, reference: _reference, ...measure }) => ({ ...measure, row }));
}

export async function measurePartitioning(
  ctx: BenchContext,
  workers: number,
  concurrency: number,
): Promise<Measure[]> {
  const { db } = ctx.service.env;
  const partitioned = await measureSustained(ctx, workers, concurrency);
  await stopWorkers(ctx.service);
  await usePlainTable(db);
  let plain;
  const statement = { partitioned: [] as number[], plain: [] as number[] };
  try {
    plain = await measureSustained(ctx, workers, concurrency);
    await stopWorkers(ctx.service);
    for (let run = 0; run < ctx.options.runs; run++) {
      statement.plain.push(
        await timeInserts(
          (events) => db.raw(PLAIN_INSERT, toColumns(events) as Knex.RawBinding[]),
          20,
        ),
      );
      await usePartitionedTable(db);
      statement.partitioned.push(await timeInserts((events) => insertEvents(db, events), 20));
      await usePlainTable(db);
    }
  } finally {
    await stopWorkers(ctx.service);
    await usePartitionedTable(db);
  }

  const plainRow = '10 plain web_events: row 3';
  const partRow = '10 partitioned web_events: row 3';
  const plainMeasures = pick(plain.measures, plainRow);
  const versus = (label: string) => {
    const base = plainMeasures.find((measure) => measure.label === label)!;
    return { label: 'plain', values: base.values };
  };
  const perSecond = (ms: number[]) => ms.map((value) => (500 * 1_000) / value);
  return [
    ...plainMeasures,
    ...pick(partitioned.measures, partRow).map((measure) =>
      ['persisted', 'workers CPU per event'].includes(measure.label)
        ? {
            ...measure,
            reference: versus(measure.label),
            ...(measure.label === 'persisted' && {
              target: { minRatio: 0.95, text: '≥ 0.95× plain' },
            }),
          }
        : measure,
    ),
    {
      row: '10 persist statement, 500 events',
      label: 'plain: ON CONFLICT on web_events',
      unit: 'events/s',
      values: perSecond(statement.plain),
    },
    {
      row: '10 persist statement, 500 events',
      label: 'partitioned: web_event_ids first',
      unit: 'events/s',
      values: perSecond(statement.partitioned),
      reference: { label: 'plain', values: perSecond(statement.plain) },
      target: { minRatio: 0.95, text: '≥ 0.95× plain' },
    },
  ];
}
