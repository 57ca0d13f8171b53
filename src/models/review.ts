import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { instant } from './column-schemas';
import { Game } from './game';
import { User } from './user';

export class Review extends Model {
  declare id: number;
  declare game_id: number;
  declare user_id: number;
  declare rating: number;
  declare comment?: string | null;
  declare created_at: Date;

  declare game?: Game;
  declare user?: User;

  static override tableName = 'reviews';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['game_id', 'user_id', 'rating'],
    properties: {
      id: { type: 'integer' },
      game_id: { type: 'integer' },
      user_id: { type: 'integer' },
      rating: { type: 'integer', minimum: 1, maximum: 5 },
      comment: { type: ['string', 'null'] },
      created_at: instant,
    },
  };

  static override relationMappings = (): RelationMappings => ({
    game: {
      relation: Model.BelongsToOneRelation,
      modelClass: Game,
      join: { from: 'reviews.game_id', to: 'games.id' },
    },
    user: {
      relation: Model.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'reviews.user_id', to: 'users.id' },
    },
  });
}
