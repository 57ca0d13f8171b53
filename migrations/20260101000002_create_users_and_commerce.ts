/**
 * Customers and what they do with the catalog: users, their reviews, orders and carts.
 * Orders are history, so neither a user nor a game that an order names can be deleted;
 * reviews and carts follow their user, cart lines follow their game.
 */
import type { Knex } from 'knex';
import { ORDER_STATUSES } from '../src/models/enums';

export async function up(knex: Knex): Promise<void> {
  await knex.schema.createTable('users', (table) => {
    table.increments('id');
    table.string('username', 50).notNullable().unique();
    table.string('email', 255).notNullable().unique();
    table.string('hashed_password', 255).notNullable();
    table.boolean('is_active').notNullable().defaultTo(true);
    table.timestamps(true, true);
  });

  await knex.schema.createTable('reviews', (table) => {
    table.increments('id');
    table
      .integer('game_id')
      .notNullable()
      .references('id')
      .inTable('games')
      .onDelete('CASCADE')
      .index();
    table.integer('user_id').notNullable().references('id').inTable('users').onDelete('CASCADE');
    table.integer('rating').notNullable().checkBetween([1, 5]);
    table.text('comment');
    table.timestamp('created_at', { useTz: true }).notNullable().defaultTo(knex.fn.now());
    // One review per user and game; it also serves lookups by user.
    table.unique(['user_id', 'game_id']);
  });

  await knex.schema.createTable('orders', (table) => {
    table.increments('id');
    table
      .integer('user_id')
      .notNullable()
      .references('id')
      .inTable('users')
      .onDelete('RESTRICT')
      .index();
    table.enu('status', ORDER_STATUSES).notNullable().defaultTo('PENDING');
    table.decimal('total_amount', 10, 2).notNullable().defaultTo(0);
    table.timestamps(true, true);
    table.check('total_amount >= 0', {}, 'orders_total_amount_check');
  });

  await knex.schema.createTable('order_items', (table) => {
    table.increments('id');
    table
      .integer('order_id')
      .notNullable()
      .references('id')
      .inTable('orders')
      .onDelete('CASCADE')
      .index();
    table
      .integer('game_id')
      .notNullable()
      .references('id')
      .inTable('games')
      .onDelete('RESTRICT')
      .index();
    table.integer('quantity').notNullable().checkPositive();
    table.decimal('unit_price', 10, 2).notNullable();
    table.check('unit_price >= 0', {}, 'order_items_unit_price_check');
  });

  await knex.schema.createTable('carts', (table) => {
    table.increments('id');
    table
      .integer('user_id')
      .notNullable()
      .unique()
      .references('id')
      .inTable('users')
      .onDelete('CASCADE');
    table.timestamps(true, true);
  });

  await knex.schema.createTable('cart_items', (table) => {
    table.increments('id');
    table.integer('cart_id').notNullable().references('id').inTable('carts').onDelete('CASCADE');
    table
      .integer('game_id')
      .notNullable()
      .references('id')
      .inTable('games')
      .onDelete('CASCADE')
      .index();
    table.integer('quantity').notNullable().defaultTo(1).checkPositive();
    // One line per game in a cart; it also serves lookups by cart.
    table.unique(['cart_id', 'game_id']);
  });
}

export async function down(knex: Knex): Promise<void> {
  await knex.schema.dropTable('cart_items');
  await knex.schema.dropTable('carts');
  await knex.schema.dropTable('order_items');
  await knex.schema.dropTable('orders');
  await knex.schema.dropTable('reviews');
  await knex.schema.dropTable('users');
}
