/** GET /api/v1/{users|games|genres|publishers}/{id} — one item, 404 when unknown. */
import type { TObject } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { Model } from 'objection';
import { fetchItem, idReader, type CatalogResource } from '../../catalog/catalog-resource';
import { notFound } from '../../http/http-error';

export function getItem<B extends TObject, M extends Model & { id: number }>(
  resource: CatalogResource<B, M>,
  db: Knex,
): Middleware {
  const readId = idReader(resource);
  return async (ctx) => {
    const id = readId(ctx.params);
    const item = await fetchItem(resource, db, id);
    if (!item) throw notFound(`No ${resource.singular} ${id}.`);
    ctx.body = resource.toAnswer(item);
  };
}
