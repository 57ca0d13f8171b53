import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { Cart } from './cart';
import { Game } from './game';

export class CartItem extends Model {
  declare id: number;
  declare cart_id: number;
  declare game_id: number;
  declare quantity: number;

  declare cart?: Cart;
  declare game?: Game;

  static override tableName = 'cart_items';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['cart_id', 'game_id'],
    properties: {
      id: { type: 'integer' },
      cart_id: { type: 'integer' },
      game_id: { type: 'integer' },
      quantity: { type: 'integer', minimum: 1 },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    cart: {
      relation: Model.BelongsToOneRelation,
      modelClass: Cart,
      join: { from: 'cart_items.cart_id', to: 'carts.id' },
    },
    game: {
      relation: Model.BelongsToOneRelation,
      modelClass: Game,
      join: { from: 'cart_items.game_id', to: 'games.id' },
    },
  });
}
