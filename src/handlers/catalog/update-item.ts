/**
 * PUT /api/v1/{users|games|genres|publishers}/{id} — replaces every writable field: one
 * left out takes its default again, as on creation. 404 when unknown.
 */
import type { TObject } from '@sinclair/typebox';
import type { Knex } from 'knex';
import type { Middleware } from 'koa';
import type { Model, PartialModelObject } from 'objection';
import {
  bodyReader,
  fetchItem,
  idReader,
  type CatalogResource,
} from '../../catalog/catalog-resource';
import { notFound } from '../../http/http-error';

export function updateItem<B extends TObject, M extends Model & { id: number }>(
  resource: CatalogResource<B, M>,
  db: Knex,
): Middleware {
  const readId = idReader(resource);
  const readBody = bodyReader(resource.body);
  return async (ctx) => {
    const id = readId(ctx.params);
    const body = readBody(ctx.state.body);
    const row = await resource.toRow(body, db);
    const touched = resource.timestamps ? { ...row, updated_at: db.fn.now() } : row;
    await db.transaction(async (trx) => {
      const updated = await resource.model
        .query(trx)
        .findById(id)
        .patch(touched as PartialModelObject<M>);
      if (updated === 0) throw notFound(`No ${resource.singular} ${id}.`);
      await resource.afterWrite?.(id, body, trx);
    });
    ctx.body = resource.toAnswer((await fetchItem(resource, db, id))!);
  };
}
