import { Model, type JSONSchema, type RelationMappings } from 'objection';
import { instant, oneOf } from './column-schemas';
import { EVENT_TYPES, type EventType } from './enums';
import { Game } from './game';
import { User } from './user';

/**
 * One customer interaction (migrations/20260101000003_create_web_events.ts explains the
 * columns; 20260101000004 partitions the table by month, and keeps event ids unique in
 * `web_event_ids`). `user` and `game` are looked up without a foreign key: either may be
 * missing.
 */
export class WebEvent extends Model {
  /** BIGINT: pg reads it back as a string. */
  declare id: string;
  declare event_id: string;
  declare user_id: number;
  declare game_id?: number | null;
  declare session_id: string;
  declare event_type: EventType;
  declare timestamp: Date;
  declare occurred_at: Date;
  declare received_at: Date;
  declare time_spent?: number | null;
  declare referrer_page: string;
  declare platform?: string | null;
  declare search_query?: string | null;
  declare filters_applied?: Record<string, unknown> | string | null;

  declare user?: User | null;
  declare game?: Game | null;

  static override tableName = 'web_events';

  static override jsonSchema: JSONSchema = {
    type: 'object',
    required: [
      'event_id',
      'user_id',
      'session_id',
      'event_type',
      'timestamp',
      'occurred_at',
      'referrer_page',
    ],
    properties: {
      event_id: { type: 'string', format: 'uuid' },
      user_id: { type: 'integer' },
      game_id: { type: ['integer', 'null'] },
      session_id: { type: 'string', minLength: 1, maxLength: 128 },
      event_type: oneOf(EVENT_TYPES),
      timestamp: instant,
      occurred_at: instant,
      received_at: instant,
      time_spent: { type: ['integer', 'null'], minimum: 0, maximum: 86_400 },
      referrer_page: { type: 'string', maxLength: 2048 },
      platform: { type: ['string', 'null'], maxLength: 32 },
      search_query: { type: ['string', 'null'], maxLength: 512 },
      // An object or a string (SPEC §4.1), stored as JSONB either way.
      filters_applied: { anyOf: [{ type: 'object' }, { type: 'string' }, { type: 'null' }] },
    },
  };

  static override relationMappings = (): RelationMappings => ({
    user: {
      relation: Model.BelongsToOneRelation,
      modelClass: User,
      join: { from: 'web_events.user_id', to: 'users.id' },
    },
    game: {
      relation: Model.BelongsToOneRelation,
      modelClass: Game,
      join: { from: 'web_events.game_id', to: 'games.id' },
    },
  });
}
