/**
 * The monthly partitions of web_events against a real PostgreSQL (docs/data-lifecycle.md):
 * the migration keeps every row both ways, an event of any month is stored (the default
 * partition takes what has no partition yet, and gives it up when its month's partition
 * is created), an event id is stored once across months, and retention drops whole old
 * months only — never on a dry run.
 */
import test from 'ava';
import { randomUUID } from 'node:crypto';
import knex, { type Knex } from 'knex';
import { insertEvents } from '../jobs/persist-events';
import type { Config } from '../src/config';
import { knexConfig } from '../src/db';
import { expirePartitions, planRetention } from '../src/history/expire-partitions';
import {
  DEFAULT_PARTITION,
  createMonthPartition,
  ensurePartitions,
  listPartitions,
} from '../src/history/month-partitions';
import { queuedEventAt } from './helpers/events';
import { spawnEntry, envFor } from './helpers/processes';
import { dropTestSchema, migrateTestSchema, testConfig } from './helpers/test-env';

const silent = { info: () => undefined, warn: () => undefined };

/** Every row, every column, in id order: what a migration must keep. */
const allRows = (db: Knex) => db('web_events').select('*').orderBy('id');

/** Where each event's row is: event id → partition name. */
async function partitionOf(db: Knex): Promise<Record<string, string>> {
  const rows = await db('web_events').select(
    'event_id',
    db.raw('tableoid::regclass::text AS partition'),
  );
  return Object.fromEntries(rows.map((row) => [row.event_id, row.partition]));
}

async function withSchema(run: (db: Knex, config: Config) => Promise<void>) {
  const config = testConfig();
  const db = await migrateTestSchema(config);
  try {
    await run(db, config);
  } finally {
    await dropTestSchema(db, config);
  }
}

test('the migration keeps every row, id and sequence: up, down and up again', async (t) => {
  const config = testConfig();
  const db = knex(knexConfig(config, { ensureSchema: true }));
  try {
    await db.migrate.up(); // catalog
    await db.migrate.up(); // users and commerce
    await db.migrate.up(); // the plain web_events
    const rows = ['2019-07-04T10:00:00Z', '2026-01-31T23:59:59.999Z', '2026-02-01T00:00:00Z'].map(
      (at, i) => ({
        event_id: randomUUID(),
        user_id: i + 1,
        session_id: `s${i}`,
        event_type: 'VIEW',
        game_id: i === 0 ? null : i,
        timestamp: at,
        occurred_at: at,
        received_at: at,
        time_spent: 10 * i,
        referrer_page: '/',
        platform: 'web',
        search_query: i === 1 ? 'mario' : null,
        filters_applied: i === 2 ? { price_under: 100 } : null,
      }),
    );
    await db('web_events').insert(rows);
    const before = await allRows(db);
    t.is(before.length, 3);

    await db.migrate.up(); // partitioned
    t.deepEqual(await allRows(db), before);
    t.deepEqual(
      (await db('web_event_ids').pluck('event_id')).sort(),
      rows.map((row) => row.event_id).sort(),
    );
    const where = await partitionOf(db);
    t.deepEqual(
      rows.map((row) => where[row.event_id]),
      ['web_events_p2019_07', 'web_events_p2026_01', 'web_events_p2026_02'],
    );

    await db.migrate.down();
    t.deepEqual(await allRows(db), before);
    t.false(await db.schema.hasTable('web_event_ids'));
    await db.migrate.latest();
    t.deepEqual(await allRows(db), before);

    // The sequence carried over: the next row's id follows the others.
    await insertEvents(db, [queuedEventAt('2026-02-02T00:00:00Z')]);
    t.is(Number((await allRows(db)).at(-1).id), Number(before.at(-1).id) + 1);
  } finally {
    await dropTestSchema(db, config);
  }
});

