/** The Objection models, one per table (game_genre is only the join of Game ↔ Genre). */
export { Cart } from './cart';
export { CartItem } from './cart-item';
export { Game } from './game';
export { Genre } from './genre';
export { Order } from './order';
export { OrderItem } from './order-item';
export { Publisher } from './publisher';
export { Review } from './review';
export { User } from './user';
export { WebEvent } from './web-event';
export * from './enums';
export type { CalendarDate, Decimal } from './column-schemas';
