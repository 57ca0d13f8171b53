import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { Game } from './game';

export class Publisher extends Model {
  declare id: number;
  declare name: string;
  declare website?: string | null;
  declare founded_year?: number | null;
  declare created_at: Date;
  declare updated_at: Date;

  declare games?: Game[];

  static override tableName = 'publishers';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['name'],
    properties: {
      id: { type: 'integer' },
      name: { type: 'string', minLength: 1, maxLength: 255 },
      website: { type: ['string', 'null'], maxLength: 2048 },
      founded_year: { type: ['integer', 'null'], minimum: 1800, maximum: 2100 },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    games: {
      relation: Model.HasManyRelation,
      modelClass: Game,
      join: { from: 'publishers.id', to: 'games.publisher_id' },
    },
  });
}
