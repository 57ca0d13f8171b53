/**
 * The interaction history written by the persistence job (SPEC §4.1, §5).
 *
 * - `event_id` is the idempotency key: the job inserts with ON CONFLICT (event_id) DO NOTHING.
 * - `user_id` and `game_id` carry no foreign key: events may name users and games the catalog
 *   learns about later, and a row the catalog does not know must never block ingestion.
 * - `timestamp` is what the client claimed, `occurred_at` the event time after clock-skew
 *   correction (what every query orders by), `received_at` when the API accepted it.
 */
import type { Knex } from 'knex';
import { EVENT_TYPES } from '../src/models/enums';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('web_events', (table) => {
    table.bigIncrements('id');
    table.uuid('event_id').notNullable().unique();
    table.integer('user_id').notNullable();
    table.integer('game_id');
    table.string('session_id', 128).notNullable();
    table.enu('event_type', EVENT_TYPES).notNullable();
    table.timestamp('timestamp', { useTz: true }).notNullable();
    table.timestamp('occurred_at', { useTz: true }).notNullable();
    table.timestamp('received_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    table.integer('time_spent').checkBetween([0, 86_400]);
    table.string('referrer_page', 2048).notNullable();
    table.string('platform', 32);
    table.string('search_query', 512);
    table.jsonb('filters_applied');

    // A user's history by event time: recent interests, platform usage, engagement score.
    table.index(['user_id', 'occurred_at']);
    // Session insights rebuilt from history.
    table.index(['session_id']);
    // Views per game (genre preferences, popularity).
    table.index(['game_id']);
    // One event type of one user by time: the customer-insights queries on VIEW events.
    table.index(['user_id', 'event_type', 'occurred_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('web_events');
}
