import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { amount, nullableAmount, nullableDate, oneOf } from './column-schemas';
import type { CalendarDate, Decimal } from './column-schemas';
import { PLATFORMS, REGIONS, type Platform, type Region } from './enums';
import { Genre } from './genre';
import { Publisher } from './publisher';
import { Review } from './review';

export class Game extends Model {
  declare id: number;
  declare title: string;
  declare description?: string | null;
  declare price: Decimal;
  declare release_date?: CalendarDate | null;
  declare publisher_id: number;
  declare platform: Platform;
  declare region: Region;
  declare stock: number;
  declare is_digital: boolean;
  declare is_active: boolean;
  declare condition_rating?: number | null;
  declare has_original_box: boolean;
  declare has_manual: boolean;
  declare is_rare: boolean;
  declare collector_value?: Decimal | null;
  declare serial_number?: string | null;
  declare special_edition: boolean;
  declare created_at: Date;
  declare updated_at: Date;

  declare publisher?: Publisher;
  declare genres?: Genre[];
  declare reviews?: Review[];

  static override tableName = 'games';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: ['title', 'price', 'publisher_id', 'platform', 'region'],
    properties: {
      id: { type: 'integer' },
      title: { type: 'string', minLength: 1, maxLength: 255 },
      description: { type: ['string', 'null'] },
      price: amount,
      release_date: nullableDate,
      publisher_id: { type: 'integer' },
      platform: oneOf(PLATFORMS),
      region: oneOf(REGIONS),
      stock: { type: 'integer', minimum: 0 },
      is_digital: { type: 'boolean' },
      is_active: { type: 'boolean' },
      condition_rating: { type: ['integer', 'null'], minimum: 1, maximum: 10 },
      has_original_box: { type: 'boolean' },
      has_manual: { type: 'boolean' },
      is_rare: { type: 'boolean' },
      collector_value: nullableAmount,
      serial_number: { type: ['string', 'null'], maxLength: 64 },
      special_edition: { type: 'boolean' },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    publisher: {
      relation: Model.BelongsToOneRelation,
      modelClass: Publisher,
      join: { from: 'games.publisher_id', to: 'publishers.id' },
    },
    genres: {
      relation: Model.ManyToManyRelation,
      modelClass: Genre,
      join: {
        from: 'games.id',
        through: { from: 'game_genre.game_id', to: 'game_genre.genre_id' },
        to: 'genres.id',
      },
    },
    reviews: {
      relation: Model.HasManyRelation,
      modelClass: Review,
      join: { from: 'games.id', to: 'reviews.game_id' },
    },
  });
}
