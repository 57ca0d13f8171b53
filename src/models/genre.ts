import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { Game } from './game';

export class Genre extends Model {
  declare id: number;
  declare name: string;
  declare description?: string | null;

  declare games?: Game[];

  static override tableName = 'genres';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['name'],
    properties: {
      id: { type: 'integer' },
      name: { type: 'string', minLength: 1, maxLength: 100 },
      description: { type: ['string', 'null'] },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    games: {
      relation: Model.ManyToManyRelation,
      modelClass: Game,
      join: {
        from: 'genres.id',
        through: { from: 'game_genre.genre_id', to: 'game_genre.game_id' },
        to: 'games.id',
      },
    },
  });
}
