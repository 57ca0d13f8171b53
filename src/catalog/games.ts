/**
 * Games (SPEC §4.4): the Python service's fields, a publisher and genres. The body names
 * them by id (`publisher_id`, `genre_ids`, which a PUT replaces); the answer carries
 * `publisher: {id, name}` and `genres: [{id, name}]`. Unknown ids are a 422 naming the
 * path, checked before the write; one deleted in between trips a foreign key (409).
 */
import { Type } from '@sinclair/typebox';
import type { Knex } from 'knex';
import { validationFailed, type ErrorDetail } from '../http/http-error';
import { PositiveId } from '../ingest/event-schema';
import { Game, Genre, PLATFORMS, Publisher, REGIONS } from '../models';
import {
  Nullable,
  Timestamp,
  calendarDay,
  decimal,
  iso,
  nullableDecimal,
  type CatalogResource,
} from './catalog-resource';

const Amount = (description: string) =>
  Type.Number({
    minimum: 0,
    maximum: 99_999_999.99,
    description: `${description} Stored to the cent.`,
  });
const Flag = (value: boolean) => Type.Optional(Type.Boolean({ default: value }));
const Summary = Type.Object(
  { id: Type.Integer({ minimum: 1 }), name: Type.String() },
  { additionalProperties: false },
);

const fields = {
  title: Type.String({ minLength: 1, maxLength: 255, examples: ['Super Mario Bros. 3'] }),
  description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }), { default: null })),
  price: Amount('Price.'),
  release_date: Type.Optional(
    Nullable(Type.String({ format: 'date', examples: ['1988-10-23'] }), { default: null }),
  ),
  platform: Type.Unsafe<(typeof PLATFORMS)[number]>({ type: 'string', enum: [...PLATFORMS] }),
  region: Type.Unsafe<(typeof REGIONS)[number]>({ type: 'string', enum: [...REGIONS] }),
  stock: Type.Optional(Type.Integer({ minimum: 0, maximum: 2_147_483_647, default: 0 })),
  is_digital: Flag(false),
  is_active: Flag(true),
  condition_rating: Type.Optional(
    Nullable(Type.Integer({ minimum: 1, maximum: 10 }), { default: null }),
  ),
  has_original_box: Flag(false),
  has_manual: Flag(false),
  is_rare: Flag(false),
  collector_value: Type.Optional(Nullable(Amount('Collector value.'), { default: null })),
  serial_number: Type.Optional(
    Nullable(Type.String({ minLength: 1, maxLength: 64, description: 'Unique.' }), {
      default: null,
    }),
  ),
  special_edition: Flag(false),
};

export const GameBody = Type.Object(
  {
    ...fields,
    publisher_id: PositiveId,
    genre_ids: Type.Optional(
      Type.Array(PositiveId, {
        uniqueItems: true,
        maxItems: 100,
        default: [],
        description: 'Replaces the links on PUT.',
      }),
    ),
  },
  { additionalProperties: false },
);

export const GameAnswer = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    // Every field is answered, a defaulted one with its value.
    ...Type.Required(Type.Object(fields)).properties,
    publisher_id: Type.Integer({ minimum: 1 }),
    publisher: Summary,
    genres: Type.Array(Summary, { description: 'Ordered by id.' }),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);

async function checkReferences(publisherId: number, genreIds: number[], db: Knex) {
  const publisher = await Publisher.query(db).findById(publisherId).select('id');
  const known = new Set(
    (await Genre.query(db).whereIn('id', genreIds).select('id')).map(({ id }) => id),
  );
  const details: ErrorDetail[] = [];
  if (!publisher) details.push({ path: '/publisher_id', message: 'is not a known publisher' });
  genreIds.forEach((id, index) => {
    if (!known.has(id))
      details.push({ path: `/genre_ids/${index}`, message: 'is not a known genre' });
  });
  if (details.length > 0)
    throw validationFailed(details, 'The game names a publisher or genre that does not exist.');
}

export const games: CatalogResource<typeof GameBody, Game> = {
  plural: 'games',
  singular: 'game',
  model: Game,
  body: GameBody,
  answer: GameAnswer,
  timestamps: true,
  graph: {
    expression: '[publisher(summary), genres(summary)]',
    modifiers: { summary: (query) => query.select('id', 'name').orderBy('id') },
  },
  async toRow({ genre_ids: genreIds = [], ...row }, db) {
    await checkReferences(row.publisher_id, genreIds, db);
    return row;
  },
  async afterWrite(id, { genre_ids: genreIds = [] }, trx) {
    await Game.relatedQuery('genres', trx).for(id).unrelate();
    if (genreIds.length > 0) await Game.relatedQuery('genres', trx).for(id).relate(genreIds);
  },
  toAnswer: (game) => ({
    id: game.id,
    title: game.title,
    description: game.description ?? null,
    price: decimal(game.price),
    release_date: calendarDay(game.release_date),
    platform: game.platform,
    region: game.region,
    stock: game.stock,
    is_digital: game.is_digital,
    is_active: game.is_active,
    condition_rating: game.condition_rating ?? null,
    has_original_box: game.has_original_box,
    has_manual: game.has_manual,
    is_rare: game.is_rare,
    collector_value: nullableDecimal(game.collector_value),
    serial_number: game.serial_number ?? null,
    special_edition: game.special_edition,
    publisher_id: game.publisher_id,
    publisher: { id: game.publisher!.id, name: game.publisher!.name },
    genres: (game.genres ?? []).map(({ id, name }) => ({ id, name })),
    created_at: iso(game.created_at),
    updated_at: iso(game.updated_at),
  }),
  example: {
    title: 'Super Mario Bros. 3',
    description: 'Classic Nintendo platformer',
    price: 149.99,
    release_date: '1988-10-23',
    platform: 'NES',
    region: 'NTSC_US',
    stock: 5,
    is_digital: false,
    is_active: true,
    condition_rating: 9,
    has_original_box: true,
    has_manual: true,
    is_rare: true,
    collector_value: 299.99,
    serial_number: 'NES-QW-USA',
    special_edition: false,
    publisher_id: 1,
    genre_ids: [1],
  },
};
