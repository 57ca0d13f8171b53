/**
 * The audit of erasures (docs/data-lifecycle.md): who asked to erase which user, when,
 * how far it got and what it removed — never the data itself. The persist job reads it
 * too: an event of an erased user received up to `requested_at` is never written
 * (jobs/persist-events.ts), so a job still queued at the request cannot bring it back.
 */
import type { Knex } from 'knex';

export const ERASURE_STATUSES = ['queued', 'running', 'done'] as const;

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('erasures', (table) => {
    table.uuid('id').primary();
    table.integer('user_id').notNullable();
    table.string('requested_by', 128).notNullable();
    table.timestamp('requested_at', { useTz: true }).notNullable();
    table.timestamp('finished_at', { useTz: true });
    table.enu('status', ERASURE_STATUSES).notNullable().defaultTo('queued');
    table.integer('rows_removed').notNullable().defaultTo(0);
    table.integer('keys_removed').notNullable().defaultTo(0);
    table.integer('queued_events_removed').notNullable().defaultTo(0);
    // The persist job's filter: does an erasure of this user cover this event?
    table.index(['user_id', 'requested_at']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('erasures');
}
