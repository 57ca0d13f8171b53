/**
 * The catalog: publishers, genres, games and the games' genres. Platform and region are
 * text columns with CHECK constraints rather than native enum types, so a later migration
 * can change a list with one ALTER TABLE and no type juggling.
 */
import type { Knex } from 'knex';
import { PLATFORMS, REGIONS } from '../src/models/enums';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('publishers', (table) => {
    table.increments('id');
    table.string('name', 255).notNullable().unique();
    table.string('website', 2048);
    table.integer('founded_year').checkBetween([1800, 2100]);
    table.timestamps(true, true);
  });

  await knex.schema.createTable('genres', (table) => {
    table.increments('id');
    table.string('name', 100).notNullable().unique();
    table.text('description');
  });

  await knex.schema.createTable('games', (table) => {
    table.increments('id');
    table.string('title', 255).notNullable();
    table.text('description');
    table.decimal('price', 10, 2).notNullable();
    table.date('release_date');
    // RESTRICT: a publisher that still has games cannot disappear under them.
    table
      .integer('publisher_id')
      .notNullable()
      .references('id')
      .inTable('publishers')
      .onDelete('RESTRICT')
      .index();
    table.enu('platform', PLATFORMS).notNullable();
    table.enu('region', REGIONS).notNullable();
    table.integer('stock').notNullable().defaultTo(0);
    table.boolean('is_digital').notNullable().defaultTo(false);
    table.boolean('is_active').notNullable().defaultTo(true);
    table.integer('condition_rating').checkBetween([1, 10]);
    table.boolean('has_original_box').notNullable().defaultTo(false);
    table.boolean('has_manual').notNullable().defaultTo(false);
    table.boolean('is_rare').notNullable().defaultTo(false);
    table.decimal('collector_value', 10, 2);
    table.string('serial_number', 64).unique();
    table.boolean('special_edition').notNullable().defaultTo(false);
    table.timestamps(true, true);
    table.check('price >= 0', {}, 'games_price_check');
    table.check('stock >= 0', {}, 'games_stock_check');
    table.check('collector_value >= 0', {}, 'games_collector_value_check');
  });

  await knex.schema.createTable('game_genre', (table) => {
    // A deleted game takes its genre links with it; a genre still in use cannot be deleted.
    table.integer('game_id').notNullable().references('id').inTable('games').onDelete('CASCADE');
    table
      .integer('genre_id')
      .notNullable()
      .references('id')
      .inTable('genres')
      .onDelete('RESTRICT')
      .index();
    table.primary(['game_id', 'genre_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('game_genre');
  await knex.schema.dropTable('games');
  await knex.schema.dropTable('genres');
  await knex.schema.dropTable('publishers');
}
