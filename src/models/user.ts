import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { Cart } from './cart';
import { Order } from './order';
import { Review } from './review';

export class User extends Model {
  declare id: number;
  declare username: string;
  declare email: string;
  /** `scrypt$N$r$p$salt$hash`, from src/passwords.ts; never part of an API answer. */
  declare hashed_password: string;
  declare is_active: boolean;
  declare created_at: Date;
  declare updated_at: Date;

  declare orders?: Order[];
  declare reviews?: Review[];
  declare cart?: Cart | null;

  static override tableName = 'users';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['username', 'email', 'hashed_password'],
    properties: {
      id: { type: 'integer' },
      username: { type: 'string', minLength: 1, maxLength: 50 },
      email: { type: 'string', format: 'email', maxLength: 255 },
      hashed_password: { type: 'string', minLength: 1, maxLength: 255 },
      is_active: { type: 'boolean' },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    orders: {
      relation: Model.HasManyRelation,
      modelClass: Order,
      join: { from: 'users.id', to: 'orders.user_id' },
    },
    reviews: {
      relation: Model.HasManyRelation,
      modelClass: Review,
      join: { from: 'users.id', to: 'reviews.user_id' },
    },
    cart: {
      relation: Model.HasOneRelation,
      modelClass: Cart,
      join: { from: 'users.id', to: 'carts.user_id' },
    },
  });
}
