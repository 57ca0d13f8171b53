import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { amount, type Decimal } from './column-schemas';
import { Game } from './game';
import { Order } from './order';

export class OrderItem extends Model {
  declare id: number;
  declare order_id: number;
  declare game_id: number;
  declare quantity: number;
  /** The price paid, which the game's current price may no longer be. */
  declare unit_price: Decimal;

  declare order?: Order;
  declare game?: Game;

  static override tableName = 'order_items';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['order_id', 'game_id', 'quantity', 'unit_price'],
    properties: {
      id: { type: 'integer' },
      order_id: { type: 'integer' },
      game_id: { type: 'integer' },
      quantity: { type: 'integer', minimum: 1 },
      unit_price: amount,
    },
  };

  static override relationMappings = (): RelationMappings => ({
    order: {
      relation: Model.BelongsToOneRelation,
      modelClass: Order,
      join: { from: 'order_items.order_id', to: 'orders.id' },
    },
    game: {
      relation: Model.BelongsToOneRelation,
      modelClass: Game,
      join: { from: 'order_items.game_id', to: 'games.id' },
    },
  });
}
