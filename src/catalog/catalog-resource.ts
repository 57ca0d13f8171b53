/**
 * A catalog resource (SPEC §4.4): what the five generic handlers in src/handlers/catalog/
 * and the route table need to know about users, games, genres or publishers — its model,
 * the schema of its body (POST and PUT alike: PUT replaces every writable field) and of
 * its answer, and how a valid body becomes a row.
 */
import {
  Type,
  type SchemaOptions,
  type Static,
  type TObject,
  type TSchema,
} from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import type { Knex } from 'knex';
import type { Model, ModelClass, Modifiers, PartialModelObject, QueryBuilder } from 'objection';
import { PositiveId } from '../ingest/event-schema';
import { assertValid, compileParams, parseParams } from '../http/validate';

export interface CatalogResource<
  B extends TObject = TObject,
  M extends Model & { id: number } = Model & { id: number },
> {
  /** As in the path: `users`. */
  plural: string;
  /** For messages, operation ids and the path parameter (`user_id`). */
  singular: string;
  model: ModelClass<M>;
  body: B;
  answer: TObject;
  /** Related rows answered with each item, fetched with one query per relation. */
  graph?: { expression: string; modifiers: Modifiers };
  /**
   * The columns to write, from a valid body with its defaults filled. Runs before the
   * write's transaction (hashing a password takes 0.1 s); foreign keys catch what a
   * reference check here misses in between.
   */
  toRow(body: Static<B>, db: Knex): Promise<PartialModelObject<M>>;
  /** Writes what is not a column (a game's genre links), after the row. */
  afterWrite?(id: number, body: Static<B>, trx: Knex.Transaction): Promise<void>;
  toAnswer(row: M): Static<TObject>;
  /** Whether the table has created_at / updated_at. */
  timestamps: boolean;
  /** A body for the document's examples. */
  example: Static<B>;
}

export const ListQuery = Type.Object({
  skip: Type.Integer({
    minimum: 0,
    maximum: 2_147_483_647,
    default: 0,
    description: 'Rows to skip.',
  }),
  limit: Type.Integer({
    minimum: 1,
    maximum: 100,
    default: 100,
    description: 'Rows to answer (1–100).',
  }),
});

export const listAnswer = (item: TSchema) =>
  Type.Object(
    {
      items: Type.Array(item, { description: 'Ordered by id.' }),
      skip: Type.Integer({ minimum: 0 }),
      limit: Type.Integer({ minimum: 1, maximum: 100 }),
      total: Type.Integer({ minimum: 0, description: 'Rows in all.' }),
    },
    { additionalProperties: false },
  );

export const idParam = (resource: Pick<CatalogResource, 'singular'>) => `${resource.singular}_id`;

export const idParams = (resource: Pick<CatalogResource, 'singular'>) =>
  Type.Object({ [idParam(resource)]: PositiveId });

/** Reads the item id from the path parameters; 422 unless a positive integer. */
export function idReader(resource: Pick<CatalogResource, 'singular'>): (params: object) => number {
  const check = compileParams(idParams(resource));
  const name = idParam(resource);
  return (params) => parseParams(check, params)[name] as number;
}

// The ingestion validator (src/http/validate.ts) knows only the formats events use; the
// catalog's bodies also need `email` and `date`. Its errors become details all the same.
const ajv = addFormats(new Ajv({ allErrors: true, strict: false }), ['email', 'date']);

/** Validates a body (422 listing every problem) and fills the defaults of absent fields. */
export function bodyReader<B extends TObject>(schema: B): (body: unknown) => Static<B> {
  const check = ajv.compile<Static<B>>(schema);
  return (body) => Value.Default(schema, structuredClone(assertValid(check, body))) as Static<B>;
}

/** A query of the resource's rows, each with its relations. */
export function queryItems<M extends Model & { id: number }>(
  resource: CatalogResource<TObject, M>,
  db: Knex,
): QueryBuilder<M, M[]> {
  // Objection's typings cannot resolve the query builder of a generic model: say it here once.
  const query = resource.model.query(db) as unknown as QueryBuilder<M, M[]>;
  return resource.graph
    ? query.withGraphFetched(resource.graph.expression).modifiers(resource.graph.modifiers)
    : query;
}

/** One item with its relations, or undefined. */
export const fetchItem = <M extends Model & { id: number }>(
  resource: CatalogResource<TObject, M>,
  db: Knex,
  id: number,
) => queryItems(resource, db).findById(id);

/** Answer helpers for what pg reads back in another form than the API answers. */
export const iso = (value: Date) => value.toISOString();

/** pg reads a DATE as local midnight: its local calendar day is the stored one. */
export function calendarDay(value: Date | string | null | undefined): string | null {
  if (value == null) return null;
  if (typeof value === 'string') return value;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${value.getFullYear()}-${pad(value.getMonth() + 1)}-${pad(value.getDate())}`;
}

/** pg reads NUMERIC(10,2) as a string; a double holds every such value, so answer a number. */
export const decimal = (value: number | string) => Number(value);
export const nullableDecimal = (value: number | string | null | undefined) =>
  value == null ? null : Number(value);

/** Answer schemas of the shared column kinds. */
export const Timestamp = Type.String({ format: 'date-time' });
/** `schema` or null as one type list, not anyOf: a bad value gets one error, not three. */
export const Nullable = <T extends TSchema>(schema: T, options: SchemaOptions = {}) =>
  Type.Unsafe<Static<T> | null>({ ...schema, ...options, type: [schema.type, 'null'] });
