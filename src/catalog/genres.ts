/** Game genres (SPEC §4.4). A genre that games still have cannot be deleted (409). */
import { Type } from '@sinclair/typebox';
import { Genre } from '../models';
import { Nullable, type CatalogResource } from './catalog-resource';

const Name = Type.String({
  minLength: 1,
  maxLength: 100,
  description: 'Unique.',
  examples: ['Platform'],
});

export const GenreBody = Type.Object(
  {
    name: Name,
    description: Type.Optional(Nullable(Type.String({ maxLength: 10_000 }), { default: null })),
  },
  { additionalProperties: false },
);

export const GenreAnswer = Type.Object(
  { id: Type.Integer({ minimum: 1 }), name: Name, description: Nullable(Type.String()) },
  { additionalProperties: false },
);

export const genres: CatalogResource<typeof GenreBody, Genre> = {
  plural: 'genres',
  singular: 'genre',
  model: Genre,
  body: GenreBody,
  answer: GenreAnswer,
  timestamps: false,
  toRow: async ({ name, description }) => ({ name, description }),
  toAnswer: (genre) => ({ id: genre.id, name: genre.name, description: genre.description ?? null }),
  example: {
    name: 'Platform',
    description: 'Games where the main challenge is jumping between platforms',
  },
};