test('three months and the default partition; a new partition takes its rows out of the default', (t) =>
  withSchema(async (db) => {
    const now = new Date('2025-03-10T12:00:00Z');
    await ensurePartitions(db, now); // March to June 2025
    const january = queuedEventAt('2025-01-15T00:00:00Z');
    const february = queuedEventAt('2025-02-28T23:59:59.999Z');
    const march = queuedEventAt('2025-03-01T00:00:00Z');
    t.is(await insertEvents(db, [january, february, march]), 3);
    t.like(await partitionOf(db), {
      [january.event_id]: DEFAULT_PARTITION,
      [february.event_id]: DEFAULT_PARTITION,
      [march.event_id]: 'web_events_p2025_03',
    });

    // PostgreSQL refuses a partition whose rows sit in the default one: they are moved.
    t.deepEqual(await createMonthPartition(db, new Date('2025-01-01T00:00:00Z')), {
      name: 'web_events_p2025_01',
      moved: 1,
    });
    t.deepEqual(
      (await ensurePartitions(db, now)).map(({ name }) => name),
      ['web_events_p2025_02'],
    );
    t.deepEqual(await ensurePartitions(db, now), [], 'idempotent');
    const late = queuedEventAt('2024-11-05T00:00:00Z');
    await insertEvents(db, [late]);
    t.deepEqual(await partitionOf(db), {
      [january.event_id]: 'web_events_p2025_01',
      [february.event_id]: 'web_events_p2025_02',
      [march.event_id]: 'web_events_p2025_03',
      [late.event_id]: DEFAULT_PARTITION,
    });
    t.is((await db('web_event_ids').count({ n: '*' }))[0]!.n, '4');
  }));

test('the same event id resent a month later (or twice in one job) is stored once', (t) =>
  withSchema(async (db) => {
    const first = queuedEventAt('2026-04-30T23:00:00Z');
    const again = { ...first, occurred_at: Date.parse('2026-05-30T23:00:00Z'), session_id: 'x' };
    t.is(await insertEvents(db, [first, first]), 1);
    t.is(await insertEvents(db, [again]), 0);
    const rows = await db('web_events').where('event_id', first.event_id);
    t.is(rows.length, 1);
    t.is(rows[0].session_id, 'partitions');
    t.deepEqual(await db('web_event_ids').where('event_id', first.event_id).pluck('event_id'), [
      first.event_id,
    ]);
  }));

test('retention drops the oldest month only; a dry run changes nothing', (t) =>
  withSchema(async (db, config) => {
    const now = new Date('2025-03-10T12:00:00Z');
    const events = ['2025-01-02', '2025-01-30', '2025-02-01', '2025-03-05', '2024-12-20'].map(
      (day) => queuedEventAt(`${day}T00:00:00Z`),
    );
    await ensurePartitions(db, now);
    for (const month of ['2025-01-01', '2025-02-01'])
      await createMonthPartition(db, new Date(month));
    await insertEvents(db, events); // December 2024 lands in the default partition
    const before = { rows: await allRows(db), partitions: await listPartitions(db) };

    // One month before the current one is kept: February and March stay, January goes.
    const plan = await planRetention(db, 1, now);
    t.deepEqual(plan.expired, [{ name: 'web_events_p2025_01', rows: 2 }]);
    t.is(plan.defaultRowsBefore, 1, 'the default partition is never dropped, only reported');
    t.deepEqual({ rows: await allRows(db), partitions: await listPartitions(db) }, before);

    // The command's dry run (the real clock: every month of 2025 is long expired).
    const script = spawnEntry(
      'scripts/retention.ts',
      envFor(config, { RETENTION_MONTHS: '1', LOG_LEVEL: 'info' }),
    );
    const line = await script.waitForLog((log) => log.msg.startsWith('dry run'));
    t.like(line, { apply: false, retentionMonths: 1, defaultRowsBefore: 1 });
    t.like(await script.exited, { code: 0 });
    t.deepEqual({ rows: await allRows(db), partitions: await listPartitions(db) }, before);

    const dropped: number[] = [];
    await expirePartitions(db, 1, { logger: silent, now, onDropped: (rows) => dropped.push(rows) });
    t.deepEqual(dropped, [2]);
    t.false((await listPartitions(db)).includes('web_events_p2025_01'));
    t.deepEqual(
      (await db('web_events').orderBy('occurred_at').pluck('event_id')).sort(),
      events
        .slice(2)
        .map((event) => event.event_id)
        .sort(),
    );
    t.deepEqual(
      (await db('web_event_ids').pluck('event_id')).sort(),
      events
        .slice(2)
        .map((event) => event.event_id)
        .sort(),
      'the dropped events’ ids went with them',
    );
    t.deepEqual(await planRetention(db, 1, now), { ...plan, expired: [] }, 'nothing left to drop');
  }));
