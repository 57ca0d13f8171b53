import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { CartItem } from './cart-item';
import { User } from './user';

export class Cart extends Model {
  declare id: number;
  declare user_id: number;
  declare created_at: Date;
  declare updated_at: Date;

  declare user?: User;
  declare items?: CartItem[];

  static override tableName = 'carts';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['user_id'],
    properties: {
      id: { type: 'integer' },
      user_id: { type: 'integer' },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    user: {
      relation: Model.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'carts.user_id', to: 'users.id' },
    },
    items: {
      relation: Model.HasManyRelation,
      modelClass: CartItem,
      join: { from: 'carts.id', to: 'cart_items.cart_id' },
    },
  });
}
