/** Game publishers (SPEC §4.4). A publisher that still has games cannot be deleted (409). */
import { Type } from '@sinclair/typebox';
import { Publisher } from '../models';
import { Nullable, Timestamp, iso, type CatalogResource } from './catalog-resource';

const Name = Type.String({
  minLength: 1,
  maxLength: 255,
  description: 'Unique.',
  examples: ['Nintendo'],
});
const Website = Type.String({ maxLength: 2048, examples: ['https://www.nintendo.com'] });
const FoundedYear = Type.Integer({ minimum: 1800, maximum: 2100, examples: [1889] });

export const PublisherBody = Type.Object(
  {
    name: Name,
    website: Type.Optional(Nullable(Website, { default: null })),
    founded_year: Type.Optional(Nullable(FoundedYear, { default: null })),
  },
  { additionalProperties: false },
);

export const PublisherAnswer = Type.Object(
  {
    id: Type.Integer({ minimum: 1 }),
    name: Name,
    website: Nullable(Website),
    founded_year: Nullable(FoundedYear),
    created_at: Timestamp,
    updated_at: Timestamp,
  },
  { additionalProperties: false },
);

export const publishers: CatalogResource<typeof PublisherBody, Publisher> = {
  plural: 'publishers',
  singular: 'publisher',
  model: Publisher,
  body: PublisherBody,
  answer: PublisherAnswer,
  timestamps: true,
  toRow: async ({ name, website, founded_year }) => ({ name, website, founded_year }),
  toAnswer: (publisher) => ({
    id: publisher.id,
    name: publisher.name,
    website: publisher.website ?? null,
    founded_year: publisher.founded_year ?? null,
    created_at: iso(publisher.created_at),
    updated_at: iso(publisher.updated_at),
  }),
  example: { name: 'Nintendo', website: 'https://www.nintendo.com', founded_year: 1889 },
};
