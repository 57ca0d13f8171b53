/**
 * DELETE /api/v1/{users|games|genres|publishers}/{id} — 204, or 404 when unknown. A row
 * still referenced (a publisher's games, a user's orders…) is a 409 from its foreign key.
 */
import type { TObject } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { Model } from 'objection';
import { idReader, type CatalogResource } from '../../catalog/catalog-resource';
import { notFound } from '../../http/http-error';

export function deleteItem<B extends TObject, M extends Model & { id: number }>(
  resource: CatalogResource<B, M>,
  db: Knex,
): Middleware {
  const readId = idReader(resource);
  return async (ctx) => {
    const id = readId(ctx.params);
    const deleted = await resource.model.query(db).deleteById(id);
    if (deleted === 0) throw notFound(`No ${resource.singular} ${id}.`);
    ctx.status = 204;
  };
}
