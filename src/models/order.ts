import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { amount, oneOf, type Decimal } from './column-schemas';
import { ORDER_STATUSES, type OrderStatus } from './enums';
import { OrderItem } from './order-item';
import { User } from './user';

export class Order extends Model {
  declare id: number;
  declare user_id: number;
  declare status: OrderStatus;
  declare total_amount: Decimal;
  declare created_at: Date;
  declare updated_at: Date;

  declare user?: User;
  declare items?: OrderItem[];

  static override tableName = 'orders';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['user_id'],
    properties: {
      id: { type: 'integer' },
      user_id: { type: 'integer' },
      status: oneOf(ORDER_STATUSES),
      total_amount: amount,
    },
  };

  static override relationMappings = (): RelationMappings => ({
    user: {
      relation: Model.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'orders.user_id', to: 'users.id' },
    },
    items: {
      relation: Model.HasManyRelation,
      modelClass: OrderItem,
      join: { from: 'orders.id', to: 'order_items.order_id' },
    },
  });
}
