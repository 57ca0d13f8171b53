/**
 * `web_events` becomes a table partitioned by RANGE (occurred_at), one partition per UTC
 * month, plus a DEFAULT partition (src/history/month-partitions.ts), keeping every row,
 * its `id` and the id sequence. Old months can then leave by dropping a partition
 * (retention) instead of deleting row by row.
 *
 * PostgreSQL requires the partition key in every unique index of a partitioned table, so
 * `UNIQUE (event_id)` cannot stay: it would only be unique within one month, and an
 * event resent a month later (with a corrected or a different occurred_at) would be
 * stored twice. The idempotency key moves to `web_event_ids`, a plain table with one row
 * per stored event_id: the persist job inserts there first, in the same statement, and
 * writes to web_events only the ids that were new (jobs/persist-events.ts). Retention and
 * erasure delete from both. The primary key becomes (id, occurred_at) for the same reason;
 * `id` stays unique, as it comes from one sequence.
 *
 * `down` brings the plain table of the previous migration back, rows, ids and sequence.
 */
import type { Knex } from 'knex';
import { EVENT_TYPES } from '../src/models/enums';
import {
  createDefaultPartition,
  createMonthPartition,
  ensurePartitions,
} from '../src/history/month-partitions';
import { up as createPlainTable } from './20260101000003_create_web_events';

const COLUMNS = `id, event_id, user_id, game_id, session_id, event_type, "timestamp", occurred_at,
  received_at, time_spent, referrer_page, platform, search_query, filters_applied`;

const INDEXES: Array<[name: string, columns: string]> = [
  ['web_events_user_id_occurred_at_index', 'user_id, occurred_at'],
  ['web_events_session_id_index', 'session_id'],
  ['web_events_game_id_index', 'game_id'],
  ['web_events_user_id_event_type_occurred_at_index', 'user_id, event_type, occurred_at'],
];

const types = EVENT_TYPES.map((type) => `'${type}'`).join(', ');

export async function up(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE web_events RENAME TO web_events_plain`);
  await knex.raw(`ALTER TABLE web_events_plain DROP CONSTRAINT web_events_event_id_unique,
    DROP CONSTRAINT web_events_pkey`);
  for (const [name] of INDEXES) await knex.raw(`DROP INDEX ??`, [name]);

  await knex.raw(`
    CREATE TABLE web_events (
      id bigint NOT NULL DEFAULT nextval('web_events_id_seq'),
      event_id uuid NOT NULL,
      user_id integer NOT NULL,
      game_id integer,
      session_id varchar(128) NOT NULL,
      event_type text NOT NULL CONSTRAINT web_events_event_type_check CHECK (event_type IN (${types})),
      "timestamp" timestamptz NOT NULL,
      occurred_at timestamptz NOT NULL,
      received_at timestamptz NOT NULL DEFAULT CURRENT_TIMESTAMP,
      time_spent integer CONSTRAINT web_events_time_spent_check CHECK (time_spent BETWEEN 0 AND 86400),
      referrer_page varchar(2048) NOT NULL,
      platform varchar(32),
      search_query varchar(512),
      filters_applied jsonb,
      CONSTRAINT web_events_pkey PRIMARY KEY (id, occurred_at)
    ) PARTITION BY RANGE (occurred_at)`);
  await knex.raw(`ALTER SEQUENCE web_events_id_seq OWNED BY web_events.id`);
  for (const [name, columns] of INDEXES) {
    await knex.raw(`CREATE INDEX ?? ON web_events (${columns})`, [name]);
  }
  await knex.raw(`CREATE TABLE web_event_ids (event_id uuid PRIMARY KEY)`);

  // A partition for every month that has rows, and the coming months; then the rows.
  await createDefaultPartition(knex);
  const { rows } = await knex.raw<{ rows: Array<{ month: Date }> }>(
    `SELECT DISTINCT date_trunc('month', occurred_at, 'UTC') AS month FROM web_events_plain`,
  );
  for (const { month } of rows) await createMonthPartition(knex, month);
  await ensurePartitions(knex);
  await knex.raw(`INSERT INTO web_events (${COLUMNS}) SELECT ${COLUMNS} FROM web_events_plain`);
  await knex.raw(`INSERT INTO web_event_ids (event_id) SELECT event_id FROM web_events_plain`);
  await knex.raw(`DROP TABLE web_events_plain`);
}

export async function down(knex: Knex): Promise<void> {
  await knex.raw(`ALTER TABLE web_events RENAME TO web_events_partitioned`);
  await knex.raw(`ALTER TABLE web_events_partitioned DROP CONSTRAINT web_events_pkey`);
  for (const [name] of INDEXES) await knex.raw(`DROP INDEX ??`, [name]);
  await knex.raw(`ALTER SEQUENCE web_events_id_seq OWNED BY NONE`);
  await knex.raw(`ALTER SEQUENCE web_events_id_seq RENAME TO web_events_partitioned_id_seq`);

  await createPlainTable(knex);
  await knex.raw(
    `INSERT INTO web_events (${COLUMNS}) SELECT ${COLUMNS} FROM web_events_partitioned`,
  );
  await knex.raw(`SELECT setval('web_events_id_seq', last_value, is_called)
    FROM web_events_partitioned_id_seq`);
  await knex.raw(`DROP TABLE web_events_partitioned`); // and its partitions, the default too
  await knex.raw(`DROP SEQUENCE web_events_partitioned_id_seq`);
  await knex.raw(`DROP TABLE web_event_ids`);
}
